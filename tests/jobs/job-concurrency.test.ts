import { Database } from '../../src/db/database';
import { Sql } from '../../src/db/sql';
import type { JobRunner } from '../../src/jobs';
import { createScratchPgDatabase } from '../support/databases';
import { createTenant } from '../support/tenants';
import { fastRunner, settledJob, waitFor } from './support/jobs';

/**
 * Several API processes on one PostgreSQL server: each has its own pool and its own lock session,
 * exactly as separate processes would. (The embedded PGlite is one process by construction.)
 */
const describeOnServer = process.env.TEST_DATABASE_URL ? describe : describe.skip;
if (!process.env.TEST_DATABASE_URL) test.skip('several runners on one PostgreSQL server: skipped, TEST_DATABASE_URL is not set', () => undefined);

describeOnServer('three runners on one PostgreSQL database', () => {
  const dbs: Database[] = [];
  const runners: JobRunner[] = [];
  let drop: () => Promise<void>;
  let sql: Sql;
  let namespaceId: string;

  beforeAll(async () => {
    const scratch = await createScratchPgDatabase();
    drop = scratch.drop;
    for (let i = 0; i < 3; i++) {
      const db = await Database.open({ kind: 'postgres', url: scratch.url, poolSize: 4 });
      if (i === 0) await db.migrate();
      dbs.push(db);
    }
    sql = new Sql(dbs[0]!.orm.em.fork());
    await sql.execute(`create table job_test_run (job_id bigint not null, worker text not null, started_at timestamptz not null default clock_timestamp(), ended_at timestamptz)`);
    namespaceId = (await createTenant(dbs[0]!)).id;
    for (const [i, db] of dbs.entries()) {
      const runner = await fastRunner(db, { workerId: `worker-${i}`, concurrency: 3 });
      const runs = new Sql(db.orm.em.fork());
      runner.register<{ ms: number }>({
        kind: 'test.once',
        concurrency: 3,
        async run(ctx) {
          await runs.execute(`insert into job_test_run (job_id, worker) values ($1, $2)`, [ctx.job.id, runner.workerId]);
          await new Promise((resolve) => setTimeout(resolve, ctx.job.payload.ms));
          await runs.execute(`update job_test_run set ended_at = clock_timestamp() where job_id = $1 and worker = $2`, [ctx.job.id, runner.workerId]);
          return runner.workerId;
        },
      });
      runner.start();
      runners.push(runner);
    }
  });

  afterAll(async () => {
    for (const runner of runners) await runner.stop();
    for (const db of dbs) await db.close();
    await drop?.();
  });

  test('each job runs exactly once, whichever runner claims it', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) ids.push((await runners[i % 3]!.queue.enqueue(sql, { kind: 'test.once', namespaceId, payload: { ms: 30 } })).job.id);
    for (const id of ids) expect((await settledJob(dbs[0]!, id)).state).toBe('succeeded');
    const runs = await sql.rows<{ job_id: number; n: number }>(`select job_id, count(*)::int as n from job_test_run where job_id = any($1::bigint[]) group by job_id`, [ids]);
    expect(runs).toHaveLength(30);
    expect(runs.every((r) => r.n === 1)).toBe(true);
  });

  test('jobs with one singleton key never overlap, even when every process enqueues at once', async () => {
    const key = `feed:${namespaceId}`;
    const ran: number[] = [];
    for (let round = 0; round < 4; round++) {
      const enqueued = await Promise.all(runners.map((r, i) => r.queue.enqueue(new Sql(dbs[i]!.orm.em.fork()), { kind: 'test.once', namespaceId, singletonKey: key, payload: { ms: 150 } })));
      expect(new Set(enqueued.map((e) => e.job.id)).size).toBe(1);
      expect(enqueued.filter((e) => e.created)).toHaveLength(1);
      ran.push(enqueued[0]!.job.id);
      await settledJob(dbs[0]!, enqueued[0]!.job.id);
    }
    const runs = await sql.rows<{ job_id: number; started_at: Date; ended_at: Date }>(
      `select job_id, started_at, ended_at from job_test_run where job_id = any($1::bigint[]) order by started_at`,
      [ran],
    );
    expect(runs).toHaveLength(4);
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.started_at.getTime()).toBeGreaterThanOrEqual(runs[i - 1]!.ended_at.getTime());
  });

  test('a schedule fires once per tick across all processes', async () => {
    const name = `tick:${namespaceId}`;
    await runners[0]!.schedules.upsert(sql, { name, namespaceId, kind: 'test.once', payload: { ms: 1 }, cron: '* * * * * *' });
    const jobs = await waitFor(async () => {
      const list = (await runners[0]!.queue.list(sql, namespaceId, 'test.once', 100)).filter((j) => j.createdBy === `schedule:${name}`);
      return list.length >= 3 ? list : undefined;
    }, 'three scheduled jobs');
    await runners[0]!.schedules.remove(sql, namespaceId, name);
    // One job per tick: no two jobs of the schedule were created in the same second.
    const seconds = jobs.map((j) => Math.floor(j.createdAt.getTime() / 1000));
    expect(new Set(seconds).size).toBe(seconds.length);
  });
});
