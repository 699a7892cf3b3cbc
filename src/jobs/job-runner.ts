import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database } from '../db/database';
import { Sql } from '../db/sql';
import { AppError } from '../domain/errors';
import { checkpoint, claimReady, heartbeat, lockOwned, release, requeueOrphans, type Claimed } from './job-claims';
import { JobQueue } from './job-queue';
import { JobSchedules } from './job-schedules';
import { JobAborted, JobFailure, type AbortReason, type JobContext, type JobHandler, type JobOutcome } from './job.types';
import { EmbeddedLockSession, ServerLockSession, type LockSession } from './lock-session';

export interface JobLogger {
  info(message: string): void;
  error(message: string, detail?: unknown): void;
}

export interface JobRunnerOptions {
  /** Names this process in `job.locked_by` (default host:pid:random). */
  readonly workerId?: string;
  /** How often to look for ready jobs and due schedules, in ms (default 1000). An enqueue in this process wakes the runner at once. */
  readonly pollIntervalMs?: number;
  /** How often a running job renews its claim and checks for a cancel request, in ms (default 1000). */
  readonly heartbeatMs?: number;
  /** How often to look for jobs orphaned by a dead process, in ms (default 5000; also once at start). */
  readonly orphanScanMs?: number;
  /** Jobs this process runs at once, all kinds together (default 4). */
  readonly concurrency?: number;
  /** How long `stop()` waits for running jobs to reach a batch boundary, in ms (default 15000). */
  readonly shutdownGraceMs?: number;
  /** Delay before retrying a job whose run failed unexpectedly (default 5 s × 4^(attempt−1), at most 10 min). */
  readonly retryDelayMs?: (attempt: number) => number;
  readonly logger?: JobLogger;
}

interface Run {
  readonly claimed: Claimed;
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

const quiet: JobLogger = { info: () => undefined, error: () => undefined };

/**
 * Retry delays that start at `firstMs` and grow 4× per attempt, at most 10 minutes.
 *
 * @example retryDelays(5_000)(3) // 80_000
 */
export function retryDelays(firstMs: number): (attempt: number) => number {
  return (attempt) => Math.min(firstMs * 4 ** (attempt - 1), 600_000);
}

/**
 * The one background job runner (see src/jobs/README.md). Database-backed: jobs and schedules are
 * rows, so they survive restarts and are shared by every API process on one PostgreSQL.
 *
 * - Claims: `FOR UPDATE SKIP LOCKED`, plus a session advisory lock held for the whole run, so a
 *   job runs in one process at a time and a dead process's jobs are found and resumed at once.
 * - Writes of a run are fenced by its run token (`ctx.transaction`): a run that lost its claim
 *   cannot commit.
 * - Shutdown (`stop()`): running jobs are asked to stop at their next batch boundary and go back
 *   to the queue without using up an attempt.
 *
 * @example
 * const runner = await JobRunner.create(db, { logger });
 * runner.register(importHandler);
 * runner.start();
 * await runner.queue.enqueue(sql, { kind: 'import', namespaceId, payload: { importId } });
 * await runner.stop();
 */
export class JobRunner {
  readonly queue: JobQueue;
  readonly schedules: JobSchedules;
  readonly workerId: string;
  private readonly handlers = new Map<string, JobHandler<never>>();
  private readonly running = new Map<number, Run>();
  private readonly sql: Sql;
  private readonly options: Required<Omit<JobRunnerOptions, 'workerId' | 'logger'>>;
  private readonly logger: JobLogger;
  private started = false;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private again = false;
  private lastOrphanScan = 0;

