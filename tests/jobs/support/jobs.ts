import type { Database } from '../../../src/db/database';
import { Sql } from '../../../src/db/sql';
import { JobRunner, type JobRecord, type JobRunnerOptions } from '../../../src/jobs';
import { JOB_COLUMNS, toJobRecord } from '../../../src/jobs/job-queue';

/** Fast polling for tests: the runner reacts within tens of milliseconds. */
export const FAST: JobRunnerOptions = { pollIntervalMs: 50, heartbeatMs: 100, orphanScanMs: 200, shutdownGraceMs: 5000, retryDelayMs: () => 0 };

export async function fastRunner(db: Database, options: JobRunnerOptions = {}): Promise<JobRunner> {
  return JobRunner.create(db, { ...FAST, ...options });
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function jobRow(db: Database, id: number): Promise<JobRecord> {
  const row = await new Sql(db.orm.em.fork()).one<Record<string, unknown>>(`select ${JOB_COLUMNS} from job where id = $1`, [id]);
  if (!row) throw new Error(`no job ${id}`);
  return toJobRecord(row);
}

/** Waits until the job reaches one of the states. */
export function settledJob(db: Database, id: number, states: readonly string[] = ['succeeded', 'failed', 'cancelled']): Promise<JobRecord> {
  return waitFor(async () => {
    const job = await jobRow(db, id);
    return states.includes(job.state) ? job : undefined;
  }, `job ${id} to reach ${states.join('/')}`);
}

/** A table where test handlers record the steps they applied, one row per (job, step). */
export async function createStepTable(db: Database): Promise<void> {
  await new Sql(db.orm.em.fork()).execute(`create table if not exists job_test_step (job_id bigint not null, step int not null, primary key (job_id, step))`);
}

export async function stepsOf(db: Database, jobId: number): Promise<number[]> {
  const rows = await new Sql(db.orm.em.fork()).rows<{ step: number }>(`select step from job_test_step where job_id = $1 order by step`, [jobId]);
  return rows.map((r) => r.step);
}
