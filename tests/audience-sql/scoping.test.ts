/**
 * Every statement is scoped to its namespace: on profile (`p.namespace_id = $1`) and in every
 * subquery on event and profile_phone. Checked on the SQL text of every statement for random
 * filters, and on a database holding two namespaces with identical data.
 */
import fc from 'fast-check';
import { compileAudience, membershipStatement, type AudienceQuery, type Statement } from '../../src/audience/compiler';
import type { Tenant } from '../../src/services/scope';
import { describeEachDatabase } from '../support/databases';
import { createTenant, scopeFor } from '../support/tenants';
import { scenarioArbitrary } from './support/arbitraries';
import { catalog } from './support/catalog';
import { GOLDEN_AS_OF, GOLDEN_PROFILES } from './support/golden-profiles';
import { compileText, runCount, runMember, runMembers, runMembership } from './support/harness';
import { insertProfiles } from './support/profiles';

const namespaceId = 'a0a0a0a0-1111-4222-8333-444455556666';

/**
 * The scoping rules, on SQL text: the outer query reads `profile p` of `$1`; each event subquery
 * is either correlated (`e.namespace_id = p.namespace_id ... and e.profile_id = p.id`) or a
 * semi-join on `p.id` restricted to `$1`; each phone subquery is correlated; and `$1` appears
 * nowhere else (it never carries a value).
 */
