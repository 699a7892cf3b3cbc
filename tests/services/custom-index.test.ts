import { rebuildBooleanCustomIndexes } from '../../migrations/Migration20261203120000_boolean_custom_indexes';
import { customIndexName } from '../../src/db/custom-index.sql';
import { createRequestServices } from '../../src/services';
import { describeEachDatabase } from '../support/databases';
import { createTenant, scopeFor } from '../support/tenants';

/**
 * A custom field flagged `indexed` gets a partial expression index on exactly the expression the
 * audience compiler writes, so the planner uses it. Checked on a plan with sequential scans off
 * (deterministic: no timings).
 */
describeEachDatabase('custom field expression indexes', (getDb) => {
  test.each([
    ['STRING', 'custom.tier = "gold"'],
    ['NUMBER', 'custom.score > 10'],
    ['BOOLEAN', 'custom.vip = true'],
    ['DATETIME', 'custom.joined after 2026-01-01'],
  ] as const)('%s: the compiled filter uses the index', async (type, expression) => {
    const db = getDb();
    const tenant = await createTenant(db);
    const services = createRequestServices(scopeFor(db, tenant));
    const key = { STRING: 'tier', NUMBER: 'score', BOOLEAN: 'vip', DATETIME: 'joined' }[type];
    await services.customFields.define({ key, type, indexed: true });
    const explained = await services.segments.explain({ expression }, new Date('2026-11-28T00:00:00Z'), false);
    const sql = services.scope.sql;
    await sql.transaction(async (tx) => {
      await tx.execute('set local enable_seqscan = off');
      const statement = await tx.rows<Record<string, string>>(`explain ${explained.sql}`, explained.params);
      expect(statement.map((r) => Object.values(r)[0]).join('\n')).toContain(customIndexName(tenant.id, key));
    });
  });

  test('the migration rebuilds an indexed BOOLEAN field\'s index on (custom -> key), under the same name, and back', async () => {
    const db = getDb();
    const tenant = await createTenant(db);
    const services = createRequestServices(scopeFor(db, tenant));
    await services.customFields.define({ key: 'vip', type: 'BOOLEAN', indexed: true });
    const definition = async () =>
      (await services.scope.sql.one<{ def: string }>(`select indexdef as def from pg_indexes where indexname = $1`, [customIndexName(tenant.id, 'vip')]))?.def;
    const built = await definition();
    expect(built).toContain("(custom -> 'vip'::text)");
    await services.scope.sql.execute(rebuildBooleanCustomIndexes(`(case when jsonb_typeof(custom -> %2$L) = 'boolean' then (custom ->> %2$L)::boolean end)`));
    expect(await definition()).toContain('jsonb_typeof');
    // Up: the same index the custom-field service builds today.
    await services.scope.sql.execute(rebuildBooleanCustomIndexes('(custom -> %2$L)'));
    expect(await definition()).toBe(built);
  });

  test('turning indexing off drops the index', async () => {
    const db = getDb();
    const tenant = await createTenant(db);
    const services = createRequestServices(scopeFor(db, tenant));
    await services.customFields.define({ key: 'tier', type: 'STRING', indexed: true });
    const exists = async () =>
      (await services.scope.sql.rows(`select 1 from pg_indexes where indexname = $1`, [customIndexName(tenant.id, 'tier')])).length === 1;
    expect(await exists()).toBe(true);
    await services.customFields.update('tier', { indexed: false });
    expect(await exists()).toBe(false);
  });
});
