/**
 * The differential test: random valid filters over random profile sets (and random snapshots,
 * for `in snapshot`). The members the database
 * returns for the compiled SQL (count, every page, member(), membershipStatement) must equal the
 * members of the reference evaluator, which implements the written semantics directly on the
 * original AST. A bug in either shows up as a disagreement, printed with the filter, the SQL and
 * the profiles concerned.
 */
import fc from 'fast-check';
import { normalize, type FilterNode } from '../../src/audience';
import { compileAudience, membershipStatement, type AudienceQuery } from '../../src/audience/compiler';
import type { Sql } from '../../src/db/sql';
import { describeEachDatabase } from '../support/databases';
import { createTenant, scopeFor } from '../support/tenants';
import { scenarioArbitrary, type Scenario } from './support/arbitraries';
import { catalog } from './support/catalog';
import { assertValid, runCount, runMember, runMembers, runMembership, safePrint } from './support/harness';
import { clearProfiles, insertProfiles, insertSnapshots, type TestProfile } from './support/profiles';
import { members } from './support/reference-evaluator';

const RUNS = 60;
const PROFILES = 30;
/** Filters per data set: all are checked in one membership statement ... */
const FILTERS_PER_RUN = 24;
/** ... and the first few also through count(), every page() and member(). */
const FULLY_CHECKED = 3;

function describeProfiles(profiles: readonly TestProfile[]): string {
  return profiles.map((p) => JSON.stringify(p, (_key, value: unknown) => (typeof value === 'string' && value.length > 60 ? `${value.slice(0, 20)}…(${value.length})` : value))).join('\n');
}

function mismatch(what: string, filter: FilterNode, query: AudienceQuery, scenario: Scenario, expected: number[], actual: number[]): Error {
  const differing = new Set([...expected.filter((id) => !actual.includes(id)), ...actual.filter((id) => !expected.includes(id))]);
  return new Error(
    [
      `${what} disagrees with the reference evaluator`,
      `filter: ${safePrint(filter)}`,
      `asOf:   ${scenario.asOf.toISOString()}`,
      `sql:    ${query.predicate.sql}`,
      `params: ${JSON.stringify(query.predicate.params)}`,
      `expected (evaluator): [${expected.join(', ')}]`,
      `actual   (database):  [${actual.join(', ')}]`,
      'profiles that differ:',
      describeProfiles(scenario.profiles.filter((p) => differing.has(p.id))),
    ].join('\n'),
  );
}

async function checkScenario(sql: Sql, namespaceId: string, scenario: Scenario): Promise<void> {
  await clearProfiles(sql, namespaceId);
  await insertProfiles(sql, namespaceId, scenario.profiles);
  await insertSnapshots(sql, namespaceId, scenario.snapshots);
  const context = { catalog, asOf: scenario.asOf, snapshots: scenario.snapshots };
  const compiled = scenario.filters.map((filter, i) => {
    assertValid(filter, catalog, scenario.snapshots);
    const query = compileAudience(filter, { catalog, asOf: scenario.asOf, namespaceId });
    return { key: `f${i}`, filter, query, expected: members(filter, scenario.profiles, context) };
  });

  for (const { filter, query, expected } of compiled.slice(0, FULLY_CHECKED)) {
    const actual = await runMembers(sql, query, 7);
    if (JSON.stringify(actual) !== JSON.stringify(expected)) throw mismatch('page()', filter, query, scenario, expected, actual);
    const count = await runCount(sql, query);
    if (count !== expected.length) throw mismatch(`count() = ${count}`, filter, query, scenario, expected, actual);
    for (const id of [1, 2, scenario.profiles.length]) {
      if ((await runMember(sql, query, id)) !== expected.includes(id)) throw mismatch(`member(${id})`, filter, query, scenario, expected, actual);
    }
  }

  // Saved segments store the structural normal form: it has the same members.
  const normalized = compiled.map((entry) => ({ ...entry, key: `n${entry.key}`, query: compileAudience(normalize(entry.filter), { catalog, asOf: scenario.asOf, namespaceId }) }));
  const allIds = scenario.profiles.map((p) => p.id);
  const rows = await runMembership(sql, membershipStatement([...compiled, ...normalized], allIds));
  for (const { key, filter, query, expected } of [...compiled, ...normalized]) {
    const actual = rows.filter((row) => row.startsWith(`${key}:`)).map((row) => Number(row.slice(key.length + 1))).sort((a, b) => a - b);
    if (JSON.stringify(actual) !== JSON.stringify(expected)) throw mismatch('membershipStatement()', filter, query, scenario, expected, actual);
  }

  const oddIds = allIds.filter((id) => id % 2 === 1);
  const some = compiled.slice(0, FULLY_CHECKED);
  const oddRows = await runMembership(sql, membershipStatement(some, oddIds));
  expect(oddRows).toEqual(some.flatMap(({ key, expected }) => expected.filter((id) => oddIds.includes(id)).map((id) => `${key}:${id}`)).sort());
}

describeEachDatabase('compiled SQL agrees with the reference evaluator', (getDb) => {
  test(`${RUNS} random data sets of ${PROFILES} profiles, ${FILTERS_PER_RUN} random filters each`, async () => {
    const tenant = await createTenant(getDb());
    const { sql } = scopeFor(getDb(), tenant);
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary(PROFILES, FILTERS_PER_RUN, { withSnapshots: true }), (scenario) => checkScenario(sql, tenant.id, scenario)),
      // Every run counts, however slow the machine: no time limit on runs. Shrinking would re-run
      // whole data sets on the database, so a failure is reported as found (readable anyway).
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 600_000);
});