function scopingProblems(statement: Statement, expectedNamespace: string): string[] {
  const problems: string[] = [];
  const sql = statement.sql;
  const count = (pattern: RegExp): number => sql.match(pattern)?.length ?? 0;
  if (statement.params[0] !== expectedNamespace) problems.push('$1 is not the namespace id');
  const profileScans = count(/from profile\b/g);
  if (profileScans === 0 || count(/from profile p where p\.namespace_id = \$1 and /g) !== profileScans) problems.push('a profile scan without the namespace predicate');
  // exists, the grouped semi-join, or (an aggregate row by row) a correlated scalar `(select sum(…) from event e …)`.
  const events =
    sql.match(
      /(exists \(select 1 |p\.id in \(select e\.profile_id |\(select (?:coalesce\()?(?:sum|avg|min|max|count)\((?:(?!from event)[^;])*?)from event e where e\.namespace_id = (p\.namespace_id|\$1) and e\.type = \$\d+( and e\.profile_id = p\.id)?/g,
    ) ?? [];
  if (events.length !== count(/from event\b/g)) problems.push('an event subquery of another shape');
  for (const subquery of events) {
    const correlated = !subquery.startsWith('p.id in') && subquery.includes('= p.namespace_id') && subquery.endsWith('and e.profile_id = p.id');
    const semiJoin = subquery.startsWith('p.id in (select e.profile_id') && subquery.includes('e.namespace_id = $1');
    if (!correlated && !semiJoin) problems.push(`unscoped event subquery: ${subquery}`);
  }
  if (count(/from profile_phone\b/g) !== count(/from profile_phone ph where ph\.namespace_id = p\.namespace_id and ph\.profile_id = p\.id\b/g)) {
    problems.push('a phone subquery without the namespace and profile correlation');
  }
  if (count(/\$1(?!\d)/g) !== count(/namespace_id = \$1(?!\d)/g)) problems.push('$1 is used for something other than the namespace');
  return problems;
}

function everyStatement(query: AudienceQuery): Statement[] {
  return [
    query.count(),
    query.page({ afterId: 0, limit: 10, select: 'p.id' }),
    query.member(1),
    membershipStatement([{ key: 'a', query }, { key: 'b', query }], [1, 2]),
  ];
}

describe('namespace predicate in every statement', () => {
  test('for random filters: count, page, member and membership', () => {
    fc.assert(
      fc.property(scenarioArbitrary(3, 5), (scenario) => {
        for (const filter of scenario.filters) {
          const query = compileAudience(filter, { catalog, asOf: scenario.asOf, namespaceId });
          for (const statement of everyStatement(query)) expect({ sql: statement.sql, problems: scopingProblems(statement, namespaceId) }).toEqual({ sql: statement.sql, problems: [] });
        }
      }),
      { numRuns: 150 },
    );
  });

  test('the check itself notices an unscoped subquery', () => {
    const statement = { sql: 'select count(*) from profile p where p.namespace_id = $1 and (exists (select 1 from event e where e.type = $2 and e.profile_id = p.id))', params: [namespaceId, 'x'] };
    expect(scopingProblems(statement, namespaceId)).toEqual(['an event subquery of another shape']);
    const phones = { sql: 'select count(*) from profile p where p.namespace_id = $1 and (exists (select 1 from profile_phone ph where ph.profile_id = p.id))', params: [namespaceId] };
    expect(scopingProblems(phones, namespaceId)).toEqual(['a phone subquery without the namespace and profile correlation']);
    expect(scopingProblems({ sql: 'select count(*) from profile p where true', params: [namespaceId] }, namespaceId)).toEqual([
      'a profile scan without the namespace predicate',
    ]);
    expect(scopingProblems({ sql: 'select 1 from profile p where p.namespace_id = $1 and (p.first_name = $1)', params: [namespaceId] }, namespaceId)).toEqual([
      '$1 is used for something other than the namespace',
    ]);
  });
});

describeEachDatabase('tenant isolation', (getDb) => {
  let mine: Tenant;
  let theirs: Tenant;

  beforeAll(async () => {
    mine = await createTenant(getDb());
    theirs = await createTenant(getDb());
    // Identical data, identical profile ids, in both namespaces.
    await insertProfiles(scopeFor(getDb(), mine).sql, mine.id, GOLDEN_PROFILES);
    await insertProfiles(scopeFor(getDb(), theirs).sql, theirs.id, GOLDEN_PROFILES);
  });

  test.each([
    ['first_name is set or first_name is not set', [1, 2, 3, 4, 5, 6]],
    ['did purchase at least 2 times', [1, 5]],
    ['did purchase fewer than 2 times', [2, 3, 4, 6]],
    ['did open', [1, 4]],
    ['not did open', [2, 3, 5, 6]],
    ['sms_status is set', [1, 2]],
    ['sms_status != "PENDING"', [1, 3, 4, 5, 6]],
    ['did purchase at least 0 times', [1, 2, 3, 4, 5, 6]],
  ] as const)('%s counts only the namespace\'s own profiles', async (text, expected) => {
    const { sql } = scopeFor(getDb(), mine);
    const query = compileText(text, mine.id, GOLDEN_AS_OF);
    expect(await runCount(sql, query)).toBe(expected.length);
    expect(await runMembers(sql, query, 2)).toEqual(expected);
    expect(await runMember(sql, query, expected[0])).toBe(true);
    const membership = await runMembership(sql, membershipStatement([{ key: 'k', query }], [1, 2, 3, 4, 5, 6]));
    expect(membership).toEqual(expected.map((id) => `k:${id}`));
    // The other namespace really holds the same profiles.
    const [{ total }] = await sql.rows<{ total: number }>('select count(*)::int as total from profile where id = any($1::int[])', [[1, 2, 3, 4, 5, 6]]);
    expect(total).toBeGreaterThanOrEqual(12);
  });

  test('a profile id of another namespace is never a member', async () => {
    const { sql } = scopeFor(getDb(), mine);
    const [{ id: foreign }] = await sql.rows<{ id: number }>(
      `insert into profile (namespace_id, id, first_name) values ($1, 1000, 'Ann') returning id`,
      [theirs.id],
    );
    const query = compileText('first_name = "Ann"', mine.id, GOLDEN_AS_OF);
    expect(await runMember(sql, query, foreign)).toBe(false);
    expect(await runMembers(sql, query)).toEqual([1]);
  });
});
