import type { ImportStatus } from '../domain/import-status';
import type { Sql } from './sql';

export type { ImportStatus };

/** One import as stored. */
export interface ImportRecord {
  readonly id: number;
  readonly kind: string;
  readonly status: ImportStatus;
  readonly mapping: Readonly<Record<string, string | null>>;
  readonly delimiter: string;
  readonly dryRun: boolean;
  readonly jobId: number | null;
  readonly fileName: string | null;
  readonly filePath: string | null;
  readonly bytesTotal: number | null;
  readonly bytesProcessed: number;
  readonly rowsRead: number;
  readonly rowsCreated: number;
  readonly rowsUpdated: number;
  readonly rowsUnchanged: number;
  readonly rowsRejected: number;
  readonly headers: readonly string[] | null;
  readonly unknownColumns: readonly string[];
  readonly error: string | null;
  readonly createdBy: string | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

/** The counters a batch adds to, and a run checkpoints. */
export interface ImportCounts {
  readonly rowsRead: number;
  readonly rowsCreated: number;
  readonly rowsUpdated: number;
  readonly rowsUnchanged: number;
  readonly rowsRejected: number;
  readonly bytesProcessed: number;
}

export const ZERO_COUNTS: ImportCounts = { rowsRead: 0, rowsCreated: 0, rowsUpdated: 0, rowsUnchanged: 0, rowsRejected: 0, bytesProcessed: 0 };

export interface RejectionRow {
  readonly rowNumber: number;
  readonly fields: readonly string[];
  /** The header of the first column at fault; null for a problem with the whole row. */
  readonly column: string | null;
  readonly error: string;
}

const COLUMNS = `id, kind, status, mapping, delimiter, dry_run, job_id, file_name, file_path, bytes_total, bytes_processed,
  rows_read, rows_created, rows_updated, rows_unchanged, rows_rejected, headers, unknown_columns, error, created_by,
  created_at, started_at, finished_at`;

function toRecord(r: Record<string, unknown>): ImportRecord {
  return {
    id: Number(r.id), kind: r.kind as string, status: r.status as ImportStatus, mapping: (r.mapping ?? {}) as Record<string, string | null>,
    delimiter: r.delimiter as string, dryRun: Boolean(r.dry_run), jobId: r.job_id === null ? null : Number(r.job_id),
    fileName: (r.file_name as string | null) ?? null, filePath: (r.file_path as string | null) ?? null,
    bytesTotal: r.bytes_total === null ? null : Number(r.bytes_total), bytesProcessed: Number(r.bytes_processed),
    rowsRead: Number(r.rows_read), rowsCreated: Number(r.rows_created), rowsUpdated: Number(r.rows_updated),
    rowsUnchanged: Number(r.rows_unchanged), rowsRejected: Number(r.rows_rejected),
    headers: (r.headers as string[] | null) ?? null, unknownColumns: (r.unknown_columns as string[] | null) ?? [],
    error: (r.error as string | null) ?? null, createdBy: (r.created_by as string | null) ?? null,
    createdAt: r.created_at as Date, startedAt: (r.started_at as Date | null) ?? null, finishedAt: (r.finished_at as Date | null) ?? null,
  };
}

/** Reads and writes of imports, always within one namespace. */
export class ImportRepository {
  constructor(
    private readonly sql: Sql,
    private readonly namespaceId: string,
  ) {}

  async create(spec: { kind: string; mapping: Record<string, string | null>; delimiter: string; dryRun: boolean; fileName: string | null; createdBy: string }): Promise<ImportRecord> {
    const row = await this.sql.one(
      `insert into import (namespace_id, kind, mapping, delimiter, dry_run, file_name, created_by)
       values ($1, $2, $3::jsonb, $4, $5, $6, $7) returning ${COLUMNS}`,
      [this.namespaceId, spec.kind, JSON.stringify(spec.mapping), spec.delimiter, spec.dryRun, spec.fileName, spec.createdBy],
    );
    return toRecord(row!);
  }

  async get(id: number, forUpdate = false): Promise<ImportRecord | undefined> {
    const row = await this.sql.one(`select ${COLUMNS} from import where namespace_id = $1 and id = $2${forUpdate ? ' for update' : ''}`, [this.namespaceId, id]);
    return row ? toRecord(row) : undefined;
  }

  /** Newest first, after the import ID `beforeId` (0: from the newest). */
  async page(beforeId: number, limit: number): Promise<ImportRecord[]> {
    const rows = await this.sql.rows(
      `select ${COLUMNS} from import where namespace_id = $1 and ($2 = 0 or id < $2) order by id desc limit $3`,
      [this.namespaceId, beforeId, limit],
    );
    return rows.map(toRecord);
  }

