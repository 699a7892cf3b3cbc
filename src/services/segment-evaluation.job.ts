import { NamespaceRow } from '../db/entities';
import { AppError } from '../domain/errors';
import { JobFailure, type JobHandler } from '../jobs';
import { createRequestServices, type ProcessServices } from './index';
import { evaluationScheduleName, SEGMENT_EVALUATION_JOB } from './segment-changes.service';

/** Who a periodic evaluation acts as, in audit columns. */
export const EVALUATION_ACTOR = 'job:segment-evaluation';

/**
 * The periodic segment evaluation (`segment.evaluate`, payload `{ segmentId }`), enqueued by the
 * segment's schedule (`scheduleSegmentEvaluation`). It evaluates at the instant it runs, inside the
 * job's fenced transaction; a segment that was deleted stops its own schedule.
 */
export function segmentEvaluationJob(shared: ProcessServices): JobHandler<{ segmentId?: unknown }> {
  return {
    kind: SEGMENT_EVALUATION_JOB,
    concurrency: 1,
    async run(ctx) {
      const namespaceId = ctx.job.namespaceId;
      const segmentId = typeof ctx.job.payload?.segmentId === 'string' ? ctx.job.payload.segmentId : null;
      if (!namespaceId || !segmentId) throw new JobFailure('A segment evaluation needs a namespace and a segmentId.');
      const namespace = await ctx.sql.em.fork().findOne(NamespaceRow, { id: namespaceId });
      if (!namespace) throw new JobFailure(`Namespace ${namespaceId} does not exist.`);
      const tenant = { id: namespace.id, slug: namespace.slug, defaultRegion: namespace.defaultRegion };
      try {
        const evaluation = await ctx.transaction((tx) =>
          createRequestServices({ sql: tx, tenant, role: 'CLIENT_ADMIN', actor: EVALUATION_ACTOR }, shared).changes.evaluate(segmentId, new Date()),
        );
        return { asOf: evaluation.asOf.toISOString(), members: evaluation.memberCount, entered: evaluation.enteredCount, left: evaluation.leftCount };
      } catch (error) {
        if (error instanceof AppError && error.code === 'NOT_FOUND') {
          await shared.schedules.remove(ctx.sql, namespaceId, evaluationScheduleName(namespaceId, segmentId));
          throw new JobFailure(`Segment ${segmentId} no longer exists; its evaluation schedule was removed.`);
        }
        if (error instanceof AppError) throw new JobFailure(error.message);
        throw error;
      }
    },
  };
}
