import type { JobHandler } from '../../../src/jobs';

export interface SteppingPayload {
  readonly steps: number;
  /** Stop and wait (until aborted) once this many steps are committed: a job caught mid-way. */
  readonly pauseAt?: number;
}

/**
 * A job of numbered steps: each step inserts one row into job_test_step and checkpoints the next
 * step number in the same transaction, as an import batch does. A run resumes from the checkpoint,
 * so a correct runner applies each step exactly once, however often the job is interrupted.
 */
export function steppingHandler(kind = 'test.steps', options: { delayMs?: number; concurrency?: number; onStep?: (jobId: number, committed: number) => void } = {}): JobHandler<SteppingPayload> {
  return {
    kind,
    concurrency: options.concurrency ?? 2,
    async run(ctx) {
      let step = typeof ctx.job.progress === 'number' ? ctx.job.progress : 0;
      while (step < ctx.job.payload.steps) {
        if (ctx.job.payload.pauseAt !== undefined && step >= ctx.job.payload.pauseAt && !ctx.resumed) {
          await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
        }
        ctx.throwIfAborted();
        const current = step;
        await ctx.transaction((tx) => tx.execute(`insert into job_test_step (job_id, step) values ($1, $2)`, [ctx.job.id, current]), { progress: current + 1 });
        step = current + 1;
        options.onStep?.(ctx.job.id, step);
        if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      }
      return { steps: step, resumed: ctx.resumed };
    },
  };
}
