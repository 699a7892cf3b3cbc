/**
 * Golden compiler tests: for representative filters, the exact SQL and parameters (a reviewable
 * design document of the compiled shapes), then the exact members on a real database, which the
 * reference evaluator must agree with.
 */
import { parseText } from '../../src/audience';
import { compileAudience } from '../../src/audience/compiler';
import type { Tenant } from '../../src/services/scope';
import { describeEachDatabase } from '../support/databases';
import { createTenant, scopeFor } from '../support/tenants';
import { catalog } from './support/catalog';
import { GOLDEN_AS_OF, GOLDEN_PROFILES } from './support/golden-profiles';
import { assertValid, compileText, filterOf, runCount, runMember, runMembers } from './support/harness';
import { insertProfiles, insertSnapshots } from './support/profiles';
import { members } from './support/reference-evaluator';

interface Golden {
  readonly text: string;
  readonly asOf?: string;
  /** The predicate; `$1` is the namespace id. */
  readonly sql: string;
  /** The parameters after `$1`. */
  readonly params: readonly unknown[];
  readonly members: readonly number[];
}

const phone = 'select 1 from profile_phone ph where ph.namespace_id = p.namespace_id and ph.profile_id = p.id';
const purchaseExists = 'exists (select 1 from event e where e.namespace_id = p.namespace_id and e.type = $2 and e.profile_id = p.id';

const totalNumber = "(case when jsonb_typeof(e.properties -> $3) = 'number' then (e.properties ->> $3)::numeric end)";

