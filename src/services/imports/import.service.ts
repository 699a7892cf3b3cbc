import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ImportRepository, type ImportRecord, type RejectionRow } from '../../db/import.repository';
import { csvRecord } from '../../domain/csv';
import { AppError } from '../../domain/errors';
import { mappingProblems, type ImportMapping } from '../../domain/import-mapping';
import { textInputProblems } from '../../domain/storable-text';
import type { JobQueue } from '../../jobs';
import type { CustomFieldService } from '../custom-field.service';
import { inTransaction, requirePermission, type Scope } from '../scope';
import { importKind, importKindNames } from './import-kinds';

/** Where uploaded files go and how imports run; from the configuration (IMPORT_DIR, IMPORT_MAX_BYTES, IMPORT_BATCH_ROWS). */
export interface ImportSettings {
  readonly dir: string;
  readonly maxBytes: number;
  readonly batchRows: number;
}

export interface ImportOptions {
  readonly delimiter?: string | null;
  readonly dryRun?: boolean | null;
  /** The name of the file, for people reading the job list. */
  readonly fileName?: string | null;
}

export const IMPORT_JOB_KIND = 'import';
export const MAX_IMPORT_PAGE = 100;
const DELIMITERS = [',', ';', '\t', '|'];

/** A file of this size was refused; the HTTP layer answers 413. */
export class FileTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The file is larger than ${limit} bytes, the limit of this server (IMPORT_MAX_BYTES).`);
    this.name = 'FileTooLargeError';
  }
}

/** The stored file of an import, below the import directory: one folder per namespace. */
export function importFilePath(settings: ImportSettings, namespaceId: string, importId: number): string {
  return join(settings.dir, namespaceId, `${importId}.csv`);
}

/**
 * File imports as a data team runs them: create the import (kind, mapping, options), upload its
 * file as a streamed body, and the job runner applies it (src/services/imports/import-job.ts).
 * Every read and change is sealed to the scope's namespace.
 */
export class ImportService {
  constructor(
    private readonly scope: Scope,
    private readonly customFields: CustomFieldService,
    private readonly jobs: JobQueue,
    private readonly settings: ImportSettings,
  ) {}

  private repository(sql = this.scope.sql): ImportRepository {
    return new ImportRepository(sql, this.scope.tenant.id);
  }

  async create(kindName: string, mapping: ImportMapping | null | undefined, options: ImportOptions = {}): Promise<ImportRecord> {
    requirePermission(this.scope, 'imports:run', 'start imports');
    const kind = importKind(kindName);
    if (!kind) throw AppError.invalid(['kind'], `${JSON.stringify(kindName)} is not a kind of import; use one of ${importKindNames().join(', ')}`);
    if (kind.permission) requirePermission(this.scope, kind.permission, `start ${kind.name} imports`);
    const delimiter = options.delimiter ?? ',';
    if (!DELIMITERS.includes(delimiter)) {
      throw AppError.invalid(['options', 'delimiter'], `${JSON.stringify(delimiter)} is not accepted; use one of ${DELIMITERS.map((d) => JSON.stringify(d)).join(', ')} (tab is "\\t")`);
    }
    const checked = mapping ?? {};
    if (typeof checked !== 'object' || Array.isArray(checked) || Object.values(checked).some((v) => v !== null && typeof v !== 'string')) {
      throw AppError.invalid(['mapping'], 'must be an object of header name → field name (a string, or null to ignore the column)');
    }
    const unstorable = textInputProblems([
      ...Object.entries(checked).flatMap(([k, v]) => [[['mapping', k], k] as const, [['mapping', k], v] as const]),
      [['options', 'fileName'], options.fileName],
    ]);
    if (unstorable.length) throw AppError.invalidMany(unstorable);
    const problems = mappingProblems(checked, kind.columns, new Set((await this.customFields.types()).keys()));
    if (problems.length) throw AppError.invalidMany(problems.map((message) => ({ path: ['mapping'], message })));
    const fileName = options.fileName?.trim().slice(0, 255) || null;
    return this.repository().create({ kind: kind.name, mapping: checked, delimiter, dryRun: options.dryRun ?? false, fileName, createdBy: this.scope.actor });
  }

  async get(id: number): Promise<ImportRecord> {
    requirePermission(this.scope, 'read', 'read imports');
    const found = await this.repository().get(id);
    if (!found) throw AppError.notFound('Import', String(id));
    return found;
  }

  async page(first: number, beforeId: number): Promise<{ imports: ImportRecord[]; hasMore: boolean }> {
    requirePermission(this.scope, 'read', 'read imports');
    if (!Number.isInteger(first) || first < 1 || first > MAX_IMPORT_PAGE) throw AppError.invalid(['first'], `must be a whole number from 1 to ${MAX_IMPORT_PAGE} (got ${first})`);
    const rows = await this.repository().page(beforeId, first + 1);
    return { imports: rows.slice(0, first), hasMore: rows.length > first };
  }

  /**
   * Stores the uploaded file (streamed to disk, never held in memory, at most `maxBytes`) and
   * queues the import's job. The file is written beside its final name and renamed when complete,
   * so a cut upload never leaves a partial file to import.
   */
  async receiveFile(id: number, body: Readable, declaredBytes: number | null): Promise<ImportRecord> {
    requirePermission(this.scope, 'imports:run', 'upload import files');
    const current = await this.get(id);
    if (current.status !== 'AWAITING_FILE') throw AppError.conflict(`Import ${id} already has its file (it is ${current.status}); create a new import to upload another file.`);
    if (declaredBytes !== null && declaredBytes > this.settings.maxBytes) throw new FileTooLargeError(this.settings.maxBytes);
    const path = importFilePath(this.settings, this.scope.tenant.id, id);
    const partial = `${path}.${process.pid}.${Date.now()}.part`;
    await mkdir(dirname(path), { recursive: true });
    let bytes = 0;
    const limit = this.settings.maxBytes;
    try {
      await pipeline(
        body,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            bytes += chunk.length;
            if (bytes > limit) throw new FileTooLargeError(limit);
            yield chunk;
          }
        },
        createWriteStream(partial),
      );
      return await inTransaction(this.scope, async (tx) => {
        const repo = this.repository(tx);
        const locked = await repo.get(id, true);
        if (locked?.status !== 'AWAITING_FILE') throw AppError.conflict(`Import ${id} received another file meanwhile.`);
        await rename(partial, path);
        const { job } = await this.jobs.enqueue(tx, { kind: IMPORT_JOB_KIND, namespaceId: this.scope.tenant.id, payload: { importId: id }, maxAttempts: 5, createdBy: this.scope.actor });
        await repo.fileReceived(id, path, bytes, job.id);
        return (await repo.get(id))!;
      });
    } finally {
      await rm(partial, { force: true });
    }
  }

  /** Cancels an import: at once while it waits for its file or in the queue, at the next batch boundary while it runs. */
  async cancel(id: number): Promise<ImportRecord> {
    requirePermission(this.scope, 'imports:run', 'cancel imports');
    const current = await this.get(id);
    if (current.status === 'AWAITING_FILE') {
      await inTransaction(this.scope, async (tx) => {
        const locked = await this.repository(tx).get(id, true);
        if (locked?.status === 'AWAITING_FILE') await this.repository(tx).finished(id, 'CANCELLED', null);
      });
    } else if (current.jobId !== null && (current.status === 'QUEUED' || current.status === 'RUNNING')) {
      await this.jobs.cancel(this.scope.sql, this.scope.tenant.id, current.jobId);
    }
    return this.get(id);
  }

  /** A page of an import's rejected rows, in row order. */
  async rejections(id: number, first: number, afterRow: number): Promise<{ rows: RejectionRow[]; hasMore: boolean }> {
    await this.get(id);
    if (!Number.isInteger(first) || first < 1 || first > 1000) throw AppError.invalid(['first'], `must be a whole number from 1 to 1000 (got ${first})`);
    const rows = await this.repository().rejections(id, afterRow, first + 1);
    return { rows: rows.slice(0, first), hasMore: rows.length > first };
  }

  /**
   * The rejected rows as CSV: the file's header plus `error`, then each rejected row as it was read
   * plus its problems. Checks access before the first byte; `write` is then called page by page.
   */
  async errorsCsv(id: number): Promise<{ record: ImportRecord; writeTo(sink: Writable): Promise<number> }> {
    const record = await this.get(id);
    const repo = this.repository();
    return {
      record,
      writeTo: async (sink) => {
        const write = (text: string) => (sink.write(text) ? Promise.resolve() : new Promise<void>((resolve) => sink.once('drain', () => resolve())));
        const width = record.headers?.length ?? 0;
        await write(csvRecord([...(record.headers ?? []), 'error'].map((v) => (v === '' ? null : v))));
        let after = 0;
        let total = 0;
        for (;;) {
          const rows = await repo.rejections(id, after, 1000);
          // Empty cells are written bare (as a spreadsheet writes them), not as quoted empty strings.
          for (const r of rows) await write(csvRecord([...r.fields, ...Array<string>(Math.max(0, width - r.fields.length)).fill(''), r.error].map((v) => (v === '' ? null : v))));
          total += rows.length;
          if (rows.length < 1000) break;
          after = rows.at(-1)!.rowNumber;
        }
        return total;
      },
    };
  }
}
