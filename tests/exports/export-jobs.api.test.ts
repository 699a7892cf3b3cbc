import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Sql } from '../../src/db/sql';
import { EXPORT_EXPIRY_JOB_KIND } from '../../src/services/export-job.service';
import {
  CancelExportDocument, CreateApiKeyDocument, CreateExportDocument, CreateSegmentDocument, DefineCustomFieldDocument, ExportDocument, ExportsDocument, ForgetProfileDocument,
  SegmentCountDocument, UpsertProfilesDocument, type ExportDetailFragment,
} from '../generated/graphql';
import { describeEachApp, type TestApp } from '../support/app';
import { newNamespace, type GraphQLClient } from '../support/client';
import { download } from '../support/download';

const AS_OF = '2026-11-28T12:00:00.000Z';
const EXPORT_DIR = mkdtempSync(join(tmpdir(), 'ag-export-jobs-'));
afterAll(() => rmSync(EXPORT_DIR, { recursive: true, force: true }));

async function seed(client: GraphQLClient, n: number): Promise<void> {
  await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING' } });
  const inputs = Array.from({ length: n }, (_, i) => ({ email: `p${i}@example.com`, firstName: i % 4 === 0 ? '=HYPERLINK("x")' : `P ${i}`, custom: { tier: i % 3 === 0 ? 'silver' : 'gold' } }));
  await client.data(UpsertProfilesDocument, { inputs });
}

async function keyFor(admin: GraphQLClient, role: 'VIEWER' | 'MARKETER'): Promise<GraphQLClient> {
  const { createApiKey } = await admin.data(CreateApiKeyDocument, { input: { name: `${role} of test`, role } });
  return admin.withKey(createApiKey.secret);
}