  private constructor(
    private readonly db: Database,
    private locks: LockSession,
    options: JobRunnerOptions,
  ) {
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.logger = options.logger ?? quiet;
    this.options = {
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      heartbeatMs: options.heartbeatMs ?? 1000,
      orphanScanMs: options.orphanScanMs ?? 5000,
      concurrency: options.concurrency ?? 4,
      shutdownGraceMs: options.shutdownGraceMs ?? 15_000,
      retryDelayMs: options.retryDelayMs ?? retryDelays(5_000),
    };
    this.sql = new Sql(db.orm.em.fork());
    this.queue = new JobQueue(this.handlers, () => this.wake());
    this.schedules = new JobSchedules(this.queue);
  }

  /** A runner on the database: its lock session is a dedicated connection on PostgreSQL, the one session on PGlite. */
  static async create(db: Database, options: JobRunnerOptions = {}): Promise<JobRunner> {
    return new JobRunner(db, await openLocks(db), options);
  }

  /** Registers the handler of one job kind; only registered kinds are claimed by this process. */
  register<P>(handler: JobHandler<P>): this {
    if (this.handlers.has(handler.kind)) throw new Error(`a handler for job kind ${handler.kind} is already registered`);
    this.handlers.set(handler.kind, handler as JobHandler<never>);
    return this;
  }

  /** Starts polling. Orphans of a previous process are looked for at once. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.wake();
  }

  /** Polls now (after an enqueue, or when a slot frees up). */
  wake(): void {
    if (!this.started || this.stopping) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.ticking = this.tick()
      .catch((error: unknown) => this.logger.error('job runner: poll failed', error))
      .finally(() => {
        this.ticking = undefined;
        if (this.stopping) return;
        if (this.again) {
          this.again = false;
          this.wake();
        } else {
          this.timer = setTimeout(() => this.wake(), this.options.pollIntervalMs);
        }
      });
  }

  /** The IDs of the jobs running in this process. */
  get runningJobIds(): number[] {
    return [...this.running.keys()];
  }

  /** Stops polling, asks running jobs to stop at their next batch boundary, waits for them (up to the grace time) and closes the lock session. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.timer);
    await this.ticking;
    for (const run of this.running.values()) run.controller.abort('shutdown' satisfies AbortReason);
    const all = Promise.allSettled([...this.running.values()].map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise((resolve) => (timer = setTimeout(resolve, this.options.shutdownGraceMs)))]);
    clearTimeout(timer);
    if (this.running.size) this.logger.error(`job runner: ${this.running.size} job(s) did not stop within ${this.options.shutdownGraceMs} ms; they resume at the next start`);
    await this.locks.close();
  }

  private async tick(): Promise<void> {
    if (!this.locks.healthy) await this.reconnect();
    await this.schedules.tick(this.sql);
    const kinds = [...this.handlers.keys()];
    if (Date.now() - this.lastOrphanScan >= this.options.orphanScanMs) {
      this.lastOrphanScan = Date.now();
      const requeued = await requeueOrphans(this.sql, this.locks, this.queue, kinds, this.runningJobIds);
      if (requeued) this.logger.info(`job runner: resuming ${requeued} job(s) whose process stopped`);
    }
    const free = new Map<string, number>();
    for (const [kind, handler] of this.handlers) {
      const busy = [...this.running.values()].filter((r) => r.claimed.job.kind === kind).length;
      free.set(kind, (handler.concurrency ?? 1) - busy);
    }
    const claimed = await claimReady(this.sql, this.locks, this.workerId, free, this.options.concurrency - this.running.size);
    for (const c of claimed) this.launch(c);
  }

  /** The lock connection failed: every lock is gone, so every running job must stop; then connect again. */
  private async reconnect(): Promise<void> {
    for (const run of this.running.values()) run.controller.abort('lost' satisfies AbortReason);
    await this.locks.close();
    this.locks = await openLocks(this.db);
    this.logger.error('job runner: the lock connection was lost; running jobs were stopped and will resume');
  }

  private launch(claimed: Claimed): void {
    const controller = new AbortController();
    const done = this.execute(claimed, controller)
      .catch((error: unknown) => this.logger.error(`job runner: job ${claimed.job.id} could not be recorded`, error))
      .finally(async () => {
        this.running.delete(claimed.job.id);
        await this.locks.unlock(claimed.job.id).catch(() => undefined);
        this.wake();
      });
    this.running.set(claimed.job.id, { claimed, controller, done });
  }

