import type { Sql } from './sql';

export type ExportJobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'EXPIRED' | 'CANCELLED';

/** One export job's row (`audience_export`): what was asked, how far it got, and its file. */
export interface ExportJobRecord {
  readonly id: string;
  readonly jobId: number | null;
  readonly segmentId: string;
  readonly format: 'CSV' | 'JSONL';
  readonly gzip: boolean;
  readonly asOf: Date;
  /** The columns asked for; null for all exportable columns. */
  readonly columns: readonly string[] | null;
  readonly formulas: 'ESCAPE' | 'KEEP';
  readonly status: ExportJobStatus;
  readonly rows: number | null;
  readonly bytes: number | null;
  /** Why it failed, as users may read it (never SQL). */
  readonly error: string | null;
  /** The finished file, while it may be downloaded. */
  readonly filePath: string | null;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly expiresAt: Date | null;
}

export type ExportJobInsert = Pick<ExportJobRecord, 'id' | 'segmentId' | 'format' | 'gzip' | 'asOf' | 'columns' | 'formulas' | 'createdBy'>;

const FORGOTTEN_DURING_RUN = 'A person was forgotten while this export was written, so its file was deleted; create a new export.';
const FORGOTTEN_AFTER = 'A person was forgotten after this export was written, so its file was deleted; create a new export.';

const COLUMNS = `id, job_id as "jobId", segment_id as "segmentId", format, gzip, as_of as "asOf", columns, formulas, status,
  row_count as "rows", byte_count as "bytes", error, file_path as "filePath", created_by as "createdBy", created_at as "createdAt",
  started_at as "startedAt", finished_at as "finishedAt", expires_at as "expiresAt"`;

function date(value: unknown): Date | null {
  return value === null || value === undefined ? null : new Date(value as string | Date);
}

function toRecord(row: Record<string, unknown>): ExportJobRecord {
  return {
    ...(row as unknown as ExportJobRecord),
    jobId: row.jobId === null ? null : Number(row.jobId),
    rows: row.rows === null ? null : Number(row.rows),
    bytes: row.bytes === null ? null : Number(row.bytes),
    asOf: new Date(row.asOf as string | Date),
    createdAt: new Date(row.createdAt as string | Date),
    startedAt: date(row.startedAt),
    finishedAt: date(row.finishedAt),
    expiresAt: date(row.expiresAt),
  };
}

/** Reads and writes of export jobs, every statement scoped to one namespace. */
export class ExportJobRepository {
  constructor(
    private readonly sql: Sql,
    private readonly namespaceId: string,
  ) {}

  async insert(row: ExportJobInsert): Promise<ExportJobRecord> {
    const inserted = await this.sql.one(
      `insert into audience_export (namespace_id, id, segment_id, format, gzip, as_of, columns, formulas, created_by)
       values ($1, $2, $3, $4, $5, $6::timestamptz, $7::jsonb, $8, $9)
       returning ${COLUMNS}`,
      [this.namespaceId, row.id, row.segmentId, row.format, row.gzip, row.asOf, row.columns === null ? null : JSON.stringify(row.columns), row.formulas, row.createdBy],
    );
    return toRecord(inserted!);
  }

  async setJob(id: string, jobId: number): Promise<ExportJobRecord> {
    const row = await this.sql.one(`update audience_export set job_id = $3 where namespace_id = $1 and id = $2 returning ${COLUMNS}`, [this.namespaceId, id, jobId]);
    return toRecord(row!);
  }

  async get(id: string): Promise<ExportJobRecord | undefined> {
    const row = await this.sql.one(`select ${COLUMNS} from audience_export where namespace_id = $1 and id = $2`, [this.namespaceId, id]);
    return row ? toRecord(row) : undefined;
  }

  /** Newest first, after the (createdAt, id) position. */
  async page(after: { createdAt: Date; id: string } | null, limit: number): Promise<ExportJobRecord[]> {
    const rows = await this.sql.rows(
      `select ${COLUMNS} from audience_export
       where namespace_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2::timestamptz, $3::text))
       order by created_at desc, id desc limit $4`,
      [this.namespaceId, after?.createdAt ?? null, after?.id ?? '', limit],
    );
    return rows.map(toRecord);
  }

