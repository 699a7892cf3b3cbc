import type { Sql } from '../db/sql';
import type { JobHandler, JobOutcome, JobRecord, JobSpec, JobState } from './job.types';

/** The columns of a job, as `toJobRecord` reads them. */
export const JOB_COLUMNS = `id, namespace_id, kind, payload, singleton_key, state, priority, run_at, attempts, max_attempts,
  cancel_requested, progress, result, last_error, created_by, created_at, started_at, finished_at`;

export function toJobRecord<P = unknown>(row: Record<string, unknown>): JobRecord<P> {
  return {
    id: Number(row.id), namespaceId: (row.namespace_id as string | null) ?? null, kind: row.kind as string, payload: row.payload as P,
    singletonKey: (row.singleton_key as string | null) ?? null, state: row.state as JobState, priority: Number(row.priority),
    runAt: row.run_at as Date, attempts: Number(row.attempts), maxAttempts: Number(row.max_attempts), cancelRequested: Boolean(row.cancel_requested),
    progress: row.progress ?? null, result: row.result ?? null, lastError: (row.last_error as string | null) ?? null,
    createdBy: (row.created_by as string | null) ?? null, createdAt: row.created_at as Date,
    startedAt: (row.started_at as Date | null) ?? null, finishedAt: (row.finished_at as Date | null) ?? null,
  };
}

/** The handlers by kind, shared by the queue (for `settled` on cancel) and the runner. */
export type HandlerRegistry = ReadonlyMap<string, JobHandler<never>>;

export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * The queue side of the job runner: what services call, inside their own transactions. Enqueuing
 * in the caller's transaction makes "create the import row and its job" atomic; the runner wakes
 * when the transaction has committed (`notify`).
 *
 * Every read and change by a service names its namespace: a job of another namespace is "not found".
 *
 * @example
 * const { job } = await jobs.enqueue(tx, { kind: 'import', namespaceId, payload: { importId }, maxAttempts: 5 });
 */
export class JobQueue {
  constructor(
    private readonly handlers: HandlerRegistry = new Map(),
    /** Called after an enqueue, so a local runner polls at once instead of at its next tick. */
    private readonly notify: () => void = () => undefined,
  ) {}

  /** Enqueues a job; with a singleton key that is already active, returns the active job instead. */
  async enqueue<P>(sql: Sql, spec: JobSpec<P>): Promise<{ job: JobRecord<P>; created: boolean }> {
    const maxAttempts = spec.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await sql.one(
        `insert into job (namespace_id, kind, payload, singleton_key, run_at, priority, max_attempts, created_by)
         values ($1, $2, $3::jsonb, $4, coalesce($5::timestamptz, now()), $6, $7, $8)
         on conflict (singleton_key) where state in ('queued', 'running') do nothing
         returning ${JOB_COLUMNS}`,
        [spec.namespaceId ?? null, spec.kind, JSON.stringify(spec.payload ?? {}), spec.singletonKey ?? null, spec.runAt ?? null, spec.priority ?? 0, maxAttempts, spec.createdBy ?? null],
      );
      if (inserted) {
        this.notify();
        return { job: toJobRecord<P>(inserted), created: true };
      }
      const active = spec.namespaceId
        ? await sql.one(`select ${JOB_COLUMNS} from job where namespace_id = $1 and singleton_key = $2 and state in ('queued', 'running')`, [spec.namespaceId, spec.singletonKey])
        : await sql.one(`-- all namespaces: system jobs have no namespace
            select ${JOB_COLUMNS} from job where namespace_id is null and singleton_key = $1 and state in ('queued', 'running')`, [spec.singletonKey]);
      if (active) return { job: toJobRecord<P>(active), created: false };
      // The active job finished between the two statements (or the key is another namespace's): try again.
    }
    throw new Error(`could not enqueue a ${spec.kind} job with singleton key ${spec.singletonKey}`);
  }

  /** A job of the namespace, or undefined. */
  async get<P = unknown>(sql: Sql, namespaceId: string, id: number): Promise<JobRecord<P> | undefined> {
    const row = await sql.one(`select ${JOB_COLUMNS} from job where namespace_id = $1 and id = $2`, [namespaceId, id]);
    return row ? toJobRecord<P>(row) : undefined;
  }

  /** Jobs of one kind in a namespace, newest first, after the job ID `beforeId` (0: from the newest). */
  async list<P = unknown>(sql: Sql, namespaceId: string, kind: string, limit: number, beforeId = 0): Promise<JobRecord<P>[]> {
    const rows = await sql.rows(
      `select ${JOB_COLUMNS} from job where namespace_id = $1 and kind = $2 and ($3 = 0 or id < $3) order by id desc limit $4`,
      [namespaceId, kind, beforeId, limit],
    );
    return rows.map((r) => toJobRecord<P>(r));
  }

  /**
   * Cancels a job of the namespace. A queued job is cancelled at once (and its handler's `settled`
   * runs in the same transaction); a running one is asked to stop, and its worker stops it at the
   * next batch boundary, in whichever process runs it. A finished job is returned unchanged.
   */
  async cancel<P = unknown>(sql: Sql, namespaceId: string, id: number): Promise<JobRecord<P> | undefined> {
    return sql.transaction(async (tx) => {
      const row = await tx.one(`select ${JOB_COLUMNS} from job where namespace_id = $1 and id = $2 for update`, [namespaceId, id]);
      if (!row) return undefined;
      const job = toJobRecord<P>(row);
      if (job.state === 'queued') return this.finish(tx, job, { state: 'cancelled' });
      if (job.state !== 'running') return job;
      const updated = await tx.one(`update job set cancel_requested = true, updated_at = now() where namespace_id = $1 and id = $2 returning ${JOB_COLUMNS}`, [namespaceId, id]);
      return toJobRecord<P>(updated!);
    });
  }

  /**
   * Records a terminal state and runs the handler's `settled` hook, in the caller's transaction.
   * Used by `cancel` and by the runner.
   */
  async finish<P>(tx: Sql, job: JobRecord<P>, outcome: JobOutcome): Promise<JobRecord<P>> {
    const row = await tx.one(
      `-- all namespaces: records the end of a job the caller has locked, by job ID
       update job set state = $2, result = $3::jsonb, last_error = $4, run_token = null, locked_by = null,
         cancel_requested = false, finished_at = now(), updated_at = now()
       where id = $1 returning ${JOB_COLUMNS}`,
      [job.id, outcome.state, outcome.state === 'succeeded' ? JSON.stringify(outcome.result ?? null) : null, outcome.state === 'failed' ? outcome.error : null],
    );
    const finished = toJobRecord<P>(row!);
    const handler = this.handlers.get(job.kind) as JobHandler<P> | undefined;
    await handler?.settled?.(tx, finished, outcome);
    return finished;
  }
}
