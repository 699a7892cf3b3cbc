import { SingleBar } from 'cli-progress';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Database } from '../db/database';
import { JobRunner, retryDelays, type JobLogger } from '../jobs';
import { createProcessServices, DEFAULT_IMPORT_SETTINGS, importJobHandler } from '../services';
import { runAdminOperation, type AdminOperationName } from '../services/admin-operations';
import type { ImportSummary } from '../services/imports/import-admin';
import { accessFor, CliError, openForCommand } from './database-access';
import type { CliIo } from './program';

export interface ImportCommandOptions {
  readonly namespace: string;
  readonly kind: string;
  readonly dryRun?: boolean;
  /** JSON text or a path to a JSON file: header → field. */
  readonly mapping?: string;
  readonly delimiter?: string;
  /** Write progress as a bar (a TTY) or as plain lines. */
  readonly tty: boolean;
}

/** The exit code when the import ran but rejected rows (1 is a failure). */
export const EXIT_REJECTED = 2;

type Call = (name: AdminOperationName, input: Record<string, unknown>) => Promise<unknown>;

function parseMapping(text: string | undefined): Record<string, string | null> | undefined {
  if (text === undefined) return undefined;
  const source = text.trim().startsWith('{') ? text : readFileSync(resolve(text), 'utf8');
  try {
    return JSON.parse(source) as Record<string, string | null>;
  } catch {
    throw new CliError(`--mapping must be a JSON object such as '{"Surname": "last_name"}', or the path of a file holding one`);
  }
}

