/**
 * A separate process for the crash test: opens the database, enqueues a job of six steps that
 * pauses after three, and runs it. It prints `committed <jobId> <n>` after each step, so the test
 * knows when to `kill -9` it.
 *
 *   node .test-build/<id>/tests/jobs/support/crash-worker.js '<target json>'   (jest's global setup builds it)
 *   node -r ts-node/register/transpile-only tests/jobs/support/crash-worker.ts '<target json>'
 */
import 'reflect-metadata';
import { Database, type DatabaseTarget } from '../../../src/db/database';
import { Sql } from '../../../src/db/sql';
import { JobRunner } from '../../../src/jobs';
import { steppingHandler } from './stepping-handler';

async function main(): Promise<void> {
  const target = JSON.parse(process.argv[2]!) as DatabaseTarget;
  const db = await Database.open(target);
  const runner = await JobRunner.create(db, { pollIntervalMs: 50, heartbeatMs: 100, orphanScanMs: 200 });
  runner.register(steppingHandler('test.crash', { onStep: (id, n) => process.stdout.write(`committed ${id} ${n}\n`) }));
  runner.start();
  const { job } = await runner.queue.enqueue(new Sql(db.orm.em.fork()), { kind: 'test.crash', payload: { steps: 6, pauseAt: 3 }, maxAttempts: 3 });
  process.stdout.write(`enqueued ${job.id}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
