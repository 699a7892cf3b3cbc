import { MembershipRepository, type EvaluationRecord, type MembershipChangeRecord } from '../db/membership.sql';
import { AppError } from '../domain/errors';
import { WebhookRepository } from '../db/webhook.sql';
import type { JobQueue, JobSchedules, ScheduleRecord } from '../jobs';
import { WEBHOOK_DELIVERY_JOB } from './webhook.service';
import { inTransaction, requirePermission, type Scope } from './scope';
import { MAX_SEGMENT_PAGE, type SegmentService } from './segment.service';

/** The job kind of a periodic segment evaluation; its payload is `{ segmentId }`. */
export const SEGMENT_EVALUATION_JOB = 'segment.evaluate';

/** Intervals a periodic evaluation may run at, in minutes: each maps to one cron expression. */
export const EVALUATION_INTERVALS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 120, 180, 240, 360, 480, 720, 1440] as const;

function cronFor(minutes: number): string {
  if (minutes < 60) return `*/${minutes} * * * *`;
  if (minutes === 1440) return '0 0 * * *';
  return minutes === 60 ? '0 * * * *' : `0 */${minutes / 60} * * *`;
}

export interface EvaluationSchedule {
  readonly segmentId: string;
  readonly everyMinutes: number;
  readonly cron: string;
  readonly nextRunAt: Date | null;
}

/** The schedule's name, also the singleton key of its jobs: one evaluation of a segment at a time. */
export function evaluationScheduleName(namespaceId: string, segmentId: string): string {
  return `segment-eval:${namespaceId}:${segmentId}`;
}

/**
 * Membership changes of saved segments: an evaluation (on demand, or periodic through the job
 * runner's schedules) stores the difference between the last stored membership and the members
 * now, in one set-based statement; `changes(since, until)` reads who entered and who left from
 * those stored evaluations. Relative-date segments change with time alone: an evaluation at a later
 * `asOf` captures that without any data change.
 */
export class SegmentChangesService {
  constructor(
    private readonly scope: Scope,
    private readonly segments: SegmentService,
    private readonly schedules: JobSchedules,
    private readonly jobs: JobQueue,
  ) {}

  private repo(sql = this.scope.sql): MembershipRepository {
    return new MembershipRepository(sql, this.scope.tenant.id);
  }

  /** Evaluates the segment at `asOf` (after the last evaluation) and stores the difference. */
  async evaluate(segmentId: string, asOf: Date): Promise<EvaluationRecord> {
    requirePermission(this.scope, 'segments:write', 'evaluate segment membership');
    if (!(asOf instanceof Date) || Number.isNaN(asOf.getTime())) throw AppError.invalid(['asOf'], 'must be an ISO 8601 instant, e.g. 2026-11-28T00:00:00Z');
    const segment = await this.segments.current(segmentId);
    const { query } = await this.segments.prepared(segment, asOf, { fresh: true });
    return inTransaction(this.scope, async (tx) => {
      const repo = this.repo(tx);
      const { exists, lastAsOf } = await repo.lockForEvaluation(segmentId);
      if (!exists) throw AppError.notFound('Segment', segmentId);
      if (lastAsOf && asOf.getTime() <= lastAsOf.getTime()) {
        throw AppError.invalid(['asOf'], `must be after the last evaluation of this segment (${lastAsOf.toISOString()}); got ${asOf.toISOString()}`);
      }
      const evaluation = await repo.evaluate(segmentId, segment.version, asOf, query.predicate);
      if (evaluation.enteredCount + evaluation.leftCount > 0) {
        // Webhook deliveries commit with the evaluation they report (one job each, retried in the job).
        const deliveries = await new WebhookRepository(tx, this.scope.tenant.id).queueDeliveries(segmentId, asOf);
        for (const deliveryId of deliveries) {
          await this.jobs.enqueue(tx, { kind: WEBHOOK_DELIVERY_JOB, namespaceId: this.scope.tenant.id, payload: { deliveryId }, maxAttempts: 1, createdBy: this.scope.actor });
        }
      }
      return evaluation;
    });
  }

  /** Who entered and who left between `since` (exclusive) and `until` (inclusive), by stored evaluations. */
  async changes(segmentId: string, since: Date, until: Date, first: number, after: { asOf: Date; profileId: number } | null): Promise<{ changes: MembershipChangeRecord[]; hasMore: boolean }> {
    requirePermission(this.scope, 'read', 'read segment changes');
    if (!Number.isInteger(first) || first < 1 || first > MAX_SEGMENT_PAGE) throw AppError.invalid(['first'], `must be a whole number from 1 to ${MAX_SEGMENT_PAGE} (got ${first})`);
    for (const [name, value] of [['since', since], ['until', until]] as const) {
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw AppError.invalid([name], 'must be an ISO 8601 instant');
    }
    if (until.getTime() < since.getTime()) throw AppError.invalid(['until'], `must not be before since (${since.toISOString()})`);
    await this.segments.get(segmentId);
    const rows = await this.repo().changes(segmentId, since, until, after, first + 1);
    return { changes: rows.slice(0, first), hasMore: rows.length > first };
  }

  async evaluations(segmentId: string, first: number): Promise<EvaluationRecord[]> {
    requirePermission(this.scope, 'read', 'read segment evaluations');
    if (!Number.isInteger(first) || first < 1 || first > MAX_SEGMENT_PAGE) throw AppError.invalid(['first'], `must be a whole number from 1 to ${MAX_SEGMENT_PAGE} (got ${first})`);
    await this.segments.get(segmentId);
    return this.repo().evaluations(segmentId, first);
  }

  /** Evaluates the segment every `everyMinutes` through the job runner; null stops it. */
  async schedule(segmentId: string, everyMinutes: number | null): Promise<EvaluationSchedule | null> {
    requirePermission(this.scope, 'segments:write', 'schedule segment evaluations');
    await this.segments.get(segmentId);
    const name = evaluationScheduleName(this.scope.tenant.id, segmentId);
    if (everyMinutes === null) {
      await this.schedules.remove(this.scope.sql, this.scope.tenant.id, name);
      return null;
    }
    if (!(EVALUATION_INTERVALS as readonly number[]).includes(everyMinutes)) {
      throw AppError.invalid(['everyMinutes'], `must be one of ${EVALUATION_INTERVALS.join(', ')} (got ${everyMinutes})`);
    }
    const cron = cronFor(everyMinutes);
    const record = await this.schedules.upsert(this.scope.sql, { name, namespaceId: this.scope.tenant.id, kind: SEGMENT_EVALUATION_JOB, payload: { segmentId }, cron });
    return toSchedule(segmentId, record);
  }

  async scheduleOf(segmentId: string): Promise<EvaluationSchedule | null> {
    requirePermission(this.scope, 'read', 'read segment schedules');
    const record = await this.schedules.get(this.scope.sql, this.scope.tenant.id, evaluationScheduleName(this.scope.tenant.id, segmentId));
    return record ? toSchedule(segmentId, record) : null;
  }
}

function toSchedule(segmentId: string, record: ScheduleRecord): EvaluationSchedule {
  const everyMinutes = EVALUATION_INTERVALS.find((m) => cronFor(m) === record.cron) ?? 0;
  return { segmentId, everyMinutes, cron: record.cron, nextRunAt: record.nextRunAt };
}