const GOLDENS: readonly Golden[] = [
  { text: 'email_status = "SUBSCRIBED"', sql: 'p.email_status = $2', params: ['SUBSCRIBED'], members: [1] },
  // neq is the exact negation of eq: it matches missing first names (3, 6).
  { text: 'first_name != "Ann"', sql: 'p.first_name is distinct from $2', params: ['Ann'], members: [2, 3, 4, 5, 6] },
  { text: 'last_name in ("Smith", "O\'Brien")', sql: 'p.last_name = any($2::text[])', params: [['Smith', "O'Brien"]], members: [1, 2] },
  {
    text: 'last_name not in ("Smith", "a_b\\\\c")',
    sql: '(p.last_name = any($2::text[])) is not true',
    params: [['Smith', 'a_b\\c']],
    members: [2, 3, 5, 6],
  },
  // LIKE on audience_fold() (the locale-independent fold, src/db/case-fold.sql.ts) with the pattern
  // folded by foldCase; %, _ and \ escaped in the pattern match themselves; case is ignored (É/é).
  {
    text: 'first_name contains "50%" or first_name starts with "éM" or last_name ends with "_B\\\\C"',
    sql: 'audience_fold(p.first_name) like $2 or audience_fold(p.first_name) like $3 or audience_fold(p.last_name) like $4',
    params: ['%50\\%%', 'ém%', '%\\_b\\\\c'],
    members: [2, 4],
  },
  { text: 'first_name not contains "AN"', sql: '(audience_fold(p.first_name) like $2) is not true', params: ['%an%'], members: [2, 3, 4, 6] },
  // A normalized email is folded when stored (checkEmail): it is matched as it is, on the column's statistics.
  { text: 'email ends with "@EXAMPLE.com"', sql: 'p.email_normalized like $2', params: ['%@example.com'], members: [1, 3] },
  // smallint column: integer values go as ::int (index-friendly), others as ::numeric.
  {
    text: 'email_hash_number between 10 and 20 or email_hash_number in (5, 2.5)',
    sql: 'p.email_hash_number between $2::int and $3::int or p.email_hash_number = any($4::numeric[])',
    params: [10, 20, [5, 2.5]],
    members: [1, 3],
  },
  // `not` around an operator without a complement: NULL (missing) counts as false first. `is not
  // true` rather than `not coalesce(…, false)`, which the planner would estimate at 0.5.
  { text: 'not email_hash_number < 50', sql: '(p.email_hash_number < $2::int) is not true', params: [50], members: [2, 4, 5, 6] },
  { text: 'email = " ANN@example.COM "', sql: 'p.email_normalized = $2', params: ['ann@example.com'], members: [1] },
  {
    text: 'custom.vip = false or custom.score > 50',
    // A custom boolean is compared as jsonb: one comparison, on the expression its index is built on.
    sql: "p.custom -> $2 = $3::jsonb or (case when jsonb_typeof(p.custom -> $4) = 'number' then (p.custom ->> $4)::numeric end) > $5::numeric",
    params: ['vip', 'false', 'score', 50],
    members: [1, 3, 4],
  },
  {
    text: 'custom.vip != true and custom.tier = "gold"',
    sql: 'p.custom -> $2 is distinct from $3::jsonb and (p.custom ->> $4) = $5',
    params: ['vip', 'true', 'tier', 'gold'],
    members: [],
  },
  // Custom DATETIME values are canonical ISO text: compared byte-wise against ISO bounds.
  {
    text: 'custom.signup_date after 2026-01-01 or custom.signup_date between 2025-06-01T00:00Z and 2025-06-01',
    sql: '(p.custom ->> $2) collate "C" >= $3 or ((p.custom ->> $4) collate "C" >= $5 and (p.custom ->> $4) collate "C" < $6)',
    params: ['signup_date', '2026-01-02T00:00:00.000Z', 'signup_date', '2025-06-01T00:00:00.000Z', '2025-06-02T00:00:00.000Z'],
    members: [1, 4],
  },
  // Relative operators: bounds computed from asOf in JavaScript, passed as timestamptz.
  {
    text: 'last_purchase_date within last 30 days or last_purchase_date more than 2 months ago',
    sql: 'p.last_purchase_date between $2 and $3 or p.last_purchase_date < $4',
    params: ['2026-10-29T12:00:00.000Z', '2026-11-28T12:00:00.000Z', '2026-09-28T12:00:00.000Z'],
    members: [1, 2],
  },
  // A year is 12 calendar months.
  {
    text: 'did purchase within last 1 year or last_purchase_date more than 2 years ago',
    sql: `${purchaseExists} and e.occurred_at between $3 and $4) or p.last_purchase_date < $5`,
    params: ['purchase', '2025-11-28T12:00:00.000Z', '2026-11-28T12:00:00.000Z', '2024-11-28T12:00:00.000Z'],
    members: [1, 2, 5],
  },
  // A date-only literal is its whole UTC day.
  {
    text: 'last_email_sent on 2026-11-27',
    sql: '(p.last_email_sent >= $2 and p.last_email_sent < $3)',
    params: ['2026-11-27T00:00:00.000Z', '2026-11-28T00:00:00.000Z'],
    members: [1, 3],
  },
  {
    text: 'last_email_sent after 2026-11-27 or last_email_sent before 2026-11-27T09:00:00.001Z',
    sql: 'p.last_email_sent >= $2 or p.last_email_sent < $3',
    params: ['2026-11-28T00:00:00.000Z', '2026-11-27T09:00:00.001Z'],
    members: [1, 4],
  },
  // sms_status is per phone: EXISTS for a state, NOT EXISTS for its negation.
  {
    text: 'sms_status != "SUBSCRIBED" and sms_status is set',
    sql: `not exists (${phone} and ph.sms_status = $2) and exists (${phone})`,
    params: ['SUBSCRIBED'],
    members: [2],
  },
  { text: 'sms_status in ("UNSUBSCRIBED", "PENDING")', sql: `exists (${phone} and ph.sms_status = any($2::text[]))`, params: [['UNSUBSCRIBED', 'PENDING']], members: [1, 2] },
  // Birthdays wrap the year end ...
  {
    text: 'birthday within next 5 days',
    asOf: '2026-12-30T08:00:00.000Z',
    sql:
      '((p.birthday_month = $2::int and p.birthday_day between $3::int and $4::int)' +
      ' or (p.birthday_month = $5::int and p.birthday_day between $6::int and $7::int))',
    params: [12, 30, 31, 1, 1, 4],
    members: [2, 5],
  },
  // ... and 29 February is celebrated on 28 February in non-leap years.
  {
    text: 'birthday within next 1 days',
    asOf: '2027-02-27T10:00:00.000Z',
    sql: '(p.birthday_month = $2::int and p.birthday_day between $3::int and $4::int)',
    params: [2, 27, 29],
    members: [3],
  },
  // Events, at least once: a correlated EXISTS. The property is compared only as a JSON number.
  {
    text: 'did purchase within last 30 days where (total > 50)',
    sql:
      `${purchaseExists} and e.occurred_at between $3 and $4` +
      " and (case when jsonb_typeof(e.properties -> $5) = 'number' then (e.properties ->> $5)::numeric end) > $6::numeric)",
    params: ['purchase', '2026-10-29T12:00:00.000Z', '2026-11-28T12:00:00.000Z', 'total', 50],
    members: [1, 5],
  },
  { text: 'did not purchase', sql: `not ${purchaseExists})`, params: ['purchase'], members: [3, 4, 6] },
  // Other counts: a grouped semi-join ...
  {
    text: 'did purchase at least 2 times within last 30 days where (total > 50)',
    sql:
      'p.id in (select e.profile_id from event e where e.namespace_id = $1 and e.type = $2 and e.occurred_at between $3 and $4' +
      " and (case when jsonb_typeof(e.properties -> $5) = 'number' then (e.properties ->> $5)::numeric end) > $6::numeric" +
      ' group by e.profile_id having count(*) >= $7)',
    params: ['purchase', '2026-10-29T12:00:00.000Z', '2026-11-28T12:00:00.000Z', 'total', 50, 2],
    members: [5],
  },
  // ... or its complement when zero events satisfy the count.
  {
    text: 'did purchase fewer than 2 times',
    sql: 'not (p.id in (select e.profile_id from event e where e.namespace_id = $1 and e.type = $2 group by e.profile_id having count(*) >= $3))',
    params: ['purchase', 2],
    members: [2, 3, 4, 6],
  },
  {
    text: 'did open exactly 2 times where (note != "x")',
    sql:
      'p.id in (select e.profile_id from event e where e.namespace_id = $1 and e.type = $2' +
      ' and e.properties -> $3 is distinct from $4::jsonb' +
      ' group by e.profile_id having count(*) = $5)',
    params: ['open', 'note', '"x"', 2],
    members: [4],
  },
  // String equality on a property is jsonb equality: a JSON string equals only the same JSON string
  // (case-sensitive; the number 75 is not the string "75").
  { text: 'did purchase where (category = "shoes")', sql: `${purchaseExists} and e.properties -> $3 = $4::jsonb)`, params: ['purchase', 'category', '"shoes"'], members: [1] },
  {
    text: 'did purchase where (category in ("shoes", "SHOES"))',
    sql: `${purchaseExists} and e.properties -> $3 = any($4::jsonb[]))`,
    params: ['purchase', 'category', ['"shoes"', '"SHOES"']],
    members: [1, 5],
  },
  { text: 'did purchase where (total = "75")', sql: `${purchaseExists} and e.properties -> $3 = $4::jsonb)`, params: ['purchase', 'total', '"75"'], members: [2] },
  // Calendar periods: the UTC day or month holding asOf, half-open like `on`.
  {
    text: 'last_email_sent is today or last_email_sent is yesterday',
    sql: '(p.last_email_sent >= $2 and p.last_email_sent < $3) or (p.last_email_sent >= $4 and p.last_email_sent < $5)',
    params: ['2026-11-28T00:00:00.000Z', '2026-11-29T00:00:00.000Z', '2026-11-27T00:00:00.000Z', '2026-11-28T00:00:00.000Z'],
    members: [1, 3, 4],
  },
  {
    text: 'custom.signup_date is this month',
    sql: '((p.custom ->> $2) collate "C" >= $3 and (p.custom ->> $2) collate "C" < $4)',
    params: ['signup_date', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
    members: [4],
  },
  {
    text: 'did purchase at least 2 times this month',
    sql:
      'p.id in (select e.profile_id from event e where e.namespace_id = $1 and e.type = $2 and (e.occurred_at >= $3 and e.occurred_at < $4)' +
      ' group by e.profile_id having count(*) >= $5)',
    params: ['purchase', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', 2],
    members: [1, 5],
  },
  { text: 'did open yesterday', asOf: '2026-11-28T23:59:59.999Z', sql: `exists (select 1 from event e where e.namespace_id = p.namespace_id and e.type = $2 and e.profile_id = p.id and (e.occurred_at >= $3 and e.occurred_at < $4))`, params: ['open', '2026-11-27T00:00:00.000Z', '2026-11-28T00:00:00.000Z'], members: [1, 4] },
  // or/not inside `where`: in the same subquery, parenthesized; `not` is pushed down to the
  // operators (`not (a = x)` is `a != x`) or wraps a leaf without a complement as (…) is not true.
  {
    text: 'did purchase where (category = "shoes" or total = "75")',
    sql: `${purchaseExists} and (e.properties -> $3 = $4::jsonb or e.properties -> $5 = $6::jsonb))`,
    params: ['purchase', 'category', '"shoes"', 'total', '"75"'],
    members: [1, 2],
  },
  {
    text: 'did purchase where (not (category = "shoes") and total > 50)',
    sql:
      `${purchaseExists} and e.properties -> $3 is distinct from $4::jsonb` +
      " and (case when jsonb_typeof(e.properties -> $5) = 'number' then (e.properties ->> $5)::numeric end) > $6::numeric)",
    params: ['purchase', 'category', '"shoes"', 'total', 50],
    members: [1, 5],
  },
  // ... and inside the grouped semi-join alike.
  {
    text: 'did purchase at least 2 times where (not (total < 50 or category = "shoes"))',
    sql:
      'p.id in (select e.profile_id from event e where e.namespace_id = $1 and e.type = $2' +
      " and (((case when jsonb_typeof(e.properties -> $3) = 'number' then (e.properties ->> $3)::numeric end) < $4::numeric) is not true" +
      ' and e.properties -> $5 is distinct from $6::jsonb)' +
      ' group by e.profile_id having count(*) >= $7)',
    params: ['purchase', 'total', 50, 'category', '"shoes"', 2],
    members: [5],
  },
  // Aggregates: the grouped semi-join with the aggregate in `having`; only JSON numbers are summed
  // (profile 2's total is the string "75": its sum is 0).
  {
    text: 'did purchase with sum(total) > 100',
    sql: `p.id in (select e.profile_id from event e where e.namespace_id = $1 and e.type = $2 group by e.profile_id having coalesce(sum(${totalNumber}), 0) > $4::numeric)`,
    params: ['purchase', 'total', 100],
    members: [1, 5],
  },
  // ... its complement when 0 (no events, or no numbers) satisfies the comparison ...
  {
    text: 'did purchase with sum(total) < 100',
    sql: `not (p.id in (select e.profile_id from event e where e.namespace_id = $1 and e.type = $2 group by e.profile_id having not (coalesce(sum(${totalNumber}), 0) < $4::numeric)))`,
    params: ['purchase', 'total', 100],
    members: [2, 3, 4, 6],
  },
  // ... avg, min and max have no value over no numbers: false (profile 2), in the window (profile 1's 75 and 20 average 47.5).
  {
    text: 'did purchase within last 30 days with avg(total) >= 70',
    sql:
      'p.id in (select e.profile_id from event e where e.namespace_id = $1 and e.type = $2 and e.occurred_at between $3 and $4' +
      ` group by e.profile_id having avg(${totalNumber.replaceAll('$3', '$5')}) >= $6::numeric)`,
    params: ['purchase', '2026-10-29T12:00:00.000Z', '2026-11-28T12:00:00.000Z', 'total', 70],
    members: [5],
  },
  {
    text: 'not did purchase with max(total) > 100',
    sql: `not (p.id in (select e.profile_id from event e where e.namespace_id = $1 and e.type = $2 group by e.profile_id having max(${totalNumber}) > $4::numeric))`,
    params: ['purchase', 'total', 100],
    members: [2, 3, 4, 5, 6],
  },
  // count distinct: by jsonb equality, any JSON type but null ("shoes" and "SHOES" are two values).
  {
    text: 'did purchase with count distinct(category) = 1',
    sql:
      'p.id in (select e.profile_id from event e where e.namespace_id = $1 and e.type = $2 group by e.profile_id' +
      " having count(distinct (case when jsonb_typeof(e.properties -> $3) <> 'null' then e.properties -> $3 end)) = $4::numeric)",
    params: ['purchase', 'category', 1],
    members: [1, 5],
  },
  // Nesting: `not` is pushed to the leaves (toCompileForm); `not did X` becomes NOT EXISTS.
  {
    text: 'not (first_name = "Ann" or (custom.score > 1 and did open))',
    sql:
      'p.first_name is distinct from $2 and (((case when jsonb_typeof(p.custom -> $3) = \'number\' then (p.custom ->> $3)::numeric end) > $4::numeric) is not true' +
      ' or not exists (select 1 from event e where e.namespace_id = p.namespace_id and e.type = $5 and e.profile_id = p.id))',
    params: ['Ann', 'score', 1, 'open'],
    members: [2, 3, 5, 6],
  },
  // Edges: a non-integer or out-of-int range number is compared as numeric ...
  { text: 'email_hash_number > 3000000000', sql: 'p.email_hash_number > $2::numeric', params: [3000000000], members: [] },
  // ... the day after 9999-12-31 is a five-digit year for timestamptz, and after every canonical ISO text ...
  {
    text: 'last_email_sent after 9999-12-31 or custom.signup_date after 9999-12-31 or custom.signup_date on 9999-12-31',
    sql: 'p.last_email_sent >= $2 or false or (p.custom ->> $3) collate "C" >= $4',
    params: ['10000-01-01T00:00:00.000Z', 'signup_date', '9999-12-31T00:00:00.000Z'],
    members: [],
  },
  // ... a count every profile satisfies is `true`, and a window covering every birthday needs only both parts set.
  { text: 'did purchase at least 0 times', sql: 'true', params: [], members: [1, 2, 3, 4, 5, 6] },
  { text: 'birthday within next 366 days', sql: '(p.birthday_month is not null and p.birthday_day is not null)', params: [], members: [1, 2, 3, 5] },
  {
    text: 'first_identified_date is set and custom.tier is not set',
    sql: 'p.first_identified_at is not null and p.custom ->> $2 is null',
    params: ['tier'],
    members: [3, 4],
  },
];

describeEachDatabase('compiled audience SQL (golden)', (getDb) => {
  let tenant: Tenant;

  beforeAll(async () => {
    tenant = await createTenant(getDb());
    await insertProfiles(scopeFor(getDb(), tenant).sql, tenant.id, GOLDEN_PROFILES);
  });

  test.each(GOLDENS.map((golden) => [golden.text, golden] as const))('%s', async (_text, golden) => {
    const asOf = golden.asOf ? new Date(golden.asOf) : GOLDEN_AS_OF;
    const { sql } = scopeFor(getDb(), tenant);
    const query = compileText(golden.text, tenant.id, asOf);

    expect(query.predicate).toEqual({ sql: golden.sql, params: [tenant.id, ...golden.params] });
    expect(await runMembers(sql, query)).toEqual(golden.members);
    expect(await runCount(sql, query)).toBe(golden.members.length);
    expect(members(filterOf(golden.text), GOLDEN_PROFILES, { catalog, asOf })).toEqual(golden.members);
  });

  test('in snapshot: a probe of the member table on its primary key, two-valued under not', async () => {
    const { sql } = scopeFor(getDb(), tenant);
    await insertSnapshots(sql, tenant.id, new Map([['snap_golden', [2, 5, 6]]]));
    const snapshots = new Set(['snap_golden']);
    const filter = parseText('not in snapshot "snap_golden" or (in snapshot "snap_golden" and first_name is set)');
    if (!filter.ok) throw new Error('does not parse');
    assertValid(filter.value, catalog, snapshots);
    const query = compileAudience(filter.value, { catalog, asOf: GOLDEN_AS_OF, namespaceId: tenant.id });
    const probe = 'exists (select 1 from segment_snapshot_member sm where sm.namespace_id = p.namespace_id and sm.snapshot_id = $2 and sm.profile_id = p.id)';
    expect(query.predicate).toEqual({
      sql: `not (${probe}) or (${probe.replace('$2', '$3')} and p.first_name is not null)`,
      params: [tenant.id, 'snap_golden', 'snap_golden'],
    });
    const expected = members(filter.value, GOLDEN_PROFILES, { catalog, asOf: GOLDEN_AS_OF, snapshots: new Map([['snap_golden', [2, 5, 6]]]) });
    expect(await runMembers(sql, query)).toEqual(expected);
    expect(expected).toEqual([1, 2, 3, 4, 5]); // not in it: 1, 3, 4; in it with a first name: 2, 5 (6 has none)
  });

  test('count, page and member wrap the predicate in the namespace', async () => {
    const { sql } = scopeFor(getDb(), tenant);
    const query = compileText('first_name != "Ann"', tenant.id, GOLDEN_AS_OF);
    expect(query.count()).toEqual({
      sql: 'select count(*)::bigint as count from profile p where p.namespace_id = $1 and (p.first_name is distinct from $2)',
      params: [tenant.id, 'Ann'],
    });
    expect(query.page({ afterId: 2, limit: 2, select: 'p.id, p.first_name' })).toEqual({
      sql: 'select p.id, p.first_name from profile p where p.namespace_id = $1 and (p.first_name is distinct from $2) and p.id > $3 order by p.id limit $4',
      params: [tenant.id, 'Ann', 2, 2],
    });
    expect(query.member(3)).toEqual({
      sql: 'select exists (select 1 from profile p where p.namespace_id = $1 and (p.first_name is distinct from $2) and p.id = $3) as member',
      params: [tenant.id, 'Ann', 3],
    });
    const page = query.page({ afterId: 2, limit: 2, select: 'p.id, p.first_name' });
    expect(await sql.rows(page.sql, page.params)).toEqual([
      { id: 3, first_name: null },
      { id: 4, first_name: '50% off' },
    ]);
    expect(await runMember(sql, query, 3)).toBe(true);
    expect(await runMember(sql, query, 1)).toBe(false);
    expect(await runMembers(sql, query, 2)).toEqual([2, 3, 4, 5, 6]);
  });

  test('an event count: grouped in count(), exists (… offset n-1) in page() and member(); the fenced page keeps the grouped form', async () => {
    const { sql } = scopeFor(getDb(), tenant);
    const query = compileText('did purchase at least 2 times within last 30 days where (total > 50)', tenant.id, GOLDEN_AS_OF);
    const window = 'e.occurred_at between $3 and $4';
    const total = "(case when jsonb_typeof(e.properties -> $5) = 'number' then (e.properties ->> $5)::numeric end) > $6::numeric";
    const grouped = `p.id in (select e.profile_id from event e where e.namespace_id = $1 and e.type = $2 and ${window} and ${total} group by e.profile_id having count(*) >= $7)`;
    const atLeast2 = `exists (select 1 from event e where e.namespace_id = p.namespace_id and e.type = $2 and e.profile_id = p.id and ${window} and ${total} offset $7)`;
    const params = [tenant.id, 'purchase', '2026-10-29T12:00:00.000Z', '2026-11-28T12:00:00.000Z', 'total', 50];
    expect(query.count().sql).toBe(`select count(*)::bigint as count from profile p where p.namespace_id = $1 and (${grouped})`);
    expect(query.page({ afterId: 0, limit: 10, select: 'p.id' })).toEqual({
      sql: `select p.id from profile p where p.namespace_id = $1 and (${atLeast2}) and p.id > $8 order by p.id limit $9`,
      params: [...params, 1, 0, 10],
    });
    expect(query.member(5)).toEqual({ sql: `select exists (select 1 from profile p where p.namespace_id = $1 and (${atLeast2}) and p.id = $8) as member`, params: [...params, 1, 5] });
    const fenced = query.page({ afterId: 0, limit: 10, select: 'p.id', fenced: true });
    expect(fenced).toEqual({
      sql: `select * from (select p.id from profile p where p.namespace_id = $1 and (${grouped}) and p.id > $8 offset 0) p order by p.id limit $9`,
      params: [...params, 2, 0, 10],
    });
    expect(await sql.rows(fenced.sql, fenced.params)).toEqual([{ id: 5 }]);
    expect(await runMembers(sql, query)).toEqual([5]);
    expect(await runMember(sql, query, 5)).toBe(true);
    expect(await runMember(sql, query, 1)).toBe(false);
    expect(() => query.page({ afterId: 0, limit: 10, select: 'p.first_name', fenced: true })).toThrow('A fenced page needs `p.id` in its column list.');

    const exactly = compileText('did open exactly 2 times', tenant.id, GOLDEN_AS_OF);
    const opens = (n: number) => `exists (select 1 from event e where e.namespace_id = p.namespace_id and e.type = $2 and e.profile_id = p.id offset $${n})`;
    expect(exactly.page({ afterId: 0, limit: 10, select: 'p.id' })).toEqual({
      sql: `select p.id from profile p where p.namespace_id = $1 and ((${opens(3)} and not ${opens(4)})) and p.id > $5 order by p.id limit $6`,
      params: [tenant.id, 'open', 1, 2, 0, 10],
    });
    expect(await runMembers(sql, exactly)).toEqual([4]);
    const fewer = compileText('did purchase fewer than 2 times', tenant.id, GOLDEN_AS_OF);
    expect(fewer.member(1).sql).toBe(`select exists (select 1 from profile p where p.namespace_id = $1 and (not ${opens(3)}) and p.id = $4) as member`);
    expect(await runMembers(sql, fewer)).toEqual([2, 3, 4, 6]);
  });

  test('statements and their parameter lists are frozen', () => {
    const query = compileText('email_status in ("KNOWN")', tenant.id, GOLDEN_AS_OF);
    for (const statement of [query.predicate, query.count(), query.member(1), query.page({ afterId: 0, limit: 1, select: 'p.id' })]) {
      expect(Object.isFrozen(statement)).toBe(true);
      expect(Object.isFrozen(statement.params)).toBe(true);
    }
    expect(Object.isFrozen(query)).toBe(true);
  });
});
