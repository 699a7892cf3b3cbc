import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, type DatabaseTarget } from '../../src/db/database';
import { Sql } from '../../src/db/sql';
import { CreateImportDocument, ImportDocument } from '../generated/graphql';
import { TEST_ADMIN_TOKEN } from '../support/app';
import { GraphQLClient, newNamespace } from '../support/client';
import { createScratchPgDatabase, TEST_TARGETS } from '../support/databases';
import { download } from '../support/download';
import { PROCESS_TIMEOUTS, startServer } from '../support/processes';
import { countsOf, uploadFile, waitForImport } from './support';

const ROWS = 3000;
const BATCH = 100;

/** A deterministic file: phones on every third row, a bad email every 97th, a repeat of an earlier row every 50th. */
function customersFile(): string {
  const lines = ['email,phone,first_name'];
  for (let i = 1; i <= ROWS; i++) {
    if (i % 97 === 0) lines.push(`broken-${i},,Bad`);
    else if (i % 50 === 0) lines.push(`user${i - 7}@example.com,,Repeat ${i}`);
    else lines.push(`user${i}@example.com,${i % 3 === 0 ? `+1415555${String(i % 10000).padStart(4, '0')}` : ''},User ${i}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Everything an import leaves in a namespace, without IDs or timestamps. */
async function snapshot(db: Database, namespaceId: string): Promise<unknown> {
  const sql = new Sql(db.orm.em.fork());
  const profiles = await sql.rows(
    `select p.email_normalized, p.first_name, p.email_status,
       array(select pp.phone || ':' || pp.sms_status from profile_phone pp where pp.namespace_id = $1 and pp.profile_id = p.id order by pp.phone) as phones
     from profile p where p.namespace_id = $1 order by p.email_normalized, p.first_name`, [namespaceId]);
  const consent = await sql.rows(
    `select c.channel, c.from_status, c.to_status, c.source, count(*)::int as n from consent_change c where c.namespace_id = $1
     group by c.channel, c.from_status, c.to_status, c.source order by 1, 2, 3, 4`, [namespaceId]);
  const rejected = await sql.rows(`select r.row_number, r.error from import_rejection r where r.namespace_id = $1 order by r.row_number`, [namespaceId]);
  return { profiles, consent, rejected };
}

describe.each(TEST_TARGETS)('an import whose server is killed with SIGKILL, on $name', ({ name }) => {
  let target: DatabaseTarget;
  let env: Record<string, string>;
  const dirs: string[] = [];
  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const importDir = mkdtempSync(join(tmpdir(), 'ag-import-crash-files-'));
    dirs.push(importDir);
    if (name === 'postgres') {
      const scratch = await createScratchPgDatabase();
      dropDatabase = scratch.drop;
      target = { kind: 'postgres', url: scratch.url, poolSize: 3 };
      env = { DATABASE_URL: scratch.url };
    } else {
      const dataDir = mkdtempSync(join(tmpdir(), 'ag-import-crash-db-'));
      dirs.push(dataDir);
      target = { kind: 'pglite', dataDir };
      env = { DATA_DIR: dataDir };
    }
    env = { ...env, ADMIN_TOKEN: TEST_ADMIN_TOKEN, SEED_DEMO: 'false', IMPORT_DIR: importDir, IMPORT_BATCH_ROWS: String(BATCH) };
  });
  afterAll(async () => {
    await dropDatabase?.();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('resumes after a restart and ends exactly as a clean run of the same file', async () => {
    const file = customersFile();
    let server = await startServer(env);
    const crashed = await newNamespace(server.url);
    const clean = await newNamespace(server.url);
    const base = () => server.url.replace(/\/graphql$/, '');

    const start = async (client: GraphQLClient) => {
      const { createImport } = await client.data(CreateImportDocument, { kind: 'customers' });
      expect((await uploadFile(base(), createImport.id, file, client.key)).status).toBe(200);
      return createImport.id;
    };

    // Kill the server once a few batches have committed, in the middle of the file.
    const id = await start(crashed.client);
    let atKill = 0;
    for (const until = Date.now() + 120_000; Date.now() < until; ) {
      atKill = (await crashed.client.data(ImportDocument, { id })).import.rowsRead;
      if (atKill >= 3 * BATCH) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await server.stop('SIGKILL');
    expect(atKill).toBeGreaterThanOrEqual(3 * BATCH);
    expect(atKill).toBeLessThan(ROWS);

    server = await startServer(env);
    // The restarted server listens on another port.
    const crashedClient = new GraphQLClient(server.url, crashed.client.key);
    const cleanClient = new GraphQLClient(server.url, clean.client.key);
    const finished = await waitForImport(crashedClient, id, 240_000);
    expect(finished.status).toBe('SUCCEEDED');

    const cleanId = await start(cleanClient);
    const cleanRun = await waitForImport(cleanClient, cleanId, 240_000);
    expect(countsOf(finished)).toEqual(countsOf(cleanRun));
    const counts = countsOf(cleanRun);
    expect([counts.read, counts.rejected, counts.created + counts.updated + counts.unchanged + counts.rejected]).toEqual([ROWS, Math.floor(ROWS / 97), ROWS]);
    const errorsOf = async (client: GraphQLClient, importId: string) => (await download(base(), `/imports/${importId}/errors.csv`, { key: client.key })).text;
    expect(await errorsOf(crashedClient, id)).toBe(await errorsOf(cleanClient, cleanId));
    await server.stop('SIGTERM');

    const db = await Database.open(target);
    try {
      const [a, b] = [await snapshot(db, crashed.namespaceId), await snapshot(db, clean.namespaceId)];
      expect(a).toEqual(b);
      const attempts = await new Sql(db.orm.em.fork()).one<{ attempts: number }>(
        `select j.attempts from job j join import i on i.namespace_id = j.namespace_id and i.job_id = j.id where i.namespace_id = $1 and i.id = $2`, [crashed.namespaceId, Number(id)]);
      // Resumed (attempt 2) or, when the killed process's last transactions were not yet durable
      // (seen on PGlite), run again from its last durable checkpoint (attempt 1): the issue allows
      // either, and both must end exactly as the clean run, which the checks above and below prove.
      expect([1, 2]).toContain(Number(attempts!.attempts));
    } finally {
      await db.close();
    }
  }, PROCESS_TIMEOUTS.start * 2 + PROCESS_TIMEOUTS.stop * 2 + 600_000);
});
