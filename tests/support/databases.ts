import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Database, type DatabaseTarget } from '../../src/db/database';
import type { QueryObserver } from '../../src/db/sql';

/**
 * Every database test runs on embedded PGlite, and also on the PostgreSQL server named by
 * TEST_DATABASE_URL when it is set. Each test file gets a database of its own; tests inside a file
 * isolate themselves by namespace.
 */
export interface TestTarget {
  readonly name: 'pglite' | 'postgres';
}

export const TEST_TARGETS: readonly TestTarget[] = [
  { name: 'pglite' },
  ...(process.env.TEST_DATABASE_URL ? [{ name: 'postgres' as const }] : []),
];

export interface OpenedTestDatabase {
  readonly db: Database;
  close(): Promise<void>;
}

/** Opens a fresh, migrated database of the given kind; `observer` is told of every statement. */
export async function openTestDatabase(target: TestTarget, options: { observer?: QueryObserver } = {}): Promise<OpenedTestDatabase> {
  if (target.name === 'pglite') {
    const db = await Database.open({ kind: 'pglite', dataDir: 'memory://' }, options);
    await db.migrate();
    return { db, close: () => db.close() };
  }
  const scratch = await createScratchPgDatabase();
  const pgTarget: DatabaseTarget = { kind: 'postgres', url: scratch.url, poolSize: 5 };
  const db = await Database.open(pgTarget, options);
  await db.migrate();
  return {
    db,
    close: async () => {
      await db.close();
      await scratch.drop();
    },
  };
}

/**
 * A database of the given kind that outlives one start of the app (a scratch database on the
 * server, or a PGlite directory), for tests that stop the app and start it again on the same data.
 * Pass `database` to `startTestApp({ name: 'pglite' }, { database })`; `drop` removes it.
 */
export async function lastingTestDatabase(target: TestTarget, prefix: string): Promise<{ database: DatabaseTarget; drop(): Promise<void> }> {
  if (target.name === 'postgres') {
    const scratch = await createScratchPgDatabase();
    return { database: { kind: 'postgres', url: scratch.url, poolSize: 5 }, drop: scratch.drop };
  }
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { database: { kind: 'pglite', dataDir: dir }, drop: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * A new, empty database on the TEST_DATABASE_URL server, and a way to drop it. `cLocale` creates it
 * with `lc_ctype 'C' lc_collate 'C'` (from template0), where `lower()` and `ILIKE` fold only ASCII.
 */
export async function createScratchPgDatabase(options: { cLocale?: boolean } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `ag_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name}${options.cLocale ? " template template0 lc_ctype 'C' lc_collate 'C'" : ''}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(serverUrl, `drop database if exists ${name} with (force)`) };
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * Declares a `describe` block per test database. `get()` returns the opened database inside tests.
 *
 * @example describeEachDatabase('profiles', (get) => { test('...', async () => { const { db } = get(); }) })
 */
export function describeEachDatabase(title: string, body: (get: () => Database) => void): void {
  describe.each(TEST_TARGETS)(`${title} on $name`, (target) => {
    let opened: OpenedTestDatabase | undefined;
    beforeAll(async () => {
      opened = await openTestDatabase(target);
    });
    afterAll(async () => {
      await opened?.close();
    });
    body(() => {
      if (!opened) throw new Error('test database is not open');
      return opened.db;
    });
  });
}
