import { parse, type Parser } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { ImportRepository, ZERO_COUNTS, type ImportCounts, type ImportRecord, type RejectionRow } from '../../db/import.repository';
import type { Sql } from '../../db/sql';
import { mapRecord, resolveColumns, type ColumnTarget } from '../../domain/import-mapping';
import { textProblem } from '../../domain/storable-text';
import { JobFailure, type JobContext } from '../../jobs';
import { importKind, PROFILE_STATISTICS, type KindContext, type ParsedRow, type RowOutcome, type RowProblem } from './import-kinds';

/** Rows checked between two turns of the event loop (see `yieldToIo`). */
const YIELD_EVERY_ROWS = 64;

/** What a run checkpoints after each batch: the data rows done, and the totals so far. */
export interface ImportCheckpoint {
  readonly rowsDone: number;
  readonly counts: ImportCounts;
}

export interface PipelineOptions {
  /** Data rows applied per transaction. */
  readonly batchRows: number;
}

/** Thrown inside a dry run's transaction so that it rolls back; carries the batch's outcomes out. */
class DryRunRollback extends Error {
  constructor(readonly outcomes: RowOutcome[]) {
    super('dry run: rolled back');
  }
}

interface PendingRow {
  readonly number: number;
  readonly record: readonly string[];
  readonly parsed: ParsedRow<unknown> | undefined;
  readonly problems: readonly RowProblem[];
}

