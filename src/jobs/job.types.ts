import type { Sql } from '../db/sql';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** The terminal states: a job in one of them never runs again. */
export const FINISHED_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];

/** One row of the `job` table, as handlers and services see it. */
export interface JobRecord<P = unknown> {
  readonly id: number;
  /** The namespace the job works for; null for system jobs (such as file expiry). */
  readonly namespaceId: string | null;
  readonly kind: string;
  readonly payload: P;
  readonly singletonKey: string | null;
  readonly state: JobState;
  readonly priority: number;
  readonly runAt: Date;
  /** How many times a worker has started this job (a crash counts; a clean shutdown does not). */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly cancelRequested: boolean;
  /** What the handler last checkpointed (`ctx.transaction(work, { progress })`); null before. */
  readonly progress: unknown;
  readonly result: unknown;
  readonly lastError: string | null;
  readonly createdBy: string | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

/** What to enqueue. */
export interface JobSpec<P = unknown> {
  readonly kind: string;
  readonly namespaceId?: string | null;
  readonly payload?: P;
  /**
   * At most one job with this key is queued or running at a time, across processes. Enqueuing
   * another while one is active returns the active one (`created: false`).
   */
  readonly singletonKey?: string | null;
  /** Not before this instant (default: now). */
  readonly runAt?: Date | null;
  /** Higher runs first (default 0). */
  readonly priority?: number;
  /** Starts allowed, crashes included, before the job fails (default 3). */
  readonly maxAttempts?: number;
  readonly createdBy?: string | null;
}

/** How a job ended, passed to `JobHandler.settled`. */
export type JobOutcome =
  | { readonly state: 'succeeded'; readonly result: unknown }
  | { readonly state: 'failed'; readonly error: string }
  | { readonly state: 'cancelled' };

/** Why a running job's signal was aborted. */
export type AbortReason = 'cancelled' | 'shutdown' | 'lost';

/** What a handler gets for one run of a job. */
export interface JobContext<P = unknown> {
  readonly job: JobRecord<P>;
  /** True when an earlier run of this job started (it crashed, or the process stopped): resume from `job.progress`. */
  readonly resumed: boolean;
  /**
   * Aborted when the job is cancelled, the process shuts down, or this run lost its claim. Check it
   * between batches (`throwIfAborted()`); whatever the handler committed through `transaction` stays.
   */
  readonly signal: AbortSignal;
  /** A SQL runner on its own EntityManager fork (outside any transaction). */
  readonly sql: Sql;
  /**
   * Runs `work` in a transaction that commits only while this run still owns the job (a fencing
   * check on the job's run token), and records `progress` in the same transaction. A batch and its
   * checkpoint are applied together or not at all, so a crash never leaves a half-applied batch.
   */
  transaction<T>(work: (tx: Sql) => Promise<T>, options?: { readonly progress?: unknown }): Promise<T>;
  /** Throws a `JobAborted` when the signal is aborted. */
  throwIfAborted(): void;
}

/**
 * The code that runs one kind of job. Register it with `JobRunner.register` before `start()`.
 *
 * @example
 * runner.register<{ path: string }>({
 *   kind: 'export',
 *   concurrency: 1,
 *   maxAttempts: 5,
 *   async run(ctx) {
 *     for (const batch of batches(ctx.job.progress)) {
 *       ctx.throwIfAborted();
 *       await ctx.transaction((tx) => writeBatch(tx, batch), { progress: batch.next });
 *     }
 *     return { rows: 1234 };
 *   },
 *   async settled(tx, job, outcome) { await markExport(tx, job.id, outcome.state); },
 * });
 */
export interface JobHandler<P = unknown> {
  readonly kind: string;
  /** How many jobs of this kind one process runs at a time (default 1). */
  readonly concurrency?: number;
  /** The returned value is stored as the job's `result`. */
  run(ctx: JobContext<P>): Promise<unknown>;
  /**
   * Called in the transaction that records a terminal state, whoever records it: the worker after
   * `run`, `cancel()` of a queued job, or a worker that finds a job out of attempts. Keep a
   * job-specific status table in step here.
   */
  settled?(tx: Sql, job: JobRecord<P>, outcome: JobOutcome): Promise<void>;
}

/** Thrown by `throwIfAborted` and by a transaction whose run lost the job. */
export class JobAborted extends Error {
  constructor(readonly reason: AbortReason) {
    super(`job run aborted (${reason})`);
    this.name = 'JobAborted';
  }
}

/**
 * A failure that retrying cannot fix (a bad file, a missing column): the job fails at once with
 * this message, which is shown to users. Any other error is retried up to `maxAttempts`, and
 * users see only "internal error" (the detail goes to the log).
 */
export class JobFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobFailure';
  }
}
