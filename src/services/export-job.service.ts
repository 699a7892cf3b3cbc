import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ExportJobRepository, type ExportJobRecord } from '../db/export-job.sql';
import type { ExportFormat } from '../db/export.sql';
import { AppError } from '../domain/errors';
import { EXPORT_ID } from '../domain/ids';
import { requireStorableText } from '../domain/storable-text';
import type { JobQueue } from '../jobs';
import type { ExportService, FormulaHandling } from './export.service';
import { inTransaction, requirePermission, type Scope } from './scope';

/** Where export files go and how long they may be downloaded (EXPORT_DIR, EXPORT_TTL_HOURS). */
export interface ExportFileSettings {
  readonly dir: string;
  /** How long a finished file may be downloaded, in ms; then the sweep deletes it. */
  readonly ttlMs: number;
}

export interface CreateExportInput {
  readonly segmentId: string;
  readonly format: ExportFormat;
  readonly asOf: Date;
  readonly columns?: readonly string[] | null;
  readonly formulas?: FormulaHandling | null;
  readonly gzip?: boolean | null;
}

export const EXPORT_JOB_KIND = 'export';
export const EXPORT_EXPIRY_JOB_KIND = 'export.expire';
export const MAX_EXPORT_PAGE = 100;

/** The finished file of an export: one folder per namespace, named by the export's ID. */
export function exportFilePath(settings: ExportFileSettings, namespaceId: string, record: Pick<ExportJobRecord, 'id' | 'format' | 'gzip'>): string {
  return join(settings.dir, namespaceId, `${record.id}.${record.format === 'CSV' ? 'csv' : 'jsonl'}${record.gzip ? '.gz' : ''}`);
}

/** What the download route needs to send a finished file. */
export interface ExportDownload {
  readonly record: ExportJobRecord;
  readonly path: string;
  /** The file's size in bytes. */
  readonly size: number;
  readonly fileName: string;
  readonly contentType: string;
}

/**
 * Export jobs: `createExport` checks the request as a streamed export would (role, segment,
 * columns: every problem is an error now, not a failed job later), stores it and queues its job
 * in one transaction; the job (src/services/export-job.ts) writes the file through the same
 * `PreparedExport.writeTo` as the HTTP route. Downloads need `exports:run` in the same namespace;
 * an expired file is gone (410). Listing, reading and cancelling need `exports:run` too: a VIEWER
 * sees no exports, as it may not make any.
 */
export class ExportJobService {
  constructor(
    private readonly scope: Scope,
    private readonly exports: ExportService,
    private readonly jobs: JobQueue,
  ) {}

  private repository(sql = this.scope.sql): ExportJobRepository {
    return new ExportJobRepository(sql, this.scope.tenant.id);
  }

  async create(input: CreateExportInput): Promise<ExportJobRecord> {
    requirePermission(this.scope, 'exports:run', 'export audiences');
    requireStorableText((input.columns ?? []).map((c, i) => [['columns', i], c] as const));
    const prepared = await this.exports.prepare({
      source: { kind: 'segment', segmentId: input.segmentId },
      format: input.format,
      asOf: input.asOf,
      columns: input.columns ?? null,
      formulas: input.formulas ?? null,
    });
    return inTransaction(this.scope, async (tx) => {
      const repo = this.repository(tx);
      const record = await repo.insert({
        id: `exp_${randomBytes(8).toString('hex')}`,
        segmentId: input.segmentId,
        format: prepared.format,
        gzip: input.gzip ?? false,
        asOf: prepared.asOf,
        columns: input.columns ? prepared.columns.map((c) => c.name) : null,
        formulas: prepared.formulas,
        createdBy: this.scope.actor,
      });
      const { job } = await this.jobs.enqueue(tx, { kind: EXPORT_JOB_KIND, namespaceId: this.scope.tenant.id, payload: { exportId: record.id }, maxAttempts: 3, createdBy: this.scope.actor });
      return repo.setJob(record.id, job.id);
    });
  }

