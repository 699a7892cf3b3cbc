/**
 * STATEMENT_TIMEOUT_MS on the embedded database (issue 9 §2): PGlite cannot cancel a running
 * statement, so `PGliteThread` ends one that runs too long by terminating its thread and reopening
 * the data directory (write-ahead log recovery). The statement fails as PostgreSQL's
 * statement_timeout fails it (SQLSTATE 57014); a write in flight is wholly absent, everything
 * committed is kept, a transaction it was part of is lost as a whole (25P02 until its rollback),
 * statements queued behind it run on the reopened database, and the process keeps its lock and
 * stays healthy. Real PGlite on a real directory; no timing is asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../../src/db/database';
import { Sql } from '../../src/db/sql';

describe('a statement timeout on PGlite in its own thread', () => {
  let dir: string;
  let db: Database | undefined;
  const sql = () => new Sql(db!.orm.em.fork());

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ag-timeout-'));
    db = await Database.open({ kind: 'pglite', dataDir: dir, thread: 'worker' }, { statementTimeoutMs: 400, command: 'test' });
    await sql().execute('create table kept (v int)');
    await sql().execute('insert into kept values (1)');
  }, 120_000);

  afterAll(async () => {
    await db?.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a long statement fails with 57014; statements queued behind it run on the reopened database', async () => {
    const slow = sql().one('select pg_sleep(20) as slept').catch((error: unknown) => error);
    const queued = sql().one<{ n: number }>('select count(*)::int as n from kept');
    expect(await slow).toMatchObject({ code: '57014', message: expect.stringContaining('canceling statement due to statement timeout') });
    expect(await queued).toEqual({ n: 1 });
    expect(await db!.healthy()).toBe(true);
  }, 60_000);

  test('a write queued behind the timed-out statement runs exactly once', async () => {
    await sql().execute('create table once (v int)');
    const [slow, inserted] = await Promise.all([
      sql().one('select pg_sleep(20)').catch((e: unknown) => e),
      sql().execute('insert into once values (1)'),
    ]);
    expect(slow).toMatchObject({ code: '57014' });
    expect(inserted).toBe(1);
    expect(await sql().rows('select v from once')).toEqual([{ v: 1 }]);
  }, 60_000);

  test('a write in flight is wholly absent; what was committed before is kept', async () => {
    await sql().execute('create table written (v int)');
    const error = await sql()
      .execute('insert into written select g from generate_series(1, 50) g, lateral (select pg_sleep(0.05 * (g > 0)::int)) s')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '57014' });
    expect(await sql().rows('select count(*)::int as n from written')).toEqual([{ n: 0 }]);
    expect(await sql().rows('select v from kept')).toEqual([{ v: 1 }]);
  }, 60_000);

  test('a transaction the statement was part of is lost as a whole, then the connection works again', async () => {
    await sql().execute('create table in_tx (v int)');
    const error = await sql()
      .transaction(async (tx) => {
        await tx.execute('insert into in_tx values (1)');
        await tx.one('select pg_sleep(20)');
        await tx.execute('insert into in_tx values (2)');
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '57014' });
    expect(await sql().rows('select count(*)::int as n from in_tx')).toEqual([{ n: 0 }]);
    await sql().transaction((tx) => tx.execute('insert into in_tx values (3)'));
    expect(await sql().rows('select v from in_tx')).toEqual([{ v: 3 }]);
  }, 60_000);

  test("a transaction's own limit (set_config, as exports set it) applies to it only", async () => {
    const slept = await sql().transaction(async (tx) => {
      await tx.one(`select set_config('statement_timeout', $1, true)`, ['10000']);
      return tx.one<{ ok: boolean }>('select pg_sleep(1) is null as ok');
    });
    expect(slept).toEqual({ ok: false });
    expect(await sql().one('select pg_sleep(1)').catch((e: unknown) => e)).toMatchObject({ code: '57014' });
  }, 60_000);

  test('after the restarts the directory closes cleanly and reopens with the committed data', async () => {
    await db!.close();
    db = await Database.open({ kind: 'pglite', dataDir: dir, thread: 'worker' }, { command: 'test' });
    expect(await sql().rows('select v from kept')).toEqual([{ v: 1 }]);
    expect(await sql().rows('select v from in_tx')).toEqual([{ v: 3 }]);
  }, 120_000);
});
