import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Database } from '../../src/db/database';
import { DatabaseFailedError } from '../../src/db/pglite-abort';
import { Sql } from '../../src/db/sql';
import { NamespaceService } from '../../src/services/namespace.service';
import { startTestApp, type TestApp } from '../support/app';

// Issue 9 §2: PGlite ran on the main thread, so a long statement blocked the event loop: /healthz,
// every other request and every timer waited for it. With PGLITE_THREAD=worker (the default of
// `serve`) PGlite runs in a thread of its own (`src/db/pglite-thread.ts`); the main thread stays free.

const WORKER = { kind: 'pglite', dataDir: 'memory://', thread: 'worker' } as const;

describe('PGlite in its own thread', () => {
  let db: Database | undefined;

  beforeAll(async () => {
    db = await Database.open(WORKER);
    await db.migrate();
  }, 240_000);

  afterAll(async () => {
    await db?.close();
  });

  test('rows come back as on the main thread: int8 and numeric as numbers, timestamps as Dates, jsonb parsed, arrays', async () => {
    const sql = new Sql(db!.orm.em.fork());
    const row = await sql.one<Record<string, unknown>>(
      `select 9007199254740991::int8 as big, 12.5::numeric as amount, '2026-12-02T06:00:00Z'::timestamptz as at,
              '2026-12-02'::date as day, '{"a":[1,"x"]}'::jsonb as doc, array['a','b']::text[] as tags, array[1,2]::int8[] as ids,
              $1::text as param, null::text as nothing`,
      ['värde; drop table x'],
    );
    expect(row).toEqual({ big: 9007199254740991, amount: 12.5, at: new Date('2026-12-02T06:00:00Z'), day: '2026-12-02', doc: { a: [1, 'x'] }, tags: ['a', 'b'], ids: [1, 2], param: 'värde; drop table x', nothing: null });
    expect(row!.at).toBeInstanceOf(Date);
    expect(db!.embeddedThread).toBe('worker');
  });

  test('the ORM hydrates entities from the thread (dates are made in the caller\'s realm)', async () => {
    await new Sql(db!.orm.em.fork()).execute(`insert into namespace (id, slug, name, default_region) values (gen_random_uuid(), 'thread', 'Thread', 'US')`);
    const namespace = await new NamespaceService(db!.orm.em.fork()).bySlug('thread');
    expect(namespace?.createdAt).toBeInstanceOf(Date);
  });

  test('a PostgreSQL error keeps its code, constraint and detail', async () => {
    const sql = new Sql(db!.orm.em.fork());
    await sql.execute('create table thread_unique (k text primary key)');
    await sql.execute('insert into thread_unique values ($1)', ['a']);
    const error = await sql.execute('insert into thread_unique values ($1)', ['a']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '23505', constraint: 'thread_unique_pkey', detail: 'Key (k)=(a) already exists.' });
    expect((error as Error).message).toContain('duplicate key value violates unique constraint "thread_unique_pkey"');
  });

  test('a failed transaction writes nothing; a committed one is kept', async () => {
    const sql = new Sql(db!.orm.em.fork());
    await sql.execute('create table thread_tx (v int)');
    await expect(
      sql.transaction(async (tx) => {
        await tx.execute('insert into thread_tx values (1)');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await sql.transaction((tx) => tx.execute('insert into thread_tx values (2)'));
    expect(await sql.rows('select v from thread_tx')).toEqual([{ v: 2 }]);
  });

  test('the event loop runs while a statement does: a timer fires on time and health answers at once', async () => {
    const sql = new Sql(db!.orm.em.fork());
    const started = performance.now();
    let firedAt = 0;
    const timer = new Promise<void>((resolve) =>
      setTimeout(() => {
        firedAt = performance.now() - started;
        resolve();
      }, 50),
    );
    let sleepDoneAt = 0;
    const sleep = sql.one('select pg_sleep(1.5) as slept').then(() => (sleepDoneAt = performance.now() - started));
    await timer;
    expect(await db!.healthy()).toBe(true);
    const healthAnsweredAt = performance.now() - started;
    await sleep;
    expect(firedAt).toBeLessThan(sleepDoneAt);
    expect(healthAnsweredAt).toBeLessThan(sleepDoneAt);
  });

  test('COPY … TO STDOUT comes across the thread as the same CSV', async () => {
    const sql = new Sql(db!.orm.em.fork());
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    const rows = await sql.copyOut({ sql: 'select g as n, $1::text as label from generate_series(1, 3) g', params: ['a,b'] }, 'format csv, header true', sink);
    expect(rows).toBe(3);
    expect(Buffer.concat(chunks).toString()).toBe('n,label\n1,"a,b"\n2,"a,b"\n3,"a,b"\n');
  });
});

describe('PGlite in its own thread, on a data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ag-thread-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('what the thread wrote is there when the directory is opened again (in either mode)', async () => {
    const first = await Database.open({ kind: 'pglite', dataDir: dir, thread: 'worker' });
    try {
      await new Sql(first.orm.em.fork()).execute(`create table kept as select 'yes'::text as v`);
    } finally {
      await first.close();
    }
    const second = await Database.open({ kind: 'pglite', dataDir: dir, thread: 'main' });
    try {
      expect(await new Sql(second.orm.em.fork()).rows('select v from kept')).toEqual([{ v: 'yes' }]);
    } finally {
      await second.close();
    }
  }, 240_000);
});