  async get(id: string): Promise<ExportJobRecord> {
    requirePermission(this.scope, 'exports:run', 'read exports');
    // Another shape cannot exist: NOT_FOUND without a query (a NUL never reaches SQL).
    const row = EXPORT_ID.test(id) ? await this.repository().get(id) : undefined;
    if (!row) throw AppError.notFound('Export', id);
    return row;
  }

  async page(first: number, after: { createdAt: Date; id: string } | null): Promise<{ exports: ExportJobRecord[]; hasMore: boolean }> {
    requirePermission(this.scope, 'exports:run', 'read exports');
    if (!Number.isInteger(first) || first < 1 || first > MAX_EXPORT_PAGE) throw AppError.invalid(['first'], `must be a whole number from 1 to ${MAX_EXPORT_PAGE} (got ${first})`);
    const rows = await this.repository().page(after, first + 1);
    return { exports: rows.slice(0, first), hasMore: rows.length > first };
  }

  /**
   * Cancels a QUEUED or RUNNING export (the same roles as `create`): the export is CANCELLED at once
   * and its job cancelled in the same transaction. A queued job never runs; a running one stops at
   * its next write and deletes its partial file (the job's `settled` removes any file and `.part`
   * of the export). Another namespace's export is NOT_FOUND; one in another state is a CONFLICT.
   */
  async cancel(id: string): Promise<ExportJobRecord> {
    requirePermission(this.scope, 'exports:run', 'cancel exports');
    const record = await this.get(id);
    const notCancellable = (status: string) => AppError.conflict(`Export ${JSON.stringify(id)} is ${status}; only a QUEUED or RUNNING export can be cancelled.`, { status });
    if (record.status !== 'QUEUED' && record.status !== 'RUNNING') throw notCancellable(record.status);
    return inTransaction(this.scope, async (tx) => {
      const cancelled = await this.repository(tx).cancelled(id, `cancelled by ${this.scope.actor}`);
      // It finished between the read and the update.
      if (!cancelled) throw notCancellable((await this.repository(tx).get(id))?.status ?? 'gone');
      if (cancelled.jobId !== null) await this.jobs.cancel(tx, this.scope.tenant.id, cancelled.jobId);
      return cancelled;
    });
  }

  /** A finished export's file: NOT_FOUND outside this namespace, CONFLICT before it is ready, GONE once expired. */
  async download(id: string): Promise<ExportDownload> {
    requirePermission(this.scope, 'exports:run', 'download exports');
    const record = await this.get(id);
    if (record.status === 'EXPIRED' || (record.expiresAt && record.expiresAt.getTime() <= Date.now())) {
      throw AppError.gone(record.error ?? `Export ${JSON.stringify(id)} expired at ${(record.expiresAt ?? record.finishedAt)?.toISOString() ?? 'an earlier time'} and its file was deleted; create a new export.`);
    }
    if (record.status === 'FAILED') throw AppError.conflict(`Export ${JSON.stringify(id)} failed (${record.error ?? 'no detail'}); it has no file. Create a new export.`);
    if (record.status !== 'SUCCEEDED' || !record.filePath) throw AppError.conflict(`Export ${JSON.stringify(id)} is ${record.status}; its file can be downloaded once its status is SUCCEEDED.`);
    const size = await stat(record.filePath).then((s) => s.size, () => null);
    // The sweep deleted it between the status check and here.
    if (size === null) throw AppError.gone(`Export ${JSON.stringify(id)} expired and its file was deleted; create a new export.`);
    const ext = `${record.format === 'CSV' ? 'csv' : 'jsonl'}${record.gzip ? '.gz' : ''}`;
    const stamp = record.asOf.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
    return {
      record,
      path: record.filePath,
      size,
      fileName: `${record.segmentId}-${stamp}.${ext}`,
      contentType: record.gzip ? 'application/gzip' : record.format === 'CSV' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    };
  }
}
