/**
 * The trust model, pinned down: user text (values, custom-field keys, event types, property
 * names) only ever reaches the database as parameters. For every hostile string the SQL text is
 * exactly the SQL of a harmless value of the same shape, the hostile text is a parameter, the
 * statement runs, and it counts what the semantics say; afterwards every table is intact.
 */
import type { EventNode, FilterNode, PropertyCondition } from '../../src/audience';
import { compileAudience, type AudienceQuery } from '../../src/audience/compiler';
import { foldCase } from '../../src/text/case-fold';
import type { Tenant } from '../../src/services/scope';
import { describeEachDatabase } from '../support/databases';
import { createTenant, scopeFor } from '../support/tenants';
import { customField, SqlTestCatalog, SQL_TEST_FIELDS } from './support/catalog';
import { runCount, runMembers } from './support/harness';
import { blankProfile, insertProfiles, type TestProfile } from './support/profiles';
import { members } from './support/reference-evaluator';

const HOSTILE = [
  "'; drop table profile; --",
  "' or '1'='1",
  "Robert'); DROP TABLE event;--",
  '"; select pg_sleep(10); --',
  "\\'; delete from profile; --",
  '$1',
  '$2::text or true',
  '$$ language sql $$',
  '*/ or true /*',
  '50% off_',
  '\\',
  "e'\\x27'",
  'ǅrøƥ 表 -- 😀 É ß',
] as const;

const origin = { path: '' };
const asOf = new Date('2026-11-28T12:00:00.000Z');
/** Custom fields whose keys are the hostile strings: `custom.k0`, `custom.k1`, ... */
const catalog = new SqlTestCatalog([...SQL_TEST_FIELDS, ...HOSTILE.map((key, i) => ({ ...customField(key, 'string'), name: `custom.k${i}` }))]);

const condition = (field: string, op: string, value?: unknown): FilterNode =>
  ({ kind: 'condition', field, op, ...(value !== undefined && { value }), origin }) as FilterNode;

const event = (type: string, where: readonly PropertyCondition[] = [], count?: EventNode['count']): FilterNode => ({
  kind: 'event',
  event: type,
  ...(count && { count }),
  ...(where.length > 0 && { where }),
  origin,
});

const property = (name: string, op: string, value?: unknown): PropertyCondition =>
  ({ kind: 'property', property: name, op, ...(value !== undefined && { value }), origin }) as PropertyCondition;

/** Profile i holds hostile string i everywhere a string can go. */
const PROFILES: readonly TestProfile[] = HOSTILE.map((h, i) =>
  blankProfile(i + 1, {
    columns: { first_name: h, last_name: h },
    custom: { tier: h, [h]: 'v' },
    events: [{ type: 'purchase', created: new Date('2026-11-27T00:00:00Z'), properties: { [h]: 75, note: h } }],
  }),
);

/** The filters to try with a string `s` in every user-controlled position. */
function filtersWith(s: string, i: number): FilterNode[] {
  return [
    condition('first_name', 'eq', s),
    condition('last_name', 'neq', s),
    condition('first_name', 'in', [s, 'x']),
    condition('last_name', 'not_in', [s]),
    condition('first_name', 'contains', s),
    condition('first_name', 'not_contains', s),
    condition('last_name', 'starts_with', s),
    condition('last_name', 'ends_with', s),
    condition('email', 'eq', s),
    condition('custom.tier', 'eq', s),
    condition(`custom.k${i}`, 'eq', 'v'),
    condition(`custom.k${i}`, 'is_set'),
    event('purchase', [property(s, 'gt', 50)]),
    event('purchase', [property('note', 'eq', s), property(s, 'is_set')], { op: 'gte', value: 2 }),
    event(s),
    event(s, [property(s, 'neq', s)], { op: 'eq', value: 0 }),
  ];
}

/** Whether some parameter holds `s`: as is, normalized like an email, or folded and escaped inside a LIKE pattern. */
function carries(params: readonly unknown[], s: string): boolean {
  const forms = [s, foldCase(s.trim()), foldCase(s).replace(/[\\%_]/g, (ch) => `\\${ch}`)];
  return params.some((param) => (Array.isArray(param) ? param : [param]).some((value) => typeof value === 'string' && forms.some((form) => value.includes(form))));
}

const compile = (filter: FilterNode, namespaceId: string): AudienceQuery => compileAudience(filter, { catalog, asOf, namespaceId });

describeEachDatabase('injection', (getDb) => {
  let tenant: Tenant;

  beforeAll(async () => {
    tenant = await createTenant(getDb());
    await insertProfiles(scopeFor(getDb(), tenant).sql, tenant.id, PROFILES);
  });

  test.each(HOSTILE.map((h, i) => [h, i] as const))('%s is only ever a parameter', async (hostile, i) => {
    const { sql } = scopeFor(getDb(), tenant);
    const harmless = filtersWith('harmless', i);
    for (const [j, filter] of filtersWith(hostile, i).entries()) {
      const query = compile(filter, tenant.id);
      const statement = query.count();
      // The SQL text does not depend on the user's text at all ...
      expect(statement.sql).toBe(compile(harmless[j], tenant.id).count().sql);
      if (hostile.length > 2) expect(statement.sql).not.toContain(hostile);
      // ... which travels as a parameter: as is, normalized (email) or as an escaped LIKE pattern.
      expect(carries(statement.params, hostile)).toBe(true);
      // The statement runs and counts what the semantics say.
      const expected = members(filter, PROFILES, { catalog, asOf }).length;
      expect({ filter: j, count: await runCount(sql, query) }).toEqual({ filter: j, count: expected });
    }
  });

  test('each hostile string matches exactly its own profile where it is compared for equality', async () => {
    const { sql } = scopeFor(getDb(), tenant);
    for (const [i, hostile] of HOSTILE.entries()) {
      for (const filter of [condition('first_name', 'eq', hostile), condition(`custom.k${i}`, 'eq', 'v'), event('purchase', [property(hostile, 'eq', 75)])]) {
        expect(await runMembers(sql, compile(filter, tenant.id))).toEqual([i + 1]);
      }
    }
  });

  test('afterwards every table is intact', async () => {
    const { sql } = scopeFor(getDb(), tenant);
    const [counts] = await sql.rows<{ profiles: number; events: number; namespaces: number }>(
      `select (select count(*) from profile where namespace_id = $1)::int as profiles,
              (select count(*) from event where namespace_id = $1)::int as events,
              (select count(*) from namespace where id = $1)::int as namespaces`,
      [tenant.id],
    );
    expect(counts).toEqual({ profiles: HOSTILE.length, events: HOSTILE.length, namespaces: 1 });
  });
});