  /** The file has arrived: record it and the job that applies it. */
  async fileReceived(id: number, filePath: string, bytes: number, jobId: number): Promise<void> {
    await this.sql.execute(
      `update import set file_path = $3, bytes_total = $4, job_id = $5, status = 'QUEUED', updated_at = now()
       where namespace_id = $1 and id = $2`,
      [this.namespaceId, id, filePath, bytes, jobId],
    );
  }

  async started(id: number, headers: readonly string[], unknownColumns: readonly string[]): Promise<void> {
    await this.sql.execute(
      `update import set status = 'RUNNING', headers = $3, unknown_columns = $4, started_at = coalesce(started_at, now()), updated_at = now()
       where namespace_id = $1 and id = $2`,
      [this.namespaceId, id, headers, unknownColumns],
    );
  }

  /** Sets the counters to a checkpoint (the totals so far, not a delta: a resumed run sets the same values again). */
  async progress(id: number, counts: ImportCounts): Promise<void> {
    await this.sql.execute(
      `update import set rows_read = $3, rows_created = $4, rows_updated = $5, rows_unchanged = $6, rows_rejected = $7,
         bytes_processed = $8, updated_at = now()
       where namespace_id = $1 and id = $2`,
      [this.namespaceId, id, counts.rowsRead, counts.rowsCreated, counts.rowsUpdated, counts.rowsUnchanged, counts.rowsRejected, counts.bytesProcessed],
    );
  }

  async finished(id: number, status: Exclude<ImportStatus, 'AWAITING_FILE' | 'QUEUED' | 'RUNNING'>, error: string | null): Promise<void> {
    await this.sql.execute(
      `update import set status = $3, error = $4, finished_at = now(), updated_at = now() where namespace_id = $1 and id = $2`,
      [this.namespaceId, id, status, error],
    );
  }

  /** Records rejected rows; a row already recorded (a resumed batch) is kept as it was. */
  async reject(importId: number, rows: readonly RejectionRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.sql.execute(
      `insert into import_rejection (namespace_id, import_id, row_number, fields, error_column, error)
       select $1, $2, x.row_number, array(select jsonb_array_elements_text(x.fields)), x.error_column, x.error
       from jsonb_to_recordset($3::jsonb) as x(row_number int, fields jsonb, error_column text, error text)
       on conflict (import_id, row_number) do nothing`,
      [this.namespaceId, importId, JSON.stringify(rows.map((r) => ({ row_number: r.rowNumber, fields: r.fields, error_column: r.column, error: r.error })))],
    );
  }

  /** A page of rejected rows in row order, after `afterRow`. */
  async rejections(importId: number, afterRow: number, limit: number): Promise<RejectionRow[]> {
    const rows = await this.sql.rows<{ row_number: number; fields: string[]; error_column: string | null; error: string }>(
      `select row_number, fields, error_column, error from import_rejection
       where namespace_id = $1 and import_id = $2 and row_number > $3 order by row_number limit $4`,
      [this.namespaceId, importId, afterRow, limit],
    );
    return rows.map((r) => ({ rowNumber: Number(r.row_number), fields: r.fields, column: r.error_column, error: r.error }));
  }
}

/**
 * Fingerprints of profiles (their stored values and phones, not their timestamps), to tell an
 * update from a write that changed nothing: taken before and after a batch is applied.
 */
export async function profileFingerprints(sql: Sql, namespaceId: string, profileIds: readonly number[]): Promise<Map<number, string>> {
  if (profileIds.length === 0) return new Map();
  const rows = await sql.rows<{ id: number; fp: string }>(
    `select p.id, md5(concat_ws('|', p.email, p.first_name, p.last_name, p.birthday_day, p.birthday_month, p.custom::text,
        p.email_status, p.last_purchase_date,
        (select string_agg(pp.phone || ':' || pp.sms_status, ',' order by pp.phone) from profile_phone pp
         where pp.namespace_id = $1 and pp.profile_id = p.id))) as fp
     from profile p where p.namespace_id = $1 and p.id = any($2::bigint[])`,
    [namespaceId, [...new Set(profileIds)]],
  );
  return new Map(rows.map((r) => [Number(r.id), r.fp]));
}

/** The profiles a batch names, before it is applied: by normalized email, and by phone. */
export async function profilesNamed(sql: Sql, namespaceId: string, emails: readonly string[], phones: readonly string[]): Promise<number[]> {
  if (emails.length === 0 && phones.length === 0) return [];
  const rows = await sql.rows<{ id: number }>(
    `select p.id from profile p where p.namespace_id = $1 and p.email_normalized = any($2::text[])
     union
     select pp.profile_id as id from profile_phone pp where pp.namespace_id = $1 and pp.phone = any($3::text[])`,
    [namespaceId, emails, phones],
  );
  return rows.map((r) => Number(r.id));
}
