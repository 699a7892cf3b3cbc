import type { Sql } from '../db/sql';
import { JOB_COLUMNS, toJobRecord, type JobQueue } from './job-queue';
import type { JobRecord } from './job.types';
import type { LockSession } from './lock-session';

/** A job this worker has claimed, with the token that fences its writes. */
export interface Claimed {
  readonly job: JobRecord;
  readonly token: string;
  /** An earlier run of the job started (it crashed, was stopped, or failed and is retried). */
  readonly resumed: boolean;
}

/**
 * Claims up to `slots` ready jobs of the given kinds (per-kind limits in `free`), with
 * `FOR UPDATE SKIP LOCKED`, so concurrent workers never claim the same job, and takes each claimed
 * job's advisory lock before the claim commits, so no other worker can mistake it for an orphan.
 */
export async function claimReady(sql: Sql, locks: LockSession, workerId: string, free: ReadonlyMap<string, number>, slots: number): Promise<Claimed[]> {
  const kinds = [...free.entries()].filter(([, n]) => n > 0).map(([k]) => k);
  if (slots <= 0 || kinds.length === 0) return [];
  const locked: number[] = [];
  try {
    return await sql.transaction(async (tx) => {
      const ready = await tx.rows<{ id: number; kind: string }>(
        `-- all namespaces: a worker claims ready jobs of every namespace
         select id, kind from job where state = 'queued' and run_at <= now() and kind = any($1::text[])
         order by priority desc, run_at, id limit $2 for update skip locked`,
        [kinds, slots * 4],
      );
      const left = new Map(free);
      const picked: number[] = [];
      for (const row of ready) {
        if (picked.length >= slots || (left.get(row.kind) ?? 0) <= 0) continue;
        if (!(await locks.tryLock(Number(row.id), tx))) continue;
        locked.push(Number(row.id));
        picked.push(Number(row.id));
        left.set(row.kind, left.get(row.kind)! - 1);
      }
      if (picked.length === 0) return [];
      const rows = await tx.rows(
        `-- all namespaces: the worker's claim, by job ID
         update job set state = 'running', run_token = gen_random_uuid(), locked_by = $2, attempts = attempts + 1,
           heartbeat_at = now(), started_at = coalesce(started_at, now()), cancel_requested = false, updated_at = now()
         where id = any($1::bigint[]) and state = 'queued'
         returning ${JOB_COLUMNS}, run_token, started_at < now() as resumed`,
        [picked, workerId],
      );
      return rows.map((r) => ({ job: toJobRecord(r), token: r.run_token as string, resumed: r.resumed === true }));
    });
  } catch (error) {
    for (const id of locked) await locks.unlock(id).catch(() => undefined);
    throw error;
  }
}

/**
 * Finds running jobs whose worker is gone (no session holds their lock) and puts them back in the
 * queue to resume, or fails them when they are out of attempts (a job that kills its process every
 * time must not loop forever). `mine` are the jobs this worker runs itself.
 */
export async function requeueOrphans(sql: Sql, locks: LockSession, queue: JobQueue, kinds: readonly string[], mine: readonly number[]): Promise<number> {
  if (kinds.length === 0) return 0;
  return sql.transaction(async (tx) => {
    const rows = await tx.rows(
      `-- all namespaces: a worker looks for orphaned jobs of every namespace
       select ${JOB_COLUMNS} from job where state = 'running' and kind = any($1::text[]) and not (id = any($2::bigint[]))
       order by id limit 50 for update skip locked`,
      [kinds, mine],
    );
    let requeued = 0;
    for (const row of rows) {
      const job = toJobRecord(row);
      if (!(await locks.tryLock(job.id, tx))) continue;
      try {
        if (job.attempts >= job.maxAttempts) {
          await queue.finish(tx, job, { state: 'failed', error: `the process running this job stopped ${job.attempts} time(s) before it finished; it was not retried again` });
        } else {
          await tx.execute(
            `-- all namespaces: requeues an orphan, by job ID
             update job set state = 'queued', run_token = null, locked_by = null, run_at = now(), updated_at = now(),
               last_error = 'resumed: the process running it stopped' where id = $1`,
            [job.id],
          );
          requeued++;
        }
      } finally {
        await locks.unlock(job.id, tx);
      }
    }
    return requeued;
  });
}

/** Renews a run: returns whether it still owns the job and whether a cancel was asked. */
export async function heartbeat(sql: Sql, claimed: Claimed): Promise<{ owned: boolean; cancelRequested: boolean }> {
  const row = await sql.one<{ cancel_requested: boolean }>(
    `-- all namespaces: a run's heartbeat, by job ID and run token
     update job set heartbeat_at = now() where id = $1 and run_token = $2 returning cancel_requested`,
    [claimed.job.id, claimed.token],
  );
  return { owned: row !== undefined, cancelRequested: row?.cancel_requested === true };
}

/** Records a checkpoint in the caller's transaction, only while the run owns the job (fencing). */
export async function checkpoint(tx: Sql, claimed: Claimed, progress: unknown, hasProgress: boolean): Promise<boolean> {
  const n = await tx.execute(
    `-- all namespaces: a run's checkpoint, by job ID and run token
     update job set progress = case when $3 then $4::jsonb else progress end, heartbeat_at = now(), updated_at = now()
     where id = $1 and run_token = $2`,
    [claimed.job.id, claimed.token, hasProgress, hasProgress ? JSON.stringify(progress ?? null) : null],
  );
  return n > 0;
}

/** Puts a run back in the queue (a clean shutdown, or a retry after `delayMs`); false when it no longer owns the job. */
export async function release(tx: Sql, claimed: Claimed, options: { delayMs: number; countAttempt: boolean; error: string | null }): Promise<boolean> {
  const n = await tx.execute(
    `-- all namespaces: a run goes back to the queue, by job ID and run token
     update job set state = 'queued', run_token = null, locked_by = null, run_at = now() + $3 * interval '1 millisecond',
       attempts = case when $4 then attempts else greatest(attempts - 1, 0) end, last_error = coalesce($5, last_error), updated_at = now()
     where id = $1 and run_token = $2`,
    [claimed.job.id, claimed.token, options.delayMs, options.countAttempt, options.error],
  );
  return n > 0;
}

/** Locks the run's row for its final update; undefined when another worker owns it now. */
export async function lockOwned(tx: Sql, claimed: Claimed): Promise<JobRecord | undefined> {
  const row = await tx.one(`-- all namespaces: a run's final update, by job ID and run token
     select ${JOB_COLUMNS} from job where id = $1 and run_token = $2 for update`, [claimed.job.id, claimed.token]);
  return row ? toJobRecord(row) : undefined;
}
