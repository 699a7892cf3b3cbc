import { SingleBar } from 'cli-progress';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Database } from '../db/database';
import { createProcessServices } from '../services';
import { prepareCliExport, userError } from '../services/export-admin';
import { accessFor, CliError, openForCommand } from './database-access';
import type { CliIo } from './program';

export interface ExportCommandOptions {
  readonly namespace: string;
  readonly segment: string;
  /** csv or jsonl. */
  readonly format: string;
  readonly asOf?: string;
  /** Comma-separated column names. */
  readonly columns?: string;
  readonly formulas?: string;
  /** Write here (complete, or not at all) instead of stdout. */
  readonly output?: string;
  /** stderr is a terminal: draw a progress bar there. */
  readonly progress: boolean;
}

const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;

/** Counts the bytes and line ends that pass (line ends: rows, exact for JSON Lines, an estimate for CSV with multi-line values). */
function tap(): Transform & { bytes: number; lines: number } {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      counter.bytes += chunk.length;
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) counter.lines++;
      done(null, chunk);
    },
  }) as Transform & { bytes: number; lines: number };
  counter.bytes = 0;
  counter.lines = 0;
  return counter;
}

/** Sends `source` into `out` (stdout is never ended) and resolves when all of it was handed over. */
async function deliver(source: Transform, out: Writable, isStdout: boolean): Promise<void> {
  if (!isStdout) return pipeline(source, out);
  await new Promise<void>((resolvePromise, reject) => {
    out.once('error', reject);
    source.once('error', reject);
    source.once('end', resolvePromise);
    source.pipe(out, { end: false });
  });
  await new Promise<void>((done) => out.write('', () => done()));
}

/**
 * `export`: writes a saved segment's members at `asOf` to stdout (or `--output`), through the same
 * export path as the API (COPY on PostgreSQL). Nothing but the data goes to stdout: the progress
 * bar (only when stderr is a terminal), the summary and every error go to stderr. Exits 0 when the
 * export is complete, 1 otherwise (the reason on stderr; with `--output` no file is left).
 * With a server owning the embedded database, the server writes the export and this process
 * copies it out.
 */
export async function exportCommand(io: CliIo, options: ExportCommandOptions, stdout: Writable): Promise<number> {
  const config = io.config();
  const input = {
    namespace: options.namespace,
    segment: options.segment,
    format: options.format,
    asOf: options.asOf ?? null,
    columns: options.columns === undefined ? null : options.columns.split(',').map((c) => c.trim()).filter((c) => c !== ''),
    formulas: options.formulas ?? null,
  };
  const target = options.output ? resolve(options.output) : null;
  const partial = target ? `${target}.${process.pid}.${randomBytes(3).toString('hex')}.part` : null;
  const out: Writable = partial ? createWriteStream(partial) : stdout;
  const counter = tap();
  const delivered = deliver(counter, out, partial === null);
  delivered.catch(() => undefined);
  const started = Date.now();
  let rows: number;
  let asOf: string;
  try {
    const access = accessFor(config);
    if (access.kind === 'remote') {
      io.err(`The running server (process ${access.client.endpoint.pid}) owns the database; it writes the export.`);
      const file = join(tmpdir(), `audience-graph-export-${process.pid}-${randomBytes(4).toString('hex')}`);
      try {
        const reply = await access.client.call('export-file', { ...input, path: file });
        if (!reply.ok) throw new CliError(`The export failed (${reply.code}): ${reply.message}`);
        ({ rows, asOf } = reply.result as { rows: number; asOf: string });
        await pipeline(createReadStream(file), counter);
      } finally {
        await rm(file, { force: true });
      }
    } else {
      ({ rows, asOf } = await exportDirectly(io, input, counter, options.progress));
    }
    await delivered;
    if (partial && target) await rename(partial, target);
  } catch (error) {
    counter.destroy(new Error('the export stopped'));
    await delivered.catch(() => undefined);
    if (partial) await rm(partial, { force: true });
    const user = userError(error);
    if (user) throw new CliError(`The export failed (${user.code}): ${user.message}`);
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') throw new CliError(`The output was closed after ${mb(counter.bytes)}; the export is incomplete.`);
    throw error;
  }
  io.err(`Exported ${rows} rows (${mb(counter.bytes)}) of ${options.segment} at ${asOf} in ${((Date.now() - started) / 1000).toFixed(1)} s${target ? ` to ${target}` : ''}.`);
  return 0;
}

/** This process opens the database and streams the export into `sink`, with a bar on stderr when asked. */
async function exportDirectly(io: CliIo, input: Record<string, unknown>, sink: Transform & { lines: number; bytes: number }, progress: boolean): Promise<{ rows: number; asOf: string }> {
  const db = await openForCommand(io.config(), 'export');
  let bar: SingleBar | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const applied = new Set(await db.appliedMigrations());
    const pending = Database.knownMigrations().filter((m) => !applied.has(m));
    if (pending.length) throw new CliError(`The database has ${pending.length} pending migration(s): run "migrate" first.`);
    const { prepared, total } = await prepareCliExport(db.orm.em.fork(), createProcessServices(), input, progress);
    const header = prepared.format === 'CSV' ? 1 : 0;
    if (progress) {
      bar = new SingleBar({ format: ' {bar} {percentage}% | {value}/{total} rows | {mb} | ETA {eta_formatted}', hideCursor: true, stream: process.stderr });
      bar.start(total ?? 0, 0, { mb: mb(0) });
      const shown = bar;
      timer = setInterval(() => shown.update(Math.min(total ?? 0, Math.max(0, sink.lines - header)), { mb: mb(sink.bytes) }), 200);
    }
    const rows = await prepared.writeTo(sink);
    bar?.update(rows, { mb: mb(sink.bytes) });
    return { rows, asOf: prepared.asOf.toISOString() };
  } finally {
    clearInterval(timer);
    bar?.stop();
    await db.close();
  }
}
