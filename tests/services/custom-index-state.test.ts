import { customIndexName } from '../../src/db/custom-index.sql';
import type { Sql } from '../../src/db/sql';
import type { Database } from '../../src/db/database';
import { createRequestServices, type RequestServices } from '../../src/services';
import { repairCustomIndexes } from '../../src/services/custom-index-repair';
import { describeEachDatabase } from '../support/databases';
import { createTenant, scopeFor } from '../support/tenants';

/**
 * The index state of a custom field is truthful: BUILDING is recorded before a build and READY
 * after it; a crash (simulated by putting the rows and indexes where a crash would leave them) is
 * repaired by the start-up repair, by rebuildIndex and by update(indexed: true); another
 * namespace's fields are never touched.
 */
describeEachDatabase('custom field index state', (getDb) => {
  async function tenantServices(db: Database): Promise<{ services: RequestServices; namespaceId: string }> {
    const tenant = await createTenant(db);
    return { services: createRequestServices(scopeFor(db, tenant)), namespaceId: tenant.id };
  }

  async function indexOf(sql: Sql, namespaceId: string, key: string): Promise<{ oid: number; valid: boolean; def: string } | null> {
    const row = await sql.one<{ oid: number; valid: boolean; def: string }>(
      `select i.indexrelid::int as oid, i.indisvalid as valid, pg_get_indexdef(i.indexrelid) as def from pg_index i where i.indexrelid = to_regclass($1)`,
      [customIndexName(namespaceId, key)],
    );
    return row ?? null;
  }

  async function recorded(sql: Sql, namespaceId: string, key: string): Promise<{ indexed: boolean; index_state: string; index_error: string | null; index_state_at: Date | null }> {
    return (await sql.one(`select indexed, index_state, index_error, index_state_at from custom_field where namespace_id = $1 and key = $2`, [namespaceId, key]))!;
  }

  async function report(services: RequestServices, key: string) {
    const rows = await services.customFields.list();
    return (await services.customFields.indexReports(rows)).get(key);
  }

  /** Runs the start-up repair and returns its log lines about `namespaceId`, without durations. */
  async function repair(sql: Sql, namespaceId: string): Promise<Record<string, unknown>[]> {
    const lines: Record<string, unknown>[] = [];
    await repairCustomIndexes(sql, (msg, fields) => lines.push({ msg, ...fields }));
    return lines.filter((l) => l.namespaceId === namespaceId).map(({ durationMs: _, ...rest }) => rest);
  }

  test('a build records BUILDING before it starts and READY after; the report says READY with when', async () => {
    const { services, namespaceId } = await tenantServices(getDb());
    const before = Date.now();
    const row = await services.customFields.define({ key: 'tier', type: 'STRING', indexed: true });
    expect(row.indexState).toBe('READY');
    expect(await report(services, 'tier')).toEqual({ state: 'READY', changedAt: row.indexStateAt, error: null });
    expect(row.indexStateAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect((await indexOf(services.scope.sql, namespaceId, 'tier'))!.valid).toBe(true);
    await services.customFields.define({ key: 'plain', type: 'STRING' });
    expect(await report(services, 'plain')).toEqual({ state: 'NONE', changedAt: null, error: null });
  });

  test('regression: a crash during define(indexed: true) left the field indexed with no index; the start-up repair builds it, and leaves other namespaces alone', async () => {
    const db = getDb();
    const { services, namespaceId } = await tenantServices(db);
    const other = await tenantServices(db);
    await other.services.customFields.define({ key: 'tier', type: 'STRING', indexed: true });
    const otherBefore = await indexOf(other.services.scope.sql, other.namespaceId, 'tier');
    const otherRecorded = await recorded(other.services.scope.sql, other.namespaceId, 'tier');
    // What define() commits before it builds: the definition, recorded BUILDING. Then the process died.
    const sql = services.scope.sql;
    await sql.execute(`insert into custom_field (namespace_id, key, type, indexed, index_state, index_state_at) values ($1, 'tier', 'STRING', true, 'BUILDING', now())`, [namespaceId]);
    expect(await report(services, 'tier')).toMatchObject({ state: 'BUILDING', error: null });
    expect(await indexOf(sql, namespaceId, 'tier')).toBeNull();

    expect(await repair(sql, namespaceId)).toEqual([
      { msg: 'custom index repair', namespaceId, field: 'tier', type: 'STRING', recordedState: 'BUILDING', presence: 'MISSING', action: 'rebuilt', state: 'READY' },
    ]);
    expect((await indexOf(sql, namespaceId, 'tier'))!.valid).toBe(true);
    expect(await recorded(sql, namespaceId, 'tier')).toMatchObject({ indexed: true, index_state: 'READY', index_error: null });
    // The other namespace's sound index is the same index, and its record unchanged.
    expect(await indexOf(sql, other.namespaceId, 'tier')).toEqual(otherBefore);
    expect(await recorded(sql, other.namespaceId, 'tier')).toEqual(otherRecorded);
    // A second repair finds nothing to do for either.
    expect(await repair(sql, namespaceId)).toEqual([]);
  });

  test('an index recorded READY but dropped by hand is reported FAILED, and the start-up repair builds it again', async () => {
    const { services, namespaceId } = await tenantServices(getDb());
    await services.customFields.define({ key: 'score', type: 'NUMBER', indexed: true });
    const sql = services.scope.sql;
    await sql.execute(`drop index ${customIndexName(namespaceId, 'score')}`);
    expect(await report(services, 'score')).toMatchObject({
      state: 'FAILED', error: 'the index recorded READY is missing in the database; rebuildCustomFieldIndex (or a restart) builds it again',
    });
    expect(await repair(sql, namespaceId)).toEqual([
      { msg: 'custom index repair', namespaceId, field: 'score', type: 'NUMBER', recordedState: 'READY', presence: 'MISSING', action: 'rebuilt', state: 'READY' },
    ]);
    expect((await indexOf(sql, namespaceId, 'score'))!.def).toContain('numeric');
    expect(await report(services, 'score')).toMatchObject({ state: 'READY', error: null });
  });

  test('regression: update(indexed: true) on an indexed field whose index is missing builds it (it did nothing)', async () => {
    const { services, namespaceId } = await tenantServices(getDb());
    await services.customFields.define({ key: 'vip', type: 'BOOLEAN', indexed: true });
    const sql = services.scope.sql;
    await sql.execute(`drop index ${customIndexName(namespaceId, 'vip')}`);
    await sql.execute(`update custom_field set index_state = 'BUILDING' where namespace_id = $1 and key = 'vip'`, [namespaceId]);
    const row = await services.customFields.update('vip', { indexed: true });
    expect(row.indexState).toBe('READY');
    expect((await indexOf(sql, namespaceId, 'vip'))!.valid).toBe(true);
    // Sound, it is left alone: the same index.
    const sound = await indexOf(sql, namespaceId, 'vip');
    await services.customFields.update('vip', { indexed: true });
    expect(await indexOf(sql, namespaceId, 'vip')).toEqual(sound);
  });

  test('rebuildIndex drops an INVALID leftover (a failed concurrent build) and builds a valid index', async () => {
    const { services, namespaceId } = await tenantServices(getDb());
    await services.customFields.define({ key: 'joined', type: 'DATETIME', indexed: true });
    const sql = services.scope.sql;
    // Where a failed `create index concurrently` leaves it: present, not valid.
    await sql.execute(`update pg_index set indisvalid = false where indexrelid = to_regclass($1)`, [customIndexName(namespaceId, 'joined')]);
    expect(await report(services, 'joined')).toMatchObject({ state: 'FAILED', error: 'the index recorded READY is invalid in the database; rebuildCustomFieldIndex (or a restart) builds it again' });
    const leftover = await indexOf(sql, namespaceId, 'joined');
    const row = await services.customFields.rebuildIndex('joined');
    expect(row.indexState).toBe('READY');
    const rebuilt = await indexOf(sql, namespaceId, 'joined');
    expect(rebuilt!.valid).toBe(true);
    expect(rebuilt!.oid).not.toBe(leftover!.oid);
  });

  test('a build that fails is recorded FAILED with the database message and no SQL; a rebuild after the cause is gone is READY', async () => {
    const { services, namespaceId } = await tenantServices(getDb());
    await services.customFields.define({ key: 'tier', type: 'STRING' });
    const sql = services.scope.sql;
    const name = customIndexName(namespaceId, 'tier');
    // Something else holds the index's name, so the build's drop fails.
    await sql.execute(`create table ${name} (x int)`);
    const row = await services.customFields.update('tier', { indexed: true });
    expect({ state: row.indexState, error: row.indexError }).toEqual({ state: 'FAILED', error: `"${name}" is not an index (SQLSTATE 42809)` });
    expect(await report(services, 'tier')).toEqual({ state: 'FAILED', changedAt: row.indexStateAt, error: `"${name}" is not an index (SQLSTATE 42809)` });
    await sql.execute(`drop table ${name}`);
    expect((await services.customFields.rebuildIndex('tier')).indexState).toBe('READY');
  });

  test('a crash after a type change (recorded BUILDING, the old type\'s index still there) is rebuilt for the new type', async () => {
    const { services, namespaceId } = await tenantServices(getDb());
    await services.customFields.define({ key: 'points', type: 'STRING', indexed: true });
    const sql = services.scope.sql;
    // What changeType commits before its rebuild: the new type, recorded BUILDING.
    await sql.execute(`update custom_field set type = 'NUMBER', index_state = 'BUILDING' where namespace_id = $1 and key = 'points'`, [namespaceId]);
    expect((await indexOf(sql, namespaceId, 'points'))!.def).not.toContain('numeric');
    expect(await repair(sql, namespaceId)).toEqual([
      { msg: 'custom index repair', namespaceId, field: 'points', type: 'NUMBER', recordedState: 'BUILDING', presence: 'VALID', action: 'rebuilt', state: 'READY' },
    ]);
    expect((await indexOf(sql, namespaceId, 'points'))!.def).toContain('numeric');
  });

  test('a crash while turning indexing off (not indexed, index still there) is dropped by the repair; off records NONE', async () => {
    const { services, namespaceId } = await tenantServices(getDb());
    await services.customFields.define({ key: 'tier', type: 'STRING', indexed: true });
    const sql = services.scope.sql;
    await sql.execute(`update custom_field set indexed = false where namespace_id = $1 and key = 'tier'`, [namespaceId]);
    expect(await repair(sql, namespaceId)).toEqual([
      { msg: 'custom index repair', namespaceId, field: 'tier', type: 'STRING', recordedState: 'READY', presence: 'VALID', action: 'dropped' },
    ]);
    expect(await indexOf(sql, namespaceId, 'tier')).toBeNull();
    expect(await recorded(sql, namespaceId, 'tier')).toMatchObject({ indexed: false, index_state: 'NONE' });

    await services.customFields.update('tier', { indexed: true });
    const off = await services.customFields.update('tier', { indexed: false });
    expect(off.indexState).toBe('NONE');
    expect(await indexOf(sql, namespaceId, 'tier')).toBeNull();
  });

  test('rebuildIndex: NOT_FOUND for an unknown key (another namespace\'s field included), BAD_USER_INPUT for a field not indexed, FORBIDDEN below DATA_MANAGER', async () => {
    const db = getDb();
    const { services, namespaceId } = await tenantServices(db);
    const other = await tenantServices(db);
    await other.services.customFields.define({ key: 'secret_tier', type: 'STRING', indexed: true });
    const otherIndex = await indexOf(services.scope.sql, other.namespaceId, 'secret_tier');
    await expect(services.customFields.rebuildIndex('secret_tier')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await indexOf(services.scope.sql, other.namespaceId, 'secret_tier')).toEqual(otherIndex);
    await services.customFields.define({ key: 'plain', type: 'STRING' });
    await expect(services.customFields.rebuildIndex('plain')).rejects.toMatchObject({
      code: 'BAD_USER_INPUT', problems: [{ path: ['key'], message: 'custom field "plain" is not indexed; turn indexing on with updateCustomField(input: { indexed: true }), which builds the index' }],
    });
    const tenant = { id: namespaceId, slug: 'x', defaultRegion: 'US' };
    for (const role of ['VIEWER', 'MARKETER'] as const) {
      await expect(createRequestServices(scopeFor(db, tenant, role)).customFields.rebuildIndex('plain')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
  });
});
