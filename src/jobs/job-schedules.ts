import type { Sql } from '../db/sql';
import { cronProblem, nextCronRun } from './cron';
import type { JobQueue } from './job-queue';

/** A recurring job: on each cron tick, one job of `kind` with `payload` is enqueued. */
export interface ScheduleSpec {
  /** Unique name, such as `feed:<id>`; also the singleton key of the jobs it enqueues. */
  readonly name: string;
  readonly namespaceId: string | null;
  readonly kind: string;
  readonly payload?: unknown;
  readonly cron: string;
  /** IANA zone the cron fields are read in (default UTC). */
  readonly timezone?: string;
  readonly enabled?: boolean;
  /** Starts allowed per enqueued job (default 3). */
  readonly maxAttempts?: number;
}

export interface ScheduleRecord {
  readonly name: string;
  readonly namespaceId: string | null;
  readonly kind: string;
  readonly cron: string;
  readonly timezone: string;
  readonly enabled: boolean;
  readonly nextRunAt: Date | null;
  readonly lastRunAt: Date | null;
  readonly lastJobId: number | null;
}

const COLUMNS = 'name, namespace_id, kind, payload, cron, timezone, enabled, next_run_at, last_run_at, last_job_id';

function toRecord(row: Record<string, unknown>): ScheduleRecord {
  return {
    name: row.name as string, namespaceId: (row.namespace_id as string | null) ?? null, kind: row.kind as string, cron: row.cron as string,
    timezone: row.timezone as string, enabled: Boolean(row.enabled), nextRunAt: (row.next_run_at as Date | null) ?? null,
    lastRunAt: (row.last_run_at as Date | null) ?? null, lastJobId: row.last_job_id === null ? null : Number(row.last_job_id),
  };
}

/**
 * Recurring jobs, stored in `job_schedule`. Every runner ticks the schedules on each poll; the
 * due ones are claimed with `FOR UPDATE SKIP LOCKED`, so one process enqueues each tick. A tick
 * enqueues with the schedule's name as singleton key: while the previous run is still queued or
 * running, the tick is skipped rather than stacked. After downtime a schedule runs once, not once
 * per missed tick.
 *
 * @example await schedules.upsert(tx, { name: `feed:${id}`, namespaceId, kind: 'feed-run', payload: { feedId: id }, cron: '*\/15 * * * *' })
 */
export class JobSchedules {
  constructor(private readonly queue: JobQueue) {}

  /** Creates or replaces a schedule. A bad cron expression or zone is an Error with the reason. */
  async upsert(sql: Sql, spec: ScheduleSpec): Promise<ScheduleRecord> {
    const timezone = spec.timezone ?? 'UTC';
    const problem = cronProblem(spec.cron, timezone);
    if (problem) throw new Error(problem);
    const enabled = spec.enabled ?? true;
    const next = enabled ? nextCronRun(spec.cron, timezone, new Date()) : null;
    const payload = JSON.stringify({ payload: spec.payload ?? {}, maxAttempts: spec.maxAttempts ?? null });
    const row = await sql.one(
      `insert into job_schedule (name, namespace_id, kind, payload, cron, timezone, enabled, next_run_at)
       values ($1, $2, $3, $4::jsonb, $5, $6, $7, $8)
       on conflict (name) do update set namespace_id = excluded.namespace_id, kind = excluded.kind, payload = excluded.payload,
         cron = excluded.cron, timezone = excluded.timezone, enabled = excluded.enabled, next_run_at = excluded.next_run_at, updated_at = now()
       where job_schedule.namespace_id is not distinct from excluded.namespace_id
       returning ${COLUMNS}`,
      [spec.name, spec.namespaceId, spec.kind, payload, spec.cron, timezone, enabled, next],
    );
    if (!row) throw new Error(`schedule ${spec.name} belongs to another namespace`);
    return toRecord(row);
  }

  async get(sql: Sql, namespaceId: string, name: string): Promise<ScheduleRecord | undefined> {
    const row = await sql.one(`select ${COLUMNS} from job_schedule where namespace_id = $1 and name = $2`, [namespaceId, name]);
    return row ? toRecord(row) : undefined;
  }

  async remove(sql: Sql, namespaceId: string, name: string): Promise<boolean> {
    return (await sql.execute(`delete from job_schedule where namespace_id = $1 and name = $2`, [namespaceId, name])) > 0;
  }

  /** Enqueues a job for each due schedule; returns how many jobs it created. */
  async tick(sql: Sql, limit = 20): Promise<number> {
    return sql.transaction(async (tx) => {
      const due = await tx.rows(
        `-- all namespaces: a runner enqueues the due schedules of every namespace
         select ${COLUMNS}, now() as now from job_schedule where enabled and next_run_at <= now()
         order by next_run_at limit $1 for update skip locked`,
        [limit],
      );
      let created = 0;
      for (const row of due) {
        const schedule = toRecord(row);
        const stored = row.payload as { payload: unknown; maxAttempts: number | null };
        const enqueued = await this.queue.enqueue(tx, {
          kind: schedule.kind, namespaceId: schedule.namespaceId, payload: stored.payload, singletonKey: schedule.name,
          maxAttempts: stored.maxAttempts ?? undefined, createdBy: `schedule:${schedule.name}`,
        });
        if (enqueued.created) created++;
        let next: Date | null = null;
        try {
          next = nextCronRun(schedule.cron, schedule.timezone, row.now as Date);
        } catch {
          next = null;
        }
        await tx.execute(
          `-- all namespaces: advances a due schedule, by name
           update job_schedule set next_run_at = $2, last_run_at = now(), last_job_id = $3, updated_at = now() where name = $1`,
          [schedule.name, next, enqueued.job.id],
        );
      }
      return created;
    });
  }
}
