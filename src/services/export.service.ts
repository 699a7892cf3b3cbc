import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { copyOptions, exportStatement, writeExportPages, type ExportFormat } from '../db/export.sql';
import type { Sql } from '../db/sql';
import { writeChunk } from '../db/stream-sink';
import { csvRecord } from '../domain/csv';
import { AppError } from '../domain/errors';
import type { ExportColumn } from '../domain/export-columns';
import type { CustomFieldService } from './custom-field.service';
import { resolveExportColumns } from './export-columns';
import type { ExportMonitor } from './export-monitor';
import { ExportSources, type ExportSourceInput, type ResolvedSource } from './export-sources';
import { requirePermission, type Scope } from './scope';
import type { SegmentService } from './segment.service';

export type FormulaHandling = 'ESCAPE' | 'KEEP';

export interface ExportRequest {
  readonly source: ExportSourceInput;
  /** The instant relative operators measure from; the export has exactly `count(asOf)` rows. */
  readonly asOf: Date;
  readonly format: ExportFormat;
  /** Column names (`email`, `custom.tier`); all exportable columns when omitted. */
  readonly columns?: readonly string[] | null;
  /** CSV only: ESCAPE (default) prefixes free text that spreadsheets would run as a formula with `'`; KEEP writes values exactly. */
  readonly formulas?: FormulaHandling | null;
}

export interface ExportProgress {
  /** Rows written so far (on PostgreSQL's COPY path known only at the end). */
  readonly rows: number | null;
  /** Bytes written so far, before any compression. */
  readonly bytes: number;
}

/** A checked export, ready to write: everything that can be wrong with the request was found before the first byte. */
export class PreparedExport {
  constructor(
    private readonly sql: Sql,
    private readonly monitor: ExportMonitor,
    private readonly namespaceId: string,
    readonly source: ResolvedSource,
    readonly columns: readonly ExportColumn[],
    readonly format: ExportFormat,
    readonly asOf: Date,
    readonly formulas: FormulaHandling,
    private readonly paged: boolean,
  ) {}

  get contentType(): string {
    return this.format === 'CSV' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
  }

  get extension(): 'csv' | 'jsonl' {
    return this.format === 'CSV' ? 'csv' : 'jsonl';
  }

  /** The CSV header line (the column names), or nothing for JSON Lines. */
  header(): string {
    return this.format === 'CSV' ? csvRecord(this.columns.map((c) => c.name)) : '';
  }

  /**
   * Writes the header and every member into `sink`, with backpressure, and ends it. Resolves with
   * the rows written. If the sink closes early, the query is cancelled and this rejects.
   */
  async writeTo(sink: Writable, onProgress: (progress: ExportProgress) => void = () => undefined, id?: string): Promise<number> {
    const options = { columns: this.columns, format: this.format, escapeFormulas: this.formulas === 'ESCAPE' };
    const running = this.monitor.start(this.namespaceId, this.source.label, id);
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        running.bytes += chunk.length;
        done(null, chunk);
      },
    });
    const piped = pipeline(counter, sink);
    try {
      const header = this.header();
      if (header) await writeChunk(counter, header);
      let rows: number;
      if (this.paged) {
        rows = await writeExportPages(this.sql, this.source.predicate, options, counter, (n) => {
          running.rows = n;
          onProgress({ rows: n, bytes: running.bytes });
        });
        counter.end();
      } else {
        rows = await this.sql.copyOut(exportStatement(this.source.predicate, options), copyOptions(this.format), counter);
      }
      await piped;
      running.rows = rows;
      onProgress({ rows, bytes: running.bytes });
      return rows;
    } catch (error) {
      counter.destroy(error as Error);
      await piped.catch(() => undefined);
      throw error;
    } finally {
      this.monitor.finish(running.id);
    }
  }
}

/**
 * Audience exports: a saved segment or a definition (or another registered source) at `asOf`, as
 * CSV or JSON Lines, with chosen columns. The rows are the source's own compiled predicate, so an
 * export of a segment has exactly `count(asOf)` rows. Dimensions are never columns
 * (`isExportable`). On a PostgreSQL server the rows stream through `COPY … TO STDOUT`; on
 * embedded PGlite through keyset pages. Either way memory stays bounded.
 */
export class ExportService {
  readonly sources: ExportSources;

  constructor(
    private readonly scope: Scope,
    segments: SegmentService,
    private readonly customFields: CustomFieldService,
    private readonly monitor: ExportMonitor,
  ) {
    this.sources = new ExportSources(segments);
  }

  async prepare(request: ExportRequest, options: { paged?: boolean } = {}): Promise<PreparedExport> {
    requirePermission(this.scope, 'exports:run', 'export audiences');
    if (!(request.asOf instanceof Date) || Number.isNaN(request.asOf.getTime())) throw AppError.invalid(['asOf'], 'must be an ISO 8601 instant, e.g. 2026-11-28T00:00:00Z');
    if (request.format !== 'CSV' && request.format !== 'JSONL') throw AppError.invalid(['format'], `must be CSV or JSONL (got ${JSON.stringify(request.format)})`);
    if (request.formulas && request.formulas !== 'ESCAPE' && request.formulas !== 'KEEP') throw AppError.invalid(['formulas'], `must be ESCAPE or KEEP (got ${JSON.stringify(request.formulas)})`);
    if (request.format === 'JSONL' && request.formulas === 'ESCAPE') throw AppError.invalid(['formulas'], 'applies to CSV only: JSON Lines values are always exact');
    const columns = resolveExportColumns(request.columns, await this.customFields.list());
    const source = await this.sources.resolve(request.source, request.asOf);
    const paged = options.paged ?? (await this.scope.sql.embedded());
    return new PreparedExport(this.scope.sql, this.monitor, this.scope.tenant.id, source, columns, request.format, request.asOf, request.format === 'CSV' ? (request.formulas ?? 'ESCAPE') : 'KEEP', paged);
  }
}