function mb(bytes: number | null): string {
  return bytes === null ? '?' : `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/**
 * `import`: runs a file import through the same service and job as the API. With a server owning
 * the embedded database, the server does the work (its admin socket; it reads the file from this
 * machine); otherwise this process opens the database and runs the job itself. Progress is a bar
 * on a TTY and plain lines otherwise. Exits 0 when every row was applied, 2 when rows were
 * rejected (their file is written beside the input), 1 when the import failed.
 */
export async function importCommand(io: CliIo, file: string, options: ImportCommandOptions): Promise<number> {
  const config = io.config();
  const path = resolve(file);
  const input = { namespace: options.namespace, kind: options.kind, mapping: parseMapping(options.mapping), delimiter: options.delimiter, dryRun: options.dryRun === true, path, fileName: file };
  const access = accessFor(config);
  if (access.kind === 'remote') {
    const call: Call = async (name, body) => {
      const reply = await access.client.call(name, body);
      if (!reply.ok) throw new CliError(`${name} failed (${reply.code}): ${reply.message}`);
      return reply.result;
    };
    io.out(`The running server (process ${access.client.endpoint.pid}) owns the database; it runs the import.`);
    return follow(io, call, input, options.tty, new AttemptLog());
  }
  const db = await openForCommand(config, 'import');
  let runner: JobRunner | undefined;
  try {
    const applied = new Set(await db.appliedMigrations());
    const pending = Database.knownMigrations().filter((m) => !applied.has(m));
    if (pending.length) throw new CliError(`The database has ${pending.length} pending migration(s): run "migrate" first.`);
    // This process is the server of its job: the reasons of failed attempts go to the terminal, not to a log.
    const attempts = new AttemptLog(io);
    runner = await JobRunner.create(db, { logger: attempts, retryDelayMs: retryDelays(config.jobRetryDelayMs ?? 5_000) });
    const shared = createProcessServices(runner, config.imports ?? DEFAULT_IMPORT_SETTINGS);
    runner.register(importJobHandler(shared.imports));
    runner.start();
    const call: Call = async (name, body) => {
      const outcome = await runAdminOperation(name, { em: db.orm.em.fork(), appliedMigrations: () => db.appliedMigrations(), keyRevoked: () => undefined, shared }, body);
      if (!outcome.ok) throw new CliError(`${name} failed (${outcome.code}): ${outcome.message}`);
      return outcome.result;
    };
    return await follow(io, call, input, options.tty, attempts);
  } finally {
    await runner?.stop();
    await db.close();
  }
}

/**
 * The job runner's log when this process runs the job: the failed attempts of the CLI's own job
 * (an internal error is retried, with the reason only in the log), printed as they happen and
 * kept for the summary. Without `io` (the server runs the job) it holds nothing.
 */
class AttemptLog implements JobLogger {
  private jobId: number | null = null;
  private readonly reasons: string[] = [];

  constructor(private readonly io?: CliIo) {}

  follow(jobId: number | null): void {
    this.jobId = jobId;
  }

  info(): void {}

  error(message: string, detail?: unknown): void {
    if (!this.io || this.jobId === null || !message.startsWith(`job runner: job ${this.jobId} `)) return;
    const reason = `${message.slice('job runner: '.length)}: ${detail instanceof Error ? detail.message.split('\n')[0] : String(detail)}`;
    this.reasons.push(reason);
    this.io.err(reason);
  }

  /** What the failed attempts reported, in order. */
  held(): readonly string[] {
    return this.reasons;
  }
}

async function follow(io: CliIo, call: Call, input: Record<string, unknown> & { namespace: string; path: string }, tty: boolean, attempts: AttemptLog): Promise<number> {
  const started = (await call('import-file', input)) as ImportSummary;
  attempts.follow(started.jobId);
  io.out(`Import ${started.id} (${started.kind}${started.dryRun ? ', dry run' : ''}): ${mb(started.bytesTotal)} queued.`);
  const bar = tty ? new SingleBar({ format: ' {bar} {percentage}% | {rows} rows | {mb} | {rate} rows/s | ETA {eta_formatted}', hideCursor: true }) : undefined;
  bar?.start(started.bytesTotal ?? 0, 0, { rows: 0, mb: mb(0), rate: 0 });
  const t0 = Date.now();
  let lastLine = 0;
  let job = started;
  for (;;) {
    job = (await call('import-status', { namespace: input.namespace, id: started.id })) as ImportSummary;
    const rate = Math.round(job.rowsRead / Math.max(0.001, (Date.now() - t0) / 1000));
    if (bar) bar.update(job.bytesProcessed, { rows: job.rowsRead, mb: `${mb(job.bytesProcessed)} of ${mb(job.bytesTotal)}`, rate });
    else if (Date.now() - lastLine >= 2000 || ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.status)) {
      lastLine = Date.now();
      const pct = job.bytesTotal ? Math.floor((100 * job.bytesProcessed) / job.bytesTotal) : 0;
      io.out(`import ${job.id}: ${job.status} ${job.rowsRead} rows, ${mb(job.bytesProcessed)} of ${mb(job.bytesTotal)} (${pct}%), ${rate} rows/s`);
    }
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.status)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  bar?.stop();
  const verb = job.dryRun ? 'would be ' : '';
  io.out(`Import ${job.id} ${job.status}: ${job.rowsRead} rows read, ${job.rowsCreated} ${verb}created, ${job.rowsUpdated} ${verb}updated, ${job.rowsUnchanged} unchanged, ${job.rowsRejected} rejected.`);
  if (job.unknownColumns.length) io.out(`Unknown columns (not imported): ${job.unknownColumns.join(', ')}`);
  if (job.status === 'FAILED') {
    io.err(`The import failed: ${job.error ?? 'no reason was recorded'}`);
    const reasons = attempts.held();
    if (reasons.length) io.err(`Reasons of the failed attempts (this process ran the job):\n${reasons.map((r) => `  ${r}`).join('\n')}`);
    return 1;
  }
  if (job.status === 'CANCELLED') return 1;
  if (job.rowsRejected > 0) {
    const errorsPath = `${input.path}.errors.csv`;
    await call('import-errors', { namespace: input.namespace, id: job.id, path: errorsPath });
    io.err(`${job.rowsRejected} rows were rejected; they are in ${errorsPath} (the original row plus an error column).`);
    return EXIT_REJECTED;
  }
  return 0;
}
