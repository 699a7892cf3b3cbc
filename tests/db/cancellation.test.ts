import { QueryStats, Sql } from '../../src/db/sql';
import { AppError } from '../../src/domain/errors';
import { describeEachDatabase } from '../support/databases';

/**
 * A request's signal stops its raw statements: none starts once it is aborted, and on PostgreSQL
 * the running one is cancelled (PGlite runs in this thread: a statement it has begun runs to the end).
 */
describeEachDatabase('stopping a request’s statements', (getDb) => {
  test('once the signal is aborted, no further statement starts, and the error is the reason', async () => {
    const stop = new AbortController();
    const stats = new QueryStats('req-1', stop.signal);
    const sql = new Sql(getDb().orm.em.fork(), stats);
    expect(await sql.one('select 1 as one')).toEqual({ one: 1 });
    stop.abort(AppError.timeout(50));
    await expect(sql.one('select 2 as two')).rejects.toThrow('The request took longer than 50 ms (REQUEST_TIMEOUT_MS) and was stopped.');
    expect(stats.statements).toBe(1);
  });

  test('a running statement: cancelled at once on PostgreSQL, run to its end on PGlite (then nothing more runs)', async () => {
    const db = getDb();
    if (db.target.kind === 'pglite') {
      const stop = new AbortController();
      const sql = new Sql(db.orm.em.fork(), new QueryStats('req-3', stop.signal));
      const running = sql.one<{ tag: string }>('select pg_sleep(0.3)::text as slept, $1::text as tag', ['runs-to-end']);
      setTimeout(() => stop.abort(AppError.cancelled()), 50);
      expect((await running)?.tag).toBe('runs-to-end');
      // PGlite holds the event loop while a statement runs: the abort timer fires only now.
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(stop.signal.aborted).toBe(true);
      await expect(sql.one('select 1')).rejects.toThrow('The client closed the connection; the request was stopped.');
      return;
    }
    const stop = new AbortController();
    const sql = new Sql(db.orm.em.fork(), new QueryStats('req-2', stop.signal));
    const running = sql.one('select pg_sleep(30) as slept, $1::text as tag', ['cancel-me']);
    running.catch(() => undefined);
    const observer = new Sql(db.orm.em.fork());
    // Wait until the statement is running on the server, then abort.
    for (let i = 0; i < 200; i++) {
      const active = await observer.rows(`select pid from pg_stat_activity where query like '%pg_sleep(30)%' and query not like '%pg_stat_activity%' and state = 'active'`);
      if (active.length) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    stop.abort(AppError.cancelled());
    await expect(running).rejects.toThrow('The client closed the connection; the request was stopped.');
    expect(await observer.rows(`select pid from pg_stat_activity where query like '%pg_sleep(30)%' and query not like '%pg_stat_activity%' and state = 'active'`)).toEqual([]);
  });
});