/** Replaces what the database cannot store (NUL, lone surrogates), so a rejected row can still be kept for the error file. */
function storable(value: string): string {
  // eslint-disable-next-line no-control-regex -- NUL is exactly what must go
  return textProblem(value) ? value.replace(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD') : value;
}

export function describeProblems(problems: readonly RowProblem[]): string {
  return problems.map((p) => (p.column === null ? p.message : `${p.column}: ${p.message}`)).join('; ');
}

/**
 * Runs one import: streams the file through csv-parse, maps the header, checks each row, and
 * applies the rows in batches, each in one transaction together with its rejected rows, the
 * import's counters and the job's checkpoint. A crash loses at most the batch in flight, which the
 * resumed run applies again from the checkpoint; a dry run rolls every batch back.
 */
export async function runImport(ctx: JobContext<{ importId: number }>, record: ImportRecord, kindContext: KindContext, filePath: string, options: PipelineOptions): Promise<ImportCounts> {
  const kind = importKind(record.kind);
  if (!kind) throw new JobFailure(`the import kind ${record.kind} is not known to this server`);
  const ns = kindContext.scope.tenant.id;
  const statistics = kind.statistics ?? PROFILE_STATISTICS;
  const checkpoint = (ctx.resumed ? (ctx.job.progress as ImportCheckpoint | null) : null) ?? { rowsDone: 0, counts: ZERO_COUNTS };
  let counts: ImportCounts = checkpoint.counts;

  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const parser: Parser = parse({ bom: true, delimiter: record.delimiter, relax_column_count: true, skip_empty_lines: true, skip_records_with_error: true });
  const skipped: { line: number; message: string }[] = [];
  parser.on('skip', (error: Error & { lines?: number }) => skipped.push({ line: error.lines ?? 0, message: error.message }));
  const source = createReadStream(filePath);
  source.pipe(counter).pipe(parser);
  const abort = () => source.destroy();
  ctx.signal.addEventListener('abort', abort);

  let headers: string[] | undefined;
  let columns: readonly ColumnTarget[] = [];
  let rowNumber = 0;
  let pending: PendingRow[] = [];
  let batchesApplied = 0;
  /** Dry run: what earlier (rolled back) batches would have created. */
  const wouldCreate = new Set<string>();

  /** Records csv-parse could not read (an unclosed quote, …) are rejected rows of their own, in file order. */
  const drainSkipped = () => {
    while (skipped.length) {
      const bad = skipped.shift()!;
      rowNumber++;
      if (rowNumber > checkpoint.rowsDone) pending.push({ number: rowNumber, record: [], parsed: undefined, problems: [{ column: null, message: `is not valid CSV near line ${bad.line}: ${bad.message}` }] });
    }
  };

  const apply = async (batch: readonly PendingRow[], bytesRead: number) => {
    ctx.throwIfAborted();
    const toApply = batch.filter((r) => r.parsed);
    const work = async (tx: Sql) => kind.apply(tx, toApply.map((r) => r.parsed!), kindContext);
    let applied: RowOutcome[];
    if (record.dryRun) {
      const outcomes = await ctx.sql
        .transaction(async (tx) => {
          throw new DryRunRollback(await work(tx));
        })
        .catch((error: unknown) => {
          if (error instanceof DryRunRollback) return error.outcomes;
          throw error;
        });
      applied = outcomes.map((o, i) => {
        const row = toApply[i]!.parsed!;
        if (o !== 'created') return o;
        if (wouldCreate.has(row.key)) return row.repeat;
        wouldCreate.add(row.key);
        return o;
      });
    }
    // The checkpoint is read when the work has run (it commits in the same transaction): fill it in there.
    const progress: { rowsDone: number; counts: ImportCounts } = { rowsDone: batch.at(-1)!.number, counts };
    await ctx.transaction(
      async (tx) => {
        if (!record.dryRun) applied = await work(tx);
        const outcomes = new Map<number, RowOutcome>();
        toApply.forEach((r, i) => outcomes.set(r.number, applied[i]!));
        const rejections: RejectionRow[] = [];
        const next = { ...counts, rowsRead: counts.rowsRead + batch.length, bytesProcessed: bytesRead };
        for (const row of batch) {
          const outcome: RowOutcome = row.parsed ? outcomes.get(row.number)! : { rejected: row.problems };
          if (outcome === 'created') next.rowsCreated++;
          else if (outcome === 'updated') next.rowsUpdated++;
          else if (outcome === 'unchanged') next.rowsUnchanged++;
          else {
            next.rowsRejected++;
            rejections.push({ rowNumber: row.number, fields: row.record.map(storable), column: outcome.rejected[0]?.column ?? null, error: storable(describeProblems(outcome.rejected)) });
          }
        }
        const repo = new ImportRepository(tx, ns);
        await repo.reject(record.id, rejections);
        await repo.progress(record.id, next);
        progress.counts = next;
      },
      { progress },
    );
    counts = progress.counts;
    batchesApplied++;
    // The planner estimates a namespace's rows from the last ANALYZE: a file import into a new (or
    // small) namespace outgrows that at once, and the plans made for "one row" loop over the rows
    // committed by earlier batches for each staged row (issue 7's bench: the third 20,000-row batch
    // ran past the statement timeout). Refreshed after batch 1, 2, 4, 8, …: a few ANALYZEs a run.
    if (!record.dryRun && (batchesApplied & (batchesApplied - 1)) === 0) await ctx.sql.execute(`analyze ${statistics.join(', ')}`);
  };

  // Two stages: the database applies batch n while this process reads and checks batch n+1 (the
  // statements wait on the server, the checks on this process's CPU). Batches still apply one at a
  // time and in order, so the checkpoints are those of a sequential run; at most two batches are
  // held in memory.
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async () => {
    const batch = pending;
    pending = [];
    await inFlight;
    if (batch.length === 0) return;
    inFlight = apply(batch, bytes);
    inFlight.catch(() => undefined); // awaited by the next flush (or at the end); not unhandled meanwhile
  };
  /** Lets the database's replies in while rows are checked, so the batch in flight is not held up by the one being read. */
  let sinceYield = 0;
  const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

  try {
    for await (const raw of parser as AsyncIterable<string[]>) {
      if (!headers) {
        headers = raw.map((h) => h.trim());
        const unstorable = headers.flatMap((h, i) => {
          const problem = textProblem(h);
          return problem ? [`column ${i + 1} of the header ${problem}`] : [];
        });
        if (unstorable.length) throw new JobFailure(`the header cannot be read: ${unstorable.join('; ')}`);
        const resolved = resolveColumns(headers, record.mapping, kind.columns, new Set(kindContext.customFields.keys()));
        if (!resolved.ok) throw new JobFailure(resolved.message);
        columns = resolved.columns;
        await ctx.transaction((tx) => new ImportRepository(tx, ns).started(record.id, headers!, resolved.unknown));
        continue;
      }
      drainSkipped();
      rowNumber++;
      if (rowNumber <= checkpoint.rowsDone) continue;
      pending.push(checkRow(rowNumber, raw, headers, columns, kind, kindContext));
      if (pending.length >= options.batchRows) await flush();
      // Counted here rather than in an async helper: a promise per row costs more than the check.
      if (++sinceYield >= YIELD_EVERY_ROWS) {
        sinceYield = 0;
        await yieldToIo();
      }
    }
    if (!headers) throw new JobFailure('the file is empty: it has no header row');
    drainSkipped();
    await flush();
    await inFlight;
    // The refreshes above read only the columns a batch's plans use. Once the rows are in, every
    // column (and every custom-field expression index) gets statistics, for the segments over them:
    // PGlite has no autovacuum to do it later, and PostgreSQL's would only after its threshold.
    if (!record.dryRun && batchesApplied > 0) await ctx.sql.execute(`analyze ${[...new Set(statistics.map((s) => s.split(' ')[0]!))].join(', ')}`);
  } catch (error) {
    // Never leave a batch running behind a failure: it settles before the job does.
    await inFlight.catch(() => undefined);
    if ((error as { code?: string }).code?.startsWith('CSV_')) throw new JobFailure(`the file is not valid CSV: ${(error as Error).message}`);
    throw error;
  } finally {
    ctx.signal.removeEventListener('abort', abort);
    source.destroy();
  }
  ctx.throwIfAborted();
  return counts;
}

function checkRow(number: number, raw: string[], headers: readonly string[], columns: readonly ColumnTarget[], kind: NonNullable<ReturnType<typeof importKind>>, ctx: KindContext): PendingRow {
  if (raw.length !== headers.length) {
    return { number, record: raw, parsed: undefined, problems: [{ column: null, message: `has ${raw.length} fields; the header has ${headers.length}` }] };
  }
  const parsed = kind.parse(mapRecord(raw, headers, columns), ctx);
  return parsed.ok ? { number, record: raw, parsed: parsed.value, problems: [] } : { number, record: raw, parsed: undefined, problems: parsed.problems };
}