  private async execute(claimed: Claimed, controller: AbortController): Promise<void> {
    const handler = this.handlers.get(claimed.job.kind)!;
    const sql = new Sql(this.db.orm.em.fork());
    const signal = controller.signal;
    const abortReason = () => signal.reason as AbortReason;
    const ctx: JobContext<never> = {
      job: claimed.job as JobContext<never>['job'],
      resumed: claimed.resumed,
      signal,
      sql,
      throwIfAborted: () => {
        if (signal.aborted) throw new JobAborted(abortReason());
      },
      transaction: (work, options) =>
        sql.transaction(async (tx) => {
          const result = await work(tx);
          if (!(await checkpoint(tx, claimed, options?.progress, options !== undefined && 'progress' in options))) throw new JobAborted('lost');
          return result;
        }),
    };
    const beat = setInterval(() => {
      if (!this.locks.healthy) return controller.abort('lost' satisfies AbortReason);
      heartbeat(this.sql, claimed)
        .then((state) => {
          if (!state.owned) controller.abort('lost' satisfies AbortReason);
          else if (state.cancelRequested) controller.abort('cancelled' satisfies AbortReason);
        })
        .catch((error: unknown) => this.logger.error(`job runner: heartbeat of job ${claimed.job.id} failed`, error));
    }, this.options.heartbeatMs);

    let outcome: { kind: 'done'; result: unknown } | { kind: 'error'; error: unknown };
    try {
      outcome = { kind: 'done', result: await handler.run(ctx) };
    } catch (error) {
      outcome = { kind: 'error', error };
    } finally {
      clearInterval(beat);
    }
    await this.record(claimed, outcome, signal.aborted ? abortReason() : undefined);
  }

  /** Records how a run ended, in one transaction with the handler's `settled` hook. */
  private async record(claimed: Claimed, outcome: { kind: 'done'; result: unknown } | { kind: 'error'; error: unknown }, aborted: AbortReason | undefined): Promise<void> {
    const { job } = claimed;
    const error = outcome.kind === 'error' ? outcome.error : undefined;
    const reason = error instanceof JobAborted ? error.reason : outcome.kind === 'error' ? aborted : undefined;
    if (reason === 'lost') {
      this.logger.error(`job runner: job ${job.id} (${job.kind}) lost its claim; another worker resumes it`);
      return;
    }
    await this.sql.transaction(async (tx) => {
      const current = await lockOwned(tx, claimed);
      if (!current) return;
      if (reason === 'shutdown') {
        await release(tx, claimed, { delayMs: 0, countAttempt: false, error: null });
        return;
      }
      let final: JobOutcome;
      if (outcome.kind === 'done') final = { state: 'succeeded', result: outcome.result };
      else if (reason === 'cancelled') final = { state: 'cancelled' };
      else if (error instanceof JobFailure || error instanceof AppError) final = { state: 'failed', error: error.message };
      else {
        this.logger.error(`job runner: job ${job.id} (${job.kind}) failed on attempt ${current.attempts} of ${current.maxAttempts}`, error);
        const message = `internal error on attempt ${current.attempts} of ${current.maxAttempts}; the detail is in the server log`;
        if (current.attempts < current.maxAttempts) {
          await release(tx, claimed, { delayMs: this.options.retryDelayMs(current.attempts), countAttempt: true, error: `${message}; it will be retried` });
          return;
        }
        final = { state: 'failed', error: message };
      }
      await this.queue.finish(tx, current, final);
    });
  }
}

async function openLocks(db: Database): Promise<LockSession> {
  return db.target.kind === 'postgres' ? ServerLockSession.connect(db.target.url) : new EmbeddedLockSession(new Sql(db.orm.em.fork()));
}