  /** A run starts (again, after a crash): RUNNING, no counts yet. */
  async started(id: string): Promise<void> {
    await this.sql.execute(
      `update audience_export set status = 'RUNNING', started_at = now(), row_count = null, byte_count = null, error = null, forgotten_during_run = false
       where namespace_id = $1 and id = $2 and status in ('QUEUED', 'RUNNING')`,
      [this.namespaceId, id],
    );
  }

  /**
   * The job succeeded: the file is complete at `filePath` and may be downloaded until `expiresAt`;
   * unless a person was forgotten while it ran (the file may hold them), then it is EXPIRED at once
   * and the sweep deletes the file.
   */
  async succeeded(id: string, result: { rows: number; bytes: number; filePath: string }, ttlMs: number): Promise<boolean> {
    const updated = await this.sql.execute(
      `update audience_export set row_count = $3, byte_count = $4, file_path = $5, finished_at = now(),
         status = case when forgotten_during_run then 'EXPIRED' else 'SUCCEEDED' end,
         error = case when forgotten_during_run then $7 end,
         expires_at = case when forgotten_during_run then now() else now() + make_interval(secs => $6::double precision / 1000) end
       where namespace_id = $1 and id = $2 and status <> 'CANCELLED'`,
      [this.namespaceId, id, result.rows, result.bytes, result.filePath, ttlMs, FORGOTTEN_DURING_RUN],
    );
    return updated > 0;
  }

  async failed(id: string, error: string): Promise<void> {
    await this.sql.execute(
      `update audience_export set status = 'FAILED', error = $3, file_path = null, finished_at = now() where namespace_id = $1 and id = $2 and status <> 'CANCELLED'`,
      [this.namespaceId, id, error],
    );
  }

  /** A QUEUED or RUNNING export is CANCELLED (it will have no file); undefined when it was in another state. */
  async cancelled(id: string, error: string): Promise<ExportJobRecord | undefined> {
    const row = await this.sql.one(
      `update audience_export set status = 'CANCELLED', error = $3, file_path = null, finished_at = now()
       where namespace_id = $1 and id = $2 and status in ('QUEUED', 'RUNNING')
       returning ${COLUMNS}`,
      [this.namespaceId, id, error],
    );
    return row ? toRecord(row) : undefined;
  }

  /**
   * A person was forgotten (in the caller's transaction): every finished file of the namespace may
   * hold them, so each becomes EXPIRED at once (the sweep deletes the files), and every export that
   * is running is marked, so that it ends EXPIRED rather than SUCCEEDED. A run that starts after
   * this commits clears the mark (`started`): its rows are read after the person is gone.
   */
  async personForgotten(): Promise<number> {
    return this.sql.execute(
      `update audience_export set
         status = case when status = 'SUCCEEDED' then 'EXPIRED' else status end,
         expires_at = case when status = 'SUCCEEDED' then least(expires_at, now()) else expires_at end,
         error = case when status = 'SUCCEEDED' then $2 else error end,
         forgotten_during_run = status in ('QUEUED', 'RUNNING')
       where namespace_id = $1 and status in ('QUEUED', 'RUNNING', 'SUCCEEDED')`,
      [this.namespaceId, FORGOTTEN_AFTER],
    );
  }

  /**
   * The expiry sweep's first step in this namespace: every SUCCEEDED export past `expires_at`
   * becomes EXPIRED (no download starts from here on); then the files of EXPIRED exports not yet
   * deleted are returned, for deletion.
   */
  async expireDue(limit: number): Promise<{ id: string; filePath: string }[]> {
    await this.sql.execute(`update audience_export set status = 'EXPIRED' where namespace_id = $1 and status = 'SUCCEEDED' and expires_at <= now()`, [this.namespaceId]);
    return this.sql.rows<{ id: string; filePath: string }>(
      `select id, file_path as "filePath" from audience_export where namespace_id = $1 and status = 'EXPIRED' and file_path is not null order by expires_at limit $2`,
      [this.namespaceId, limit],
    );
  }

  /** The file is deleted: the row stays, EXPIRED, without a path. */
  async fileDeleted(id: string): Promise<void> {
    await this.sql.execute(`update audience_export set status = 'EXPIRED', file_path = null where namespace_id = $1 and id = $2 and status in ('SUCCEEDED', 'EXPIRED')`, [this.namespaceId, id]);
  }
}

/** The namespaces, for system jobs that visit each in turn (every statement stays scoped to one). */
export async function namespaceIds(sql: Sql): Promise<string[]> {
  return (await sql.rows<{ id: string }>(`select id from namespace order by id`, [])).map((r) => r.id);
}
