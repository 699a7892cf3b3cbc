/**
 * Edit impact: the one-statement comparison of two definitions (`impactStatement`) must give
 * exactly the brute-force set difference of two separate evaluations, on random filters over
 * random profiles (the differential test's generators). The reference evaluator is checked too,
 * so a bug that both compiled statements share still shows.
 */
import fc from 'fast-check';
import type { FilterNode } from '../../src/audience';
import { compileAudience, impactStatement, type ImpactRow } from '../../src/audience/compiler';
import type { Sql } from '../../src/db/sql';
import { describeEachDatabase } from '../support/databases';
import { createTenant, scopeFor } from '../support/tenants';
import { scenarioArbitrary, type Scenario } from './support/arbitraries';
import { catalog } from './support/catalog';
import { assertValid, runMembers, safePrint } from './support/harness';
import { clearProfiles, insertProfiles } from './support/profiles';
import { members } from './support/reference-evaluator';

const RUNS = 25;
const PROFILES = 30;
const FILTERS = 6;
const SAMPLE = 4;
const origin = { path: '' };

interface Expected {
  readonly before_count: number;
  readonly after_count: number;
  readonly added_count: number;
  readonly removed_count: number;
  readonly added_sample: number[];
  readonly removed_sample: number[];
}

function difference(before: readonly number[], after: readonly number[]): Expected {
  const added = after.filter((id) => !before.includes(id));
  const removed = before.filter((id) => !after.includes(id));
  return {
    before_count: before.length, after_count: after.length, added_count: added.length, removed_count: removed.length,
    added_sample: added.slice(0, SAMPLE), removed_sample: removed.slice(0, SAMPLE),
  };
}

/** Pairs of random filters, plus narrowed, widened and identical ones, so every side of the difference is exercised. */
function pairs(filters: readonly FilterNode[]): [FilterNode, FilterNode][] {
  const out: [FilterNode, FilterNode][] = [];
  for (let i = 0; i + 1 < filters.length; i += 2) out.push([filters[i]!, filters[i + 1]!]);
  out.push([filters[0]!, { kind: 'and', children: [filters[0]!, filters[1]!], origin }]);
  out.push([filters[2]!, { kind: 'or', children: [filters[2]!, filters[3]!], origin }]);
  out.push([filters[4]!, { kind: 'not', child: filters[4]!, origin }]);
  out.push([filters[5]!, filters[5]!]);
  return out;
}

async function checkScenario(sql: Sql, namespaceId: string, scenario: Scenario): Promise<void> {
  await clearProfiles(sql, namespaceId);
  await insertProfiles(sql, namespaceId, scenario.profiles);
  const context = { catalog, asOf: scenario.asOf };
  for (const [before, after] of pairs(scenario.filters)) {
    assertValid(before);
    assertValid(after);
    const a = compileAudience(before, { catalog, asOf: scenario.asOf, namespaceId });
    const b = compileAudience(after, { catalog, asOf: scenario.asOf, namespaceId });
    const statement = impactStatement(a, b, SAMPLE);
    const row = (await sql.rows<ImpactRow>(statement.sql, statement.params))[0]!;
    const actual = { ...row, added_sample: row.added_sample.map(Number), removed_sample: row.removed_sample.map(Number) };
    const bruteForce = difference(await runMembers(sql, a), await runMembers(sql, b));
    const reference = difference(members(before, scenario.profiles, context), members(after, scenario.profiles, context));
    const describe = () => `before: ${safePrint(before)}\nafter:  ${safePrint(after)}\nasOf: ${scenario.asOf.toISOString()}\nsql: ${statement.sql}`;
    if (JSON.stringify(actual) !== JSON.stringify(bruteForce)) {
      throw new Error(`impact ${JSON.stringify(actual)} != two evaluations ${JSON.stringify(bruteForce)}\n${describe()}`);
    }
    if (JSON.stringify(bruteForce) !== JSON.stringify(reference)) {
      throw new Error(`two evaluations ${JSON.stringify(bruteForce)} != reference evaluator ${JSON.stringify(reference)}\n${describe()}`);
    }
  }
}

describeEachDatabase('impactStatement equals the set difference of two evaluations', (getDb) => {
  test(`${RUNS} random data sets of ${PROFILES} profiles, ${FILTERS / 2 + 4} pairs of definitions each`, async () => {
    const tenant = await createTenant(getDb());
    const { sql } = scopeFor(getDb(), tenant);
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary(PROFILES, FILTERS), (scenario) => checkScenario(sql, tenant.id, scenario)),
      // Every run counts, however slow the machine: no time limit on runs. Shrinking would re-run
      // whole data sets on the database, so a failure is reported as found (readable anyway).
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 600_000);

  test('is one statement whose figures are filtered aggregates over one scan', async () => {
    const namespaceId = (await createTenant(getDb())).id;
    const filter = (text: string): FilterNode => ({ kind: 'condition', field: 'first_name', op: 'eq', value: text, origin });
    const statement = impactStatement(
      compileAudience(filter('Ann'), { catalog, asOf: new Date(), namespaceId }),
      compileAudience(filter('Bob'), { catalog, asOf: new Date(), namespaceId }),
      3,
    );
    expect(statement.params).toEqual([namespaceId, 'Ann', 'Bob', 3]);
    expect(statement.sql.match(/from profile p/g)).toHaveLength(1);
    expect(statement.sql).toContain('count(*) filter (where m.after and not m.before)');
    expect(statement.sql).toContain('p.namespace_id = $1 and ((p.first_name = $2) or (p.first_name = $3))');
  });
});