describe('the HTTP server with PGlite in its own thread', () => {
  let started: TestApp | undefined;
  const logged: string[] = [];

  beforeAll(async () => {
    started = await startTestApp({ name: 'pglite' }, { database: WORKER, jobConcurrency: 0 }, { info: () => undefined, error: (m: string) => void logged.push(m) });
  }, 240_000);

  afterAll(async () => {
    await started?.close().catch(() => undefined);
  });

  test('/healthz answers while a long statement runs (on the main thread it waited for the statement)', async () => {
    const { db, url } = started!.app;
    let sleepDone = false;
    const long = new Sql(db.orm.em.fork()).one('select pg_sleep(1.5) as slept').finally(() => (sleepDone = true));
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(sleepDone).toBe(false);
    await long;
  });

  test('a WebAssembly trap in the thread stops the process serving, as on the main thread', async () => {
    const { db, url } = started!.app;
    const deep = `${'['.repeat(2000)}1${']'.repeat(2000)}`;
    await expect(new Sql(db.orm.em.fork()).rows('select length($1::jsonb::text) as n', [deep])).rejects.toThrow('memory access out of bounds');
    expect(db.failure?.message).toBe('memory access out of bounds');
    expect(logged.filter((m) => m.startsWith('FATAL: the embedded database (PGlite) aborted'))).toHaveLength(1);
    expect((await fetch(`${url}/healthz`)).status).toBe(503);
    await expect(new Sql(db.orm.em.fork()).rows('select 1')).rejects.toBeInstanceOf(DatabaseFailedError);
  });
});

describe('when the thread dies', () => {
  test('every pending and later call fails, health says so, and close still returns', async () => {
    const db = await Database.open(WORKER);
    try {
      const thread = (db as unknown as { pglite: { worker: { terminate(): Promise<number> } } }).pglite;
      const pending = new Sql(db.orm.em.fork()).one('select pg_sleep(2)');
      await thread.worker.terminate();
      await expect(pending).rejects.toThrow(/the embedded database's thread exited/);
      expect(db.failure?.message).toMatch(/the embedded database's thread exited/);
      expect(await db.healthy()).toBe(false);
      await expect(new Sql(db.orm.em.fork()).one('select 1')).rejects.toBeInstanceOf(DatabaseFailedError);
    } finally {
      await db.close();
    }
  }, 240_000);
});
