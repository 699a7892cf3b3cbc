import { Sql } from '../../src/db/sql';
import { JobAborted, JobFailure, JobQueue, type JobOutcome, type JobRunner } from '../../src/jobs';
import { describeEachDatabase } from '../support/databases';
import { createTenant } from '../support/tenants';
import { createStepTable, fastRunner, jobRow, settledJob, stepsOf, waitFor } from './support/jobs';
import { steppingHandler } from './support/stepping-handler';

describeEachDatabase('the job runner', (getDb) => {
  // A nested block, so its afterAll (stopping the runners) runs before the database closes.
  describe('jobs', () => {
    const runners: JobRunner[] = [];
    const settledCalls: { id: number; outcome: JobOutcome; inTransaction: boolean }[] = [];
    let runner: JobRunner;
    let namespaceId: string;
    let sql: Sql;

    beforeAll(async () => {
      await createStepTable(getDb());
      namespaceId = (await createTenant(getDb())).id;
      sql = new Sql(getDb().orm.em.fork());
      runner = await fastRunner(getDb());
      runners.push(runner);
      runner.register(steppingHandler('test.steps', { delayMs: 20 }));
      runner.register<{ fail: 'permanent' | 'crash' | 'never' }>({
        kind: 'test.fail',
        async run(ctx) {
          if (ctx.job.payload.fail === 'permanent') throw new JobFailure('column "email" is missing; found: name, phone');
          if (ctx.job.payload.fail === 'crash') throw new Error('connection reset (a detail that users never see)');
          return 'ok';
        },
        async settled(tx, job, outcome) {
          const inTransaction = tx.em.isInTransaction();
          settledCalls.push({ id: job.id, outcome, inTransaction });
        },
      });
      runner.register({
        kind: 'test.wait',
        concurrency: 3,
        async run(ctx) {
          await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
          ctx.throwIfAborted();
        },
        async settled(tx, job, outcome) {
          settledCalls.push({ id: job.id, outcome, inTransaction: tx.em.isInTransaction() });
        },
      });
      runner.start();
    });

    afterAll(async () => {
      for (const r of runners) await r.stop();
    });

    test('a queued job runs, its steps commit with their checkpoints, and its result is stored', async () => {
      const { job, created } = await runner.queue.enqueue(sql, { kind: 'test.steps', namespaceId, payload: { steps: 5 }, createdBy: 'test' });
      expect(created).toBe(true);
      expect(job).toMatchObject({ state: 'queued', attempts: 0, maxAttempts: 3, namespaceId, createdBy: 'test' });
      const done = await settledJob(getDb(), job.id);
      expect(done).toMatchObject({ state: 'succeeded', attempts: 1, progress: 5, result: { steps: 5, resumed: false }, lastError: null });
      expect(done.startedAt).toBeInstanceOf(Date);
      expect(done.finishedAt!.getTime()).toBeGreaterThanOrEqual(done.startedAt!.getTime());
      expect(await stepsOf(getDb(), job.id)).toEqual([0, 1, 2, 3, 4]);
    });

    test('a JobFailure fails the job at once with its message; an unexpected error is retried, then fails without its detail', async () => {
      const permanent = (await runner.queue.enqueue(sql, { kind: 'test.fail', namespaceId, payload: { fail: 'permanent' } })).job;
      const crash = (await runner.queue.enqueue(sql, { kind: 'test.fail', namespaceId, payload: { fail: 'crash' }, maxAttempts: 2 })).job;
      expect(await settledJob(getDb(), permanent.id)).toMatchObject({ state: 'failed', attempts: 1, lastError: 'column "email" is missing; found: name, phone' });
      const failed = await settledJob(getDb(), crash.id);
      expect(failed).toMatchObject({ state: 'failed', attempts: 2, lastError: 'internal error on attempt 2 of 2; the detail is in the server log' });
      expect(settledCalls.filter((c) => c.id === crash.id)).toEqual([{ id: crash.id, outcome: { state: 'failed', error: failed.lastError }, inTransaction: true }]);
      expect(settledCalls.filter((c) => c.id === permanent.id)).toHaveLength(1);
    });

    test('a singleton key allows one active job: enqueuing again returns it, and after it ends a new one can start', async () => {
      const first = await runner.queue.enqueue(sql, { kind: 'test.wait', namespaceId, singletonKey: `feed:${namespaceId}` });
      const second = await runner.queue.enqueue(sql, { kind: 'test.wait', namespaceId, singletonKey: `feed:${namespaceId}` });
      expect(second).toMatchObject({ created: false, job: { id: first.job.id } });
      await settledJob(getDb(), first.job.id, ['running']);
      await runner.queue.cancel(sql, namespaceId, first.job.id);
      await settledJob(getDb(), first.job.id);
      const third = await runner.queue.enqueue(sql, { kind: 'test.wait', namespaceId, singletonKey: `feed:${namespaceId}` });
      expect(third.created).toBe(true);
      await runner.queue.cancel(sql, namespaceId, third.job.id);
      await settledJob(getDb(), third.job.id);
    });

    test('cancel: a queued job is cancelled at once (settled in the same transaction); a running one stops at its next heartbeat', async () => {
      const later = (await runner.queue.enqueue(sql, { kind: 'test.wait', namespaceId, runAt: new Date(Date.now() + 3_600_000) })).job;
      const cancelled = await runner.queue.cancel(sql, namespaceId, later.id);
      expect(cancelled).toMatchObject({ state: 'cancelled', attempts: 0 });
      expect(settledCalls.filter((c) => c.id === later.id)).toEqual([{ id: later.id, outcome: { state: 'cancelled' }, inTransaction: true }]);

      const running = (await runner.queue.enqueue(sql, { kind: 'test.wait', namespaceId })).job;
      await settledJob(getDb(), running.id, ['running']);
      expect(await runner.queue.cancel(sql, namespaceId, running.id)).toMatchObject({ state: 'running', cancelRequested: true });
      expect(await settledJob(getDb(), running.id)).toMatchObject({ state: 'cancelled', cancelRequested: false });
      // A finished job is returned as it is.
      expect(await runner.queue.cancel(sql, namespaceId, running.id)).toMatchObject({ state: 'cancelled' });
    });

    test('jobs are sealed per namespace: another namespace cannot read, list or cancel them', async () => {
      const other = (await createTenant(getDb())).id;
      const job = (await runner.queue.enqueue(sql, { kind: 'test.wait', namespaceId, runAt: new Date(Date.now() + 3_600_000) })).job;
      expect(await runner.queue.get(sql, other, job.id)).toBeUndefined();
      expect(await runner.queue.cancel(sql, other, job.id)).toBeUndefined();
      expect(await runner.queue.list(sql, other, 'test.wait', 10)).toEqual([]);
      expect((await runner.queue.list(sql, namespaceId, 'test.wait', 100)).map((j) => j.id)).toContain(job.id);
      expect((await jobRow(getDb(), job.id)).state).toBe('queued');
      await runner.queue.cancel(sql, namespaceId, job.id);
    });

    test('a run that lost its claim cannot commit: its transaction is rolled back', async () => {
      const db = getDb();
      const lonely = await fastRunner(db);
      let seen: unknown;
      lonely.register<Record<string, never>>({
        kind: 'test.fenced',
        async run(ctx) {
          // Another worker takes the job over (as after a presumed crash): the run token changes.
          await ctx.sql.execute(`update job set run_token = gen_random_uuid() where id = $1`, [ctx.job.id]);
          try {
            await ctx.transaction((tx) => tx.execute(`insert into job_test_step (job_id, step) values ($1, 99)`, [ctx.job.id]), { progress: 1 });
          } catch (error) {
            seen = error;
          }
          return 'unreachable';
        },
      });
      lonely.start();
      const job = (await lonely.queue.enqueue(sql, { kind: 'test.fenced', namespaceId })).job;
      await waitFor(async () => seen, 'the fenced transaction to fail');
      await lonely.stop();
      expect(seen).toBeInstanceOf(JobAborted);
      expect(await stepsOf(db, job.id)).toEqual([]);
      expect((await jobRow(db, job.id)).progress).toBeNull();
      await sql.execute(`update job set state = 'cancelled', run_token = null where id = $1`, [job.id]);
    });

    test('stop() puts a running job back in the queue without using an attempt; the next runner resumes it from its checkpoint', async () => {
      const db = getDb();
      const first = await fastRunner(db);
      first.register(steppingHandler('test.resume'));
      first.start();
      const job = (await first.queue.enqueue(sql, { kind: 'test.resume', namespaceId, payload: { steps: 6, pauseAt: 3 } })).job;
      await waitFor(async () => (await stepsOf(db, job.id)).length === 3, 'three steps');
      await first.stop();
      expect(await jobRow(db, job.id)).toMatchObject({ state: 'queued', attempts: 0, progress: 3 });

      const second = await fastRunner(db);
      runners.push(second);
      second.register(steppingHandler('test.resume'));
      second.start();
      expect(await settledJob(db, job.id)).toMatchObject({ state: 'succeeded', attempts: 1, progress: 6, result: { steps: 6, resumed: true } });
      expect(await stepsOf(db, job.id)).toEqual([0, 1, 2, 3, 4, 5]);
    });

    test('schedules enqueue on their cron ticks, one active job at a time, and stop when disabled', async () => {
      const db = getDb();
      const name = `tick:${namespaceId}`;
      const schedule = await runner.schedules.upsert(sql, { name, namespaceId, kind: 'test.steps', payload: { steps: 1 }, cron: '* * * * * *' });
      expect(schedule).toMatchObject({ name, enabled: true, cron: '* * * * * *', timezone: 'UTC' });
      const jobs = await waitFor(async () => {
        const list = await runner.queue.list(sql, namespaceId, 'test.steps', 50);
        const fromSchedule = list.filter((j) => j.createdBy === `schedule:${name}`);
        return fromSchedule.length >= 2 ? fromSchedule : undefined;
      }, 'two scheduled runs');
      expect(jobs.every((j) => j.singletonKey === name)).toBe(true);
      await runner.schedules.upsert(sql, { name, namespaceId, kind: 'test.steps', payload: { steps: 1 }, cron: '* * * * * *', enabled: false });
      expect((await runner.schedules.get(sql, namespaceId, name))?.nextRunAt).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const count = (await runner.queue.list(sql, namespaceId, 'test.steps', 100)).filter((j) => j.createdBy === `schedule:${name}`).length;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await runner.queue.list(sql, namespaceId, 'test.steps', 100)).filter((j) => j.createdBy === `schedule:${name}`)).toHaveLength(count);
      expect(await runner.schedules.get(sql, 'ffffffff-ffff-4fff-8fff-ffffffffffff', name)).toBeUndefined();
      expect(await runner.schedules.remove(sql, namespaceId, name)).toBe(true);
      void db;
    });

    test('a bad cron expression or zone is refused with the reason', async () => {
      await expect(runner.schedules.upsert(sql, { name: 'bad', namespaceId, kind: 'test.steps', cron: 'every day' })).rejects.toThrow(/"every day" is not a cron expression/);
      await expect(runner.schedules.upsert(sql, { name: 'bad', namespaceId, kind: 'test.steps', cron: '0 6 * * *', timezone: 'Mars/Olympus' })).rejects.toThrow(/not an IANA zone/);
    });

    test('a queue without a runner still enqueues (another process runs the job)', async () => {
      const queue = new JobQueue();
      const { job } = await queue.enqueue(sql, { kind: 'test.steps', namespaceId, payload: { steps: 1 } });
      expect(await settledJob(getDb(), job.id)).toMatchObject({ state: 'succeeded' });
    });
  });
});
