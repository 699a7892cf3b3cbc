import type { DatabaseTarget } from '../../src/db/database';
import { customIndexName } from '../../src/db/custom-index.sql';
import { Sql } from '../../src/db/sql';
import type { IndexRepairSummary } from '../../src/services/custom-index-repair';
import {
  CreateApiKeyDocument, DefineCustomFieldDocument, ProfileFieldIndexesDocument, RebuildCustomFieldIndexDocument, UpdateCustomFieldIndexingDocument,
} from '../generated/graphql';
import { startTestApp, type TestApp } from '../support/app';
import { lastingTestDatabase, TEST_TARGETS } from '../support/databases';
import { GraphQLClient, newNamespace } from '../support/client';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function indexOid(app: TestApp, namespaceId: string, key: string): Promise<number | null> {
  const row = await new Sql(app.app.db.orm.em.fork()).one<{ oid: number }>(`select indexrelid::int as oid from pg_index where indexrelid = to_regclass($1) and indisvalid`, [customIndexName(namespaceId, key)]);
  return row?.oid ?? null;
}

async function customIndexes(client: GraphQLClient): Promise<Record<string, unknown>> {
  const fields = (await client.data(ProfileFieldIndexesDocument)).profileFields;
  return Object.fromEntries(fields.filter((f) => f.kind === 'CUSTOM').map((f) => [f.name, f.index]));
}

/**
 * The index state over HTTP, on a database that outlives one start of the app: a crash is
 * simulated between two starts, and the second start repairs it in the background.
 */