/** Polls export(id) until its status is one of `statuses` (10 s at most). */
async function waitForExport(client: GraphQLClient, id: string, statuses: readonly string[] = ['SUCCEEDED', 'FAILED', 'EXPIRED']): Promise<ExportDetailFragment> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = (await client.data(ExportDocument, { id })).export;
    if (statuses.includes(found.status)) return found;
    if (Date.now() > deadline) throw new Error(`export ${id} is still ${found.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function sqlOf(app: TestApp): Sql {
  return new Sql(app.app.db.orm.em.fork());
}

describeEachApp('export jobs (createExport, export, exports, /exports/files) over HTTP', (getApp) => {
  const base = () => getApp().app.url;

  test('an export job writes the same bytes as the streamed export, with exactly count(asOf) rows, and is downloaded with the same key', async () => {
    const { client } = await newNamespace(getApp().url);
    await seed(client, 30);
    const { createSegment: gold } = await client.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } });
    const count = (await client.data(SegmentCountDocument, { id: gold.id, asOf: AS_OF })).segment.count;
    expect(count).toBe(20);

    const created = (await client.data(CreateExportDocument, { segmentId: gold.id, format: 'CSV', asOf: AS_OF })).createExport;
    expect(created).toEqual(expect.objectContaining({
      id: expect.stringMatching(/^exp_[0-9a-f]{16}$/), segmentId: gold.id, format: 'CSV', gzip: false, asOf: AS_OF, columns: null, formulas: 'ESCAPE',
      status: 'QUEUED', rows: null, bytes: null, error: null, downloadUrl: null, finishedAt: null, expiresAt: null,
    }));
    const done = await waitForExport(client, created.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.rows).toBe(count);
    expect(done.downloadUrl).toBe(`/exports/files/${created.id}`);
    expect(done.durationMs).toEqual(expect.any(Number));
    const ttl = new Date(done.expiresAt!).getTime() - new Date(done.finishedAt!).getTime();
    expect(ttl).toBe(3600_000);

    const streamed = await download(base(), `/exports/segments/${gold.id}.csv?asOf=${AS_OF}`, { key: client.key });
    const file = await download(base(), done.downloadUrl!, { key: client.key });
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(file.headers['content-disposition']).toBe(`attachment; filename="${gold.id}-20261128T120000Z.csv"`);
    expect(file.headers['x-export-rows']).toBe(String(count));
    expect(file.headers['cache-control']).toBe('no-store');
    expect(file.text).toBe(streamed.text);
    expect(file.text.split('\n')).toHaveLength(count + 2); // header, rows, final newline
    expect(file.text).toContain("'=HYPERLINK"); // formulas escaped, as in the streamed CSV
    expect(done.bytes).toBe(file.body.length);
    expect(file.headers['content-length']).toBe(String(file.body.length));

    // JSON Lines, chosen columns, gzip: the same rows as the streamed export.
    const jsonl = (await client.data(CreateExportDocument, { segmentId: gold.id, format: 'JSONL', asOf: AS_OF, columns: ['email', 'custom.tier'], gzip: true })).createExport;
    const jsonlDone = await waitForExport(client, jsonl.id);
    expect(jsonlDone).toEqual(expect.objectContaining({ status: 'SUCCEEDED', rows: count, columns: ['email', 'custom.tier'], formulas: 'KEEP', gzip: true }));
    const gz = await download(base(), jsonlDone.downloadUrl!, { key: client.key });
    expect(gz.headers['content-type']).toBe('application/gzip');
    expect(gz.headers['content-disposition']).toBe(`attachment; filename="${gold.id}-20261128T120000Z.jsonl.gz"`);
    expect(jsonlDone.bytes).toBe(gz.body.length);
    const streamedJsonl = await download(base(), `/exports/segments/${gold.id}.jsonl?asOf=${AS_OF}&columns=email,custom.tier`, { key: client.key });
    expect(gunzipSync(gz.body).toString('utf8')).toBe(streamedJsonl.text);

    // The connection: newest first, keyset pages.
    const first = (await client.data(ExportsDocument, { first: 1 })).exports;
    expect(first.nodes.map((e) => e.id)).toEqual([jsonl.id]);
    expect(first.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, endCursor: first.edges[0]!.cursor });
    const second = (await client.data(ExportsDocument, { first: 5, after: first.pageInfo.endCursor })).exports;
    expect(second.nodes.map((e) => e.id)).toEqual([created.id]);
    expect(second.pageInfo.hasNextPage).toBe(false);

    // The file is complete under its final name; no partial file is left beside it.
    const folder = join(EXPORT_DIR, readdirSync(EXPORT_DIR).find((d) => readdirSync(join(EXPORT_DIR, d)).includes(`${created.id}.csv`))!);
    expect(readdirSync(folder).filter((n) => n.startsWith(created.id) || n.startsWith(jsonl.id)).sort()).toEqual([`${created.id}.csv`, `${jsonl.id}.jsonl.gz`].sort());
  });

  test('errors before the job: VIEWER is FORBIDDEN, another namespace sees NOT_FOUND, bad IDs, columns and cursors are clear', async () => {
    const { client: admin } = await newNamespace(getApp().url);
    await seed(admin, 3);
    const { createSegment: gold } = await admin.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } });
    const marketer = await keyFor(admin, 'MARKETER');
    const made = (await marketer.data(CreateExportDocument, { segmentId: gold.id, format: 'CSV' })).createExport;
    const done = await waitForExport(marketer, made.id);
    expect(done.status).toBe('SUCCEEDED');

    const viewer = await keyFor(admin, 'VIEWER');
    const denied = await viewer.request(CreateExportDocument, { segmentId: gold.id, format: 'CSV' });
    expect(denied.data).toEqual({ createExport: null });
    expect(denied.errors).toEqual([expect.objectContaining({ path: ['createExport'], message: 'The VIEWER role may not export audiences; it needs one of: MARKETER, DATA_MANAGER, CLIENT_ADMIN.', extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    expect((await viewer.request(ExportDocument, { id: made.id })).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await viewer.request(ExportsDocument, {})).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await download(base(), done.downloadUrl!, { key: viewer.key })).status).toBe(403);
    expect((await download(base(), done.downloadUrl!)).status).toBe(401);

    // Sealed per namespace: the same ID from another namespace does not exist there.
    const { client: other } = await newNamespace(getApp().url);
    const foreign = await other.request(ExportDocument, { id: made.id });
    expect(foreign.errors![0]).toMatchObject({ message: `Export "${made.id}" was not found in this namespace.`, extensions: { code: 'NOT_FOUND' } });
    const foreignFile = await download(base(), done.downloadUrl!, { key: other.key });
    expect(foreignFile.status).toBe(404);
    expect(foreignFile.text).not.toContain('p0@example.com');
    expect((await other.data(ExportsDocument, {})).exports.nodes).toEqual([]);
    expect((await other.request(CreateExportDocument, { segmentId: gold.id, format: 'CSV' })).errors![0]!.extensions!.code).toBe('NOT_FOUND');

    // ID shapes are checked before any query.
    for (const id of ['exp_x;', 'exp_\u0000', 'seg_0123456789abcdef', "exp_0123456789abcdef' or 1=1"]) {
      expect((await admin.request(ExportDocument, { id })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
      expect((await download(base(), `/exports/files/${encodeURIComponent(id)}`, { key: admin.key })).status).toBe(404);
    }
    // A malformed percent escape is an unknown ID (404, a JSON error), never a 500 from decoding it.
    for (const path of ['/exports/files/exp_%zz', '/exports/files/%E0%A4%A', '/exports/segments/seg_%zz.csv', '/exports/snapshots/snap_%G1.jsonl']) {
      const answer = await download(base(), path, { key: admin.key });
      expect([path, answer.status, JSON.parse(answer.text).errors[0].extensions.code]).toEqual([path, 404, 'NOT_FOUND']);
    }
    expect((await download(base(), '/exports/files/exp_%zz')).status).toBe(401);
    const bad = await admin.request(CreateExportDocument, { segmentId: gold.id, format: 'CSV', columns: ['email', 'email_status', 'nul\u0000'] });
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.extensions!.problems!.map((p) => p.path)).toEqual([['columns', '2']]);
    const dimension = await admin.request(CreateExportDocument, { segmentId: gold.id, format: 'CSV', columns: ['email', 'email_status'] });
    expect(dimension.errors![0]!.message).toBe('columns[1]: "email_status" is a dimension: it can be used to build segments, but dimensions are never exported');
    expect((await admin.request(ExportsDocument, { after: 'nope' })).errors![0]!.extensions!.problems![0]!.path).toEqual(['after']);
    expect((await admin.request(ExportsDocument, { first: 101 })).errors![0]!.message).toBe('first: must be a whole number from 1 to 100 (got 101)');
    const method = await download(base(), done.downloadUrl!, { key: admin.key, method: 'DELETE' });
    expect(method.status).toBe(405);
  });

  test('an expired file answers 410 and the sweep deletes it; forgetting a person retires every finished file', async () => {
    const { client } = await newNamespace(getApp().url);
    await seed(client, 6);
    const { createSegment: all } = await client.data(CreateSegmentDocument, { input: { name: 'All', definition: { expression: 'email is set' } } });
    const first = await waitForExport(client, (await client.data(CreateExportDocument, { segmentId: all.id, format: 'CSV' })).createExport.id);
    const second = await waitForExport(client, (await client.data(CreateExportDocument, { segmentId: all.id, format: 'JSONL' })).createExport.id);
    const path = (await sqlOf(getApp()).one<{ file_path: string }>(`select file_path from audience_export where id = $1`, [first.id]))!.file_path;
    expect(existsSync(path)).toBe(true);

    // Its time passes: from then on it is gone, before the sweep has run.
    await sqlOf(getApp()).execute(`update audience_export set expires_at = now() - interval '1 second' where id = $1`, [first.id]);
    const gone = await download(base(), first.downloadUrl!, { key: client.key });
    expect(gone.status).toBe(410);
    expect(JSON.parse(gone.text)).toEqual({ errors: [{ message: expect.stringMatching(new RegExp(`^Export "${first.id}" expired at .+ and its file was deleted; create a new export\\.$`)), extensions: { code: 'GONE' } }] });
    expect((await client.data(ExportDocument, { id: first.id })).export).toEqual(expect.objectContaining({ status: 'EXPIRED', downloadUrl: null }));

    await getApp().app.shared.jobs.enqueue(sqlOf(getApp()), { kind: EXPORT_EXPIRY_JOB_KIND, singletonKey: 'exports:expire' });
    for (let i = 0; i < 100 && existsSync(path); i++) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(path)).toBe(false);
    expect(await sqlOf(getApp()).one(`select status, file_path from audience_export where id = $1`, [first.id])).toEqual({ status: 'EXPIRED', file_path: null });
    expect((await download(base(), first.downloadUrl!, { key: client.key })).status).toBe(410);

    // A person is forgotten: the other file may hold them, so it is not served again.
    expect((await download(base(), second.downloadUrl!, { key: client.key })).status).toBe(200);
    await client.data(ForgetProfileDocument, { input: { email: 'p1@example.com' } });
    const retired = (await client.data(ExportDocument, { id: second.id })).export;
    expect(retired).toEqual(expect.objectContaining({ status: 'EXPIRED', downloadUrl: null, error: 'A person was forgotten after this export was written, so its file was deleted; create a new export.' }));
    const refused = await download(base(), second.downloadUrl!, { key: client.key });
    expect(refused.status).toBe(410);
    // A new export no longer has them.
    const fresh = await waitForExport(client, (await client.data(CreateExportDocument, { segmentId: all.id, format: 'CSV', columns: ['email'] })).createExport.id);
    const text = (await download(base(), fresh.downloadUrl!, { key: client.key })).text;
    expect(text).not.toContain('p1@example.com');
    expect(fresh.rows).toBe(5);
  });

  test('a run whose process died is resumed by the runner; its partial file is never served and is removed; out of attempts it fails', async () => {
    const { client } = await newNamespace(getApp().url);
    await seed(client, 12);
    const { createSegment: all } = await client.data(CreateSegmentDocument, { input: { name: 'All', definition: { expression: 'email is set' } } });
    const done = await waitForExport(client, (await client.data(CreateExportDocument, { segmentId: all.id, format: 'CSV', asOf: AS_OF })).createExport.id);
    const complete = (await download(base(), done.downloadUrl!, { key: client.key })).text;
    const sql = sqlOf(getApp());
    const row = (await sql.one<{ file_path: string; job_id: string }>(`select file_path, job_id from audience_export where id = $1`, [done.id]))!;

    // As a process that died half-way leaves it: the job running with nobody holding its lock, a partial file, no final file.
    const crash = async (attempts: number) => {
      rmSync(row.file_path, { force: true });
      const partial = `${row.file_path}.99999.deadbeef.part`;
      writeFileSync(partial, complete.slice(0, 40));
      await sql.transaction(async (tx) => {
        await tx.execute(`update audience_export set status = 'RUNNING', file_path = null, row_count = null, byte_count = null, finished_at = null, expires_at = null where id = $1`, [done.id]);
        await tx.execute(
          `update job set state = 'running', run_token = gen_random_uuid(), locked_by = 'dead-host:99999:000000', attempts = $2, started_at = now(), finished_at = null, result = null where id = $1`,
          [row.job_id, attempts],
        );
      });
      return partial;
    };
    const partial = await crash(1);
    // While it runs again, there is nothing to download: never the partial file.
    const early = await download(base(), done.downloadUrl!, { key: client.key });
    if (early.status !== 200) expect(early.status).toBe(409);
    else expect(early.text).toBe(complete);
    const resumed = await waitForExport(client, done.id);
    expect(resumed).toEqual(expect.objectContaining({ status: 'SUCCEEDED', rows: 12 }));
    expect((await download(base(), done.downloadUrl!, { key: client.key })).text).toBe(complete);
    expect(existsSync(partial)).toBe(false);
    expect(statSync(row.file_path).size).toBe(resumed.bytes);

    // A run that keeps killing its process fails when it is out of attempts, and leaves no file.
    const last = await crash(3);
    const failed = await waitForExport(client, done.id, ['FAILED']);
    expect(failed.error).toBe('the process running this job stopped 3 time(s) before it finished; it was not retried again');
    expect(failed.downloadUrl).toBeNull();
    expect((await download(base(), done.downloadUrl!, { key: client.key })).status).toBe(409);
    expect(existsSync(row.file_path)).toBe(false);
    expect(existsSync(last)).toBe(false);
  }, 60_000);
}, { exports: { dir: EXPORT_DIR, ttlMs: 3600_000 } });

describeEachApp('cancelExport (no job runs in this process, so exports stay QUEUED until cancelled)', (getApp) => {
  const base = () => getApp().app.url;

  test('a QUEUED export is CANCELLED at once, its job cancelled and any partial file deleted; a RUNNING one is CANCELLED and its job asked to stop; roles and namespaces hold', async () => {
    const { client: admin } = await newNamespace(getApp().url);
    await seed(admin, 3);
    const { createSegment: gold } = await admin.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } });
    const marketer = await keyFor(admin, 'MARKETER');
    const queued = (await marketer.data(CreateExportDocument, { segmentId: gold.id, format: 'CSV', asOf: AS_OF })).createExport;
    expect(queued.status).toBe('QUEUED');
    const sql = sqlOf(getApp());
    const row = (await sql.one<{ namespace_id: string; job_id: string }>(`select namespace_id, job_id from audience_export where id = $1`, [queued.id]))!;
    // As a run under way leaves it: a partial file beside where the file would go.
    const folder = join(EXPORT_DIR, row.namespace_id);
    mkdirSync(folder, { recursive: true });
    const partial = join(folder, `${queued.id}.csv.4242.cafebabe.part`);
    writeFileSync(partial, 'email\np0@');

    // VIEWER may not; another namespace does not see it.
    const viewer = await keyFor(admin, 'VIEWER');
    const denied = await viewer.request(CancelExportDocument, { id: queued.id });
    expect(denied.errors![0]).toMatchObject({ message: 'The VIEWER role may not cancel exports; it needs one of: MARKETER, DATA_MANAGER, CLIENT_ADMIN.', extensions: { code: 'FORBIDDEN' } });
    const { client: other } = await newNamespace(getApp().url);
    expect((await other.request(CancelExportDocument, { id: queued.id })).errors![0]).toMatchObject({ message: `Export "${queued.id}" was not found in this namespace.`, extensions: { code: 'NOT_FOUND' } });
    expect((await admin.request(CancelExportDocument, { id: 'exp_%zz' })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect((await admin.data(ExportDocument, { id: queued.id })).export.status).toBe('QUEUED');

    const { cancelExport } = await marketer.data(CancelExportDocument, { id: queued.id });
    expect(cancelExport).toMatchObject({ id: queued.id, status: 'CANCELLED', downloadUrl: null, rows: null, bytes: null, error: expect.stringMatching(/^cancelled by /) });
    expect(cancelExport.finishedAt).not.toBeNull();
    expect(existsSync(partial)).toBe(false);
    expect((await sql.one<{ state: string }>(`select state from job where id = $1`, [row.job_id]))!.state).toBe('cancelled');
    expect((await download(base(), `/exports/files/${queued.id}`, { key: marketer.key })).status).toBe(409);
    const again = await marketer.request(CancelExportDocument, { id: queued.id });
    expect(again.errors![0]).toMatchObject({ message: `Export "${queued.id}" is CANCELLED; only a QUEUED or RUNNING export can be cancelled.`, extensions: { code: 'CONFLICT' } });
    expect((await admin.data(ExportsDocument, {})).exports.nodes.map((e) => [e.id, e.status])).toEqual([[queued.id, 'CANCELLED']]);

    // RUNNING (as a worker elsewhere has it): CANCELLED now, and the job is asked to stop; the run then removes its partial file.
    const running = (await admin.data(CreateExportDocument, { segmentId: gold.id, format: 'JSONL' })).createExport;
    const runningJob = (await sql.one<{ job_id: string }>(`select job_id from audience_export where id = $1`, [running.id]))!.job_id;
    await sql.transaction(async (tx) => {
      await tx.execute(`update audience_export set status = 'RUNNING', started_at = now() where id = $1`, [running.id]);
      await tx.execute(`update job set state = 'running', run_token = gen_random_uuid(), locked_by = 'other-host:1:000000', attempts = 1, started_at = now() where id = $1`, [runningJob]);
    });
    expect((await admin.data(CancelExportDocument, { id: running.id })).cancelExport).toMatchObject({ status: 'CANCELLED', downloadUrl: null });
    expect(await sql.one(`select state, cancel_requested from job where id = $1`, [runningJob])).toEqual({ state: 'running', cancel_requested: true });
  });
}, { exports: { dir: EXPORT_DIR, ttlMs: 3600_000 }, jobConcurrency: 0 });