describe.each(TEST_TARGETS)('custom field index state over HTTP on $name', (target) => {
  let database: DatabaseTarget;
  let cleanup: () => Promise<void>;
  let app: TestApp;

  beforeAll(async () => {
    ({ database, drop: cleanup } = await lastingTestDatabase(target, 'ag-index-state-'));
    // The target only decides whether startTestApp makes a scratch database; this one is ours.
    app = await startTestApp({ name: 'pglite' }, { database });
  });

  afterAll(async () => {
    await app?.close();
    await cleanup?.();
  });

  test('profileFields reports each custom field\'s index state with when; built-in fields have none', async () => {
    const { client } = await newNamespace(app.url);
    await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING', indexed: true } });
    await client.data(DefineCustomFieldDocument, { input: { key: 'plain', type: 'NUMBER' } });
    const fields = (await client.data(ProfileFieldIndexesDocument)).profileFields;
    expect(fields.find((f) => f.name === 'first_name')!.index).toBeNull();
    expect(await customIndexes(client)).toEqual({
      'custom.plain': { state: 'NONE', changedAt: null, error: null },
      'custom.tier': { state: 'READY', changedAt: expect.stringMatching(ISO), error: null },
    });
  });

  test('rebuildCustomFieldIndex: DATA_MANAGER and CLIENT_ADMIN rebuild; VIEWER and MARKETER are FORBIDDEN; another namespace\'s field is NOT_FOUND and untouched', async () => {
    const { client, namespaceId } = await newNamespace(app.url);
    const other = await newNamespace(app.url);
    await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING', indexed: true } });
    await other.client.data(DefineCustomFieldDocument, { input: { key: 'other_tier', type: 'STRING', indexed: true } });
    const otherOid = await indexOid(app, other.namespaceId, 'other_tier');

    for (const role of ['VIEWER', 'MARKETER'] as const) {
      const key = client.withKey((await client.data(CreateApiKeyDocument, { input: { name: role, role } })).createApiKey.secret);
      const refused = await key.request(RebuildCustomFieldIndexDocument, { key: 'tier' });
      expect(refused.data).toEqual({ rebuildCustomFieldIndex: null });
      expect(refused.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    }
    const manager = client.withKey((await client.data(CreateApiKeyDocument, { input: { name: 'dm', role: 'DATA_MANAGER' } })).createApiKey.secret);
    for (const caller of [manager, client]) {
      const before = await indexOid(app, namespaceId, 'tier');
      const rebuilt = (await caller.data(RebuildCustomFieldIndexDocument, { key: 'tier' })).rebuildCustomFieldIndex;
      expect(rebuilt).toEqual({ key: 'tier', indexed: true, index: { state: 'READY', changedAt: expect.stringMatching(ISO), error: null } });
      const after = await indexOid(app, namespaceId, 'tier');
      expect(after).not.toBeNull();
      expect(after).not.toBe(before);
    }

    const foreign = await client.request(RebuildCustomFieldIndexDocument, { key: 'other_tier' });
    expect(foreign.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect(await indexOid(app, other.namespaceId, 'other_tier')).toBe(otherOid);
  });

  test('updateCustomField(indexed: true) repairs an index dropped by hand, and says so', async () => {
    const { client, namespaceId } = await newNamespace(app.url);
    await client.data(DefineCustomFieldDocument, { input: { key: 'score', type: 'NUMBER', indexed: true } });
    await new Sql(app.app.db.orm.em.fork()).execute(`drop index ${customIndexName(namespaceId, 'score')}`);
    expect((await customIndexes(client))['custom.score']).toEqual({
      state: 'FAILED', changedAt: expect.stringMatching(ISO), error: 'the index recorded READY is missing in the database; rebuildCustomFieldIndex (or a restart) builds it again',
    });
    const repaired = (await client.data(UpdateCustomFieldIndexingDocument, { key: 'score', input: { indexed: true } })).updateCustomField;
    expect(repaired.index).toEqual({ state: 'READY', changedAt: expect.stringMatching(ISO), error: null });
    expect(await indexOid(app, namespaceId, 'score')).not.toBeNull();
  });

  test('a restart rebuilds, in the background, an index a crash left BUILDING and one dropped by hand; another namespace\'s sound index is untouched', async () => {
    const { client, namespaceId } = await newNamespace(app.url);
    const other = await newNamespace(app.url);
    await client.data(DefineCustomFieldDocument, { input: { key: 'vip', type: 'BOOLEAN', indexed: true } });
    await client.data(DefineCustomFieldDocument, { input: { key: 'joined', type: 'DATETIME', indexed: true } });
    await other.client.data(DefineCustomFieldDocument, { input: { key: 'vip', type: 'BOOLEAN', indexed: true } });
    const sql = new Sql(app.app.db.orm.em.fork());
    // vip: the process died during the build (recorded BUILDING, no index); joined: dropped by hand.
    await sql.execute(`drop index ${customIndexName(namespaceId, 'vip')}`);
    await sql.execute(`update custom_field set index_state = 'BUILDING' where namespace_id = $1 and key = 'vip'`, [namespaceId]);
    await sql.execute(`drop index ${customIndexName(namespaceId, 'joined')}`);
    const otherOid = await indexOid(app, other.namespaceId, 'vip');
    const otherState = (await customIndexes(other.client))['custom.vip'];
    expect((await customIndexes(client))['custom.vip']).toMatchObject({ state: 'BUILDING' });

    await app.close();
    const lines: Record<string, unknown>[] = [];
    const logger = { info: () => undefined, error: () => undefined, line: (msg: string, fields: Readonly<Record<string, unknown>>) => lines.push({ msg, ...fields }), debug: () => undefined };
    app = await startTestApp({ name: 'pglite' }, { database }, logger);
    const summary = (await app.app.indexRepair) as IndexRepairSummary;
    expect(summary).toMatchObject({ rebuilt: 2, dropped: 0, failed: 0, stopped: false });
    expect(lines.filter((l) => l.msg === 'custom index repair').map(({ durationMs: _, ...rest }) => rest)).toEqual([
      { msg: 'custom index repair', namespaceId, field: 'joined', type: 'DATETIME', recordedState: 'READY', presence: 'MISSING', action: 'rebuilt', state: 'READY' },
      { msg: 'custom index repair', namespaceId, field: 'vip', type: 'BOOLEAN', recordedState: 'BUILDING', presence: 'MISSING', action: 'rebuilt', state: 'READY' },
    ]);
    const again = new GraphQLClient(app.url, client.key);
    expect(await customIndexes(again)).toEqual({
      'custom.joined': { state: 'READY', changedAt: expect.stringMatching(ISO), error: null },
      'custom.vip': { state: 'READY', changedAt: expect.stringMatching(ISO), error: null },
    });
    expect(await indexOid(app, namespaceId, 'vip')).not.toBeNull();
    expect(await indexOid(app, namespaceId, 'joined')).not.toBeNull();
    expect(await indexOid(app, other.namespaceId, 'vip')).toBe(otherOid);
    expect((await customIndexes(new GraphQLClient(app.url, other.client.key)))['custom.vip']).toEqual(otherState);
  });
});
