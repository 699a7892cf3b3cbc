import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { loadConfig } from '../src/config';
import { syncCustomIndex } from '../src/db/custom-index.sql';
import { Sql } from '../src/db/sql';
import { namespaceId } from './dataset';
import { packageRoot } from './http-suite';
import { EVENT_COPY_COLUMNS, IMPORT_CUSTOM_FIELDS, PHONE_COPY_COLUMNS, PROFILE_COPY_COLUMNS, writeImportFiles, type ImportFiles } from './import-file';
import { num } from './runner';
import type { BenchTarget } from './targets';

/** Issue 7: the import takes at most this many times a raw COPY of the same rows. */
export const IMPORT_TARGET_RATIO = 2;
/** Issue 7: the importing process stays under 300 MB of resident set (megabytes, as the issue says: 286.1 MiB). */
export const IMPORT_TARGET_RSS_MB = 300;
export const IMPORT_TARGET_RSS_MIB = (IMPORT_TARGET_RSS_MB * 1e6) / 2 ** 20;

const SLUG = 'bench-import';

export interface CopyRun {
  /** COPY of the profile-shaped rows into `bench.import_profile` (like `profile`, including all its indexes). */
  readonly profileSeconds: number;
  /** COPY of their phones into `bench.import_phone` (like `profile_phone`). */
  readonly phoneSeconds: number;
  readonly seconds: number;
}

/** The `purchases` file of the same people, imported after the customers, against a raw COPY into a copy of `event`. */
export interface PurchaseImportResult {
  readonly rows: number;
  readonly csvBytes: number;
  readonly wallSeconds: number;
  readonly jobSeconds: number;
  readonly rowsPerSecond: number;
  readonly peakRssMiB: number;
  readonly exitCode: number | null;
  readonly status: string;
  readonly counts: { readonly created: number; readonly updated: number; readonly unchanged: number; readonly rejected: number };
  readonly storedEvents: number;
  /** Raw COPY of the same events into `bench.import_event` (like `event`, including all its indexes), before and after. */
  readonly copySeconds: readonly number[];
  readonly copyIndexes: number;
  readonly ratio: number;
  readonly jobRatio: number;
  readonly meetsTarget: { readonly ratio: boolean; readonly rss: boolean };
  readonly output: readonly string[];
}

export interface ImportSuiteResult {
  readonly namespace: string;
  readonly rows: number;
  readonly phoneRows: number;
  readonly csvBytes: number;
  readonly batchRows: number;
  /** The `import` command in its own process, start to exit (file copied in, job queued, run, summary). */
  readonly wallSeconds: number;
  /** The job alone: the import's `started_at` (header read) to `finished_at`. */
  readonly jobSeconds: number;
  readonly rowsPerSecond: number;
  readonly jobRowsPerSecond: number;
  /** Peak RSS of the importing process: `process.resourceUsage().maxRSS` at exit, and VmHWM. */
  readonly peakRssMiB: number;
  readonly vmHwmMiB: number | null;
  readonly exitCode: number | null;
  readonly status: string;
  readonly counts: { readonly created: number; readonly updated: number; readonly unchanged: number; readonly rejected: number };
  readonly stored: { readonly profiles: number; readonly phones: number; readonly consentChanges: number };
  /** Raw COPY of the same rows, before and after the import. */
  readonly copy: readonly CopyRun[];
  /** COPY of the CSV file as it is into a plain table of text columns without indexes (the I/O floor). */
  readonly rawFileCopySeconds: number;
  /** Indexes of the copies (`like … including all`): of `profile`, of `profile_phone`. */
  readonly copyIndexes: { readonly profile: number; readonly phone: number };
  /** Import (wall) over the faster COPY run; and the job alone over it. */
  readonly ratio: number;
  readonly jobRatio: number;
  readonly meetsTarget: { readonly ratio: boolean; readonly rss: boolean };
  readonly fileSeconds: number;
  readonly output: readonly string[];
  readonly purchases?: PurchaseImportResult;
}

export interface ImportSuiteOptions {
  readonly rows: number;
  readonly seed: number;
  readonly log: (message: string) => void;
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, options: '-c TimeZone=UTC' });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function copyInto(url: string, table: string, columns: readonly string[], file: string, header = false): Promise<number> {
  const client = await connect(url);
  try {
    const started = performance.now();
    await pipeline(createReadStream(file), client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin (format csv${header ? ', header true' : ''})`)));
    return (performance.now() - started) / 1000;
  } finally {
    await client.end();
  }
}

/** The baseline tables: copies of `profile` and `profile_phone` with every index (made after the import namespace's custom-field indexes exist). */
async function createCopyTables(target: BenchTarget): Promise<ImportSuiteResult['copyIndexes'] & { readonly event: number }> {
  const s = target.session;
  await s.rows('create schema if not exists bench');
  await dropCopyTables(target);
  await s.rows('create table bench.import_profile (like public.profile including all)');
  await s.rows('create table bench.import_phone (like public.profile_phone including all)');
  await s.rows('create table bench.import_event (like public.event including all)');
  await s.rows(`create table bench.import_raw (${['email', 'phone', 'first_name', 'last_name', 'birthday_day', 'birthday_month', ...IMPORT_CUSTOM_FIELDS.map((f) => f.key)].map((c) => `${c} text`).join(', ')})`);
  const counts = await s.rows<{ table: string; n: unknown }>(
    `select tablename as "table", count(*) as n from pg_indexes where schemaname = 'bench' and tablename in ('import_profile', 'import_phone', 'import_event') group by 1`);
  const of = (table: string) => num(counts.find((c) => c.table === table)?.n);
  return { profile: of('import_profile'), phone: of('import_phone'), event: of('import_event') };
}

async function dropCopyTables(target: BenchTarget): Promise<void> {
  for (const table of ['import_profile', 'import_phone', 'import_event', 'import_raw']) await target.session.rows(`drop table if exists bench.${table}`);
}

async function copyRun(target: BenchTarget, files: ImportFiles): Promise<CopyRun> {
  await target.session.rows('truncate bench.import_profile, bench.import_phone');
  await target.session.rows('checkpoint');
  const profileSeconds = await copyInto(target.url!, 'bench.import_profile', PROFILE_COPY_COLUMNS, files.profiles);
  const phoneSeconds = await copyInto(target.url!, 'bench.import_phone', PHONE_COPY_COLUMNS, files.phones);
  return { profileSeconds, phoneSeconds, seconds: profileSeconds + phoneSeconds };
}

async function eventCopyRun(target: BenchTarget, files: ImportFiles): Promise<number> {
  await target.session.rows('truncate bench.import_event');
  await target.session.rows('checkpoint');
  return copyInto(target.url!, 'bench.import_event', EVENT_COPY_COLUMNS, files.events);
}

/** Removes the import namespace and everything in it (a cascade from `namespace`), and its custom-field indexes on `profile`. */
async function dropNamespace(target: BenchTarget, id: string): Promise<void> {
  await target.session.rows('delete from namespace where id = $1', [id]);
  const sql = new Sql(target.db.orm.em.fork());
  for (const field of IMPORT_CUSTOM_FIELDS) await syncCustomIndex(sql, id, field.key, false);
}

async function createNamespace(target: BenchTarget, id: string): Promise<void> {
  await target.session.rows(`insert into namespace (id, slug, name, default_region) values ($1, $2, $3, 'US')`, [id, SLUG, 'Benchmark imports']);
  for (const field of IMPORT_CUSTOM_FIELDS) {
    await target.session.rows(`insert into custom_field (namespace_id, key, type, description, indexed) values ($1, $2, $3, $4, $5)`, [id, field.key, field.type, `import bench ${field.key}`, field.indexed]);
  }
  // The expression indexes the custom-field service creates for indexed fields, as in the other namespaces.
  const sql = new Sql(target.db.orm.em.fork());
  for (const field of IMPORT_CUSTOM_FIELDS) await syncCustomIndex(sql, id, field.key, field.indexed);
}

interface ChildRun {
  readonly seconds: number;
  readonly exitCode: number | null;
  readonly maxRssKiB: number;
  readonly vmHwmKiB: number | null;
  readonly output: string[];
  /** Rows per transaction, as the child's configuration reads them (IMPORT_BATCH_ROWS). */
  readonly batchRows: number;
}

/**
 * The Node flags of `npm run import` (package.json's `import` script: `node <flags> dist/src/main.js
 * import`), so that the bench runs the command as users do. Today a 4 MB semi-space: a smaller
 * young generation holds less garbage between scavenges (200,000 customers peaked at 242 instead of
 * 274 MiB, no slower).
 */
export function importNodeFlags(root: string): string[] {
  const script = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.import ?? '';
  const flags = /\bnode((?:\s+--[\w-]+(?:=\S+)?)*)\s+dist\/src\/main\.js\s+import\b/.exec(script);
  if (!flags) throw new Error(`package.json's import script does not run node … dist/src/main.js import: ${script}`);
  return flags[1]!.split(/\s+/).filter(Boolean);
}

/** Runs `import` (src/cli/import.command.ts) in its own process, with the RSS probe preloaded. */
async function runImportCommand(target: BenchTarget, csv: string, dir: string, log: (m: string) => void, kind = 'customers'): Promise<ChildRun> {
  const root = packageRoot();
  const typescript = __filename.endsWith('.ts');
  const main = typescript ? join(root, 'src', 'main.ts') : join(root, 'dist', 'src', 'main.js');
  const probe = join(__dirname, typescript ? 'rss-probe.ts' : 'rss-probe.js');
  const rssFile = join(dir, `rss-${kind}.json`);
  const env: Record<string, string | undefined> = {
    ...process.env, DATABASE_URL: target.url, IMPORT_DIR: join(dir, 'uploads'), LOG_LEVEL: 'warn', LOG_FORMAT: 'json', SEED_DEMO: 'false', BENCH_RSS_FILE: rssFile,
  };
  delete env.DATA_DIR;
  const batchRows = loadConfig(env, root).imports!.batchRows;
  // BENCH_IMPORT_NODE_ARGS: extra Node flags for the importing process (say `--cpu-prof --cpu-prof-dir=/tmp/prof`).
  const nodeArgs = (process.env.BENCH_IMPORT_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const args = [...importNodeFlags(root), ...nodeArgs, ...(typescript ? ['-r', 'ts-node/register/transpile-only'] : []), '--require', probe, main, 'import', '--namespace', SLUG, '--kind', kind, csv];
  const output: string[] = [];
  const started = performance.now();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let lastLog = 0;
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      output.push(line);
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        log(`import: ${line.slice(0, 160)}`);
      }
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
  const seconds = (performance.now() - started) / 1000;
  const rss = JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRssKiB: number; vmHwmKiB: number | null };
  return { seconds, exitCode, maxRssKiB: rss.maxRssKiB, vmHwmKiB: rss.vmHwmKiB, output: output.slice(-20), batchRows };
}

/**
 * The `purchases` file (one purchase of each person the customers import just created) through the
 * same command, against a raw COPY of the same events into `bench.import_event` before and after.
 */
async function purchaseRun(target: BenchTarget, files: ImportFiles, dir: string, id: string, copyIndexes: number, log: (m: string) => void): Promise<PurchaseImportResult> {
  log('import: raw COPY of the purchases (before)…');
  const before = await eventCopyRun(target, files);
  log(`import: the purchases import (copy ${before.toFixed(1)} s)…`);
  const run = await runImportCommand(target, files.purchases, dir, log, 'purchases');
  const record = (await target.session.rows<Record<string, unknown>>(
    `select status, rows_created, rows_updated, rows_unchanged, rows_rejected, extract(epoch from finished_at - started_at) as job_seconds
     from import where namespace_id = $1 and kind = 'purchases' order by id desc limit 1`,
    [id],
  ))[0];
  if (!record) throw new Error(`the purchases import left no import (exit code ${run.exitCode}): ${run.output.join(' | ')}`);
  const events = (await target.session.rows<{ n: unknown }>(`select count(*) as n from event where namespace_id = $1`, [id]))[0]!;
  log(`import: purchases ${record.status} in ${run.seconds.toFixed(1)} s; raw COPY of the purchases (after)…`);
  const after = await eventCopyRun(target, files);
  const best = Math.min(before, after);
  const jobSeconds = num(record.job_seconds);
  const peakRssMiB = run.maxRssKiB / 1024;
  const ratio = run.seconds / best;
  return {
    rows: files.rows, csvBytes: files.purchaseBytes, wallSeconds: run.seconds, jobSeconds, rowsPerSecond: files.rows / run.seconds, peakRssMiB,
    exitCode: run.exitCode, status: String(record.status),
    counts: { created: num(record.rows_created), updated: num(record.rows_updated), unchanged: num(record.rows_unchanged), rejected: num(record.rows_rejected) },
    storedEvents: num(events.n), copySeconds: [before, after], copyIndexes, ratio, jobRatio: jobSeconds / best,
    meetsTarget: { ratio: ratio <= IMPORT_TARGET_RATIO, rss: peakRssMiB < IMPORT_TARGET_RSS_MIB }, output: run.output,
  };
}

/**
 * Issue 7's speed and memory target: a `customers` file of `rows` rows through the real import
 * pipeline (the `import` command in its own process, on the bench database: file stored, job
 * queued and run by the job runner, COPY staging and set-based identity resolution per batch),
 * against a raw `COPY` of the same rows into copies of `profile` and `profile_phone` with the same
 * indexes (run before and after the import). The import goes into a fresh namespace, removed
 * afterwards with everything in it; the files live in a temporary folder, removed too.
 */
export async function runImportSuite(target: BenchTarget, options: ImportSuiteOptions): Promise<ImportSuiteResult> {
  if (target.kind !== 'postgres' || !target.url) throw new Error('the import suite runs on PostgreSQL (the target of issue 7)');
  const id = namespaceId(options.seed, SLUG);
  const dir = mkdtempSync(join(tmpdir(), 'audience-graph-bench-import-'));
  try {
    await dropNamespace(target, id);
    await createNamespace(target, id);
    options.log(`import: writing ${options.rows.toLocaleString('en-US')} rows to ${dir}…`);
    const fileStarted = performance.now();
    const files = await writeImportFiles(
      { csv: join(dir, 'customers.csv'), profiles: join(dir, 'profiles.copy.csv'), phones: join(dir, 'phones.copy.csv'), purchases: join(dir, 'purchases.csv'), events: join(dir, 'events.copy.csv') },
      { rows: options.rows, seed: options.seed, namespaceId: id },
    );
    const fileSeconds = (performance.now() - fileStarted) / 1000;
    const copyIndexes = await createCopyTables(target);
    options.log('import: raw COPY (before)…');
    const before = await copyRun(target, files);
    const rawFileCopySeconds = await copyInto(target.url, 'bench.import_raw', ['email', 'phone', 'first_name', 'last_name', 'birthday_day', 'birthday_month', ...IMPORT_CUSTOM_FIELDS.map((f) => f.key)], files.csv, true);
    await target.session.rows('truncate bench.import_raw');
    await target.session.rows('checkpoint');
    options.log(`import: the import command (copy ${before.seconds.toFixed(1)} s)…`);
    const run = await runImportCommand(target, files.csv, dir, options.log);
    const record = (await target.session.rows<Record<string, unknown>>(
      `select status, rows_created, rows_updated, rows_unchanged, rows_rejected, extract(epoch from finished_at - started_at) as job_seconds
       from import where namespace_id = $1 order by id desc limit 1`,
      [id],
    ))[0];
    if (!record) throw new Error(`the import command left no import (exit code ${run.exitCode}): ${run.output.join(' | ')}`);
    const stored = (await target.session.rows<Record<string, unknown>>(
      `select (select count(*) from profile where namespace_id = $1) as profiles, (select count(*) from profile_phone where namespace_id = $1) as phones,
              (select count(*) from consent_change where namespace_id = $1) as consent`,
      [id],
    ))[0]!;
    options.log(`import: ${record.status} in ${run.seconds.toFixed(1)} s; raw COPY (after)…`);
    const after = await copyRun(target, files);
    const purchases = await purchaseRun(target, files, dir, id, copyIndexes.event, options.log);
    const best = Math.min(before.seconds, after.seconds);
    const jobSeconds = num(record.job_seconds);
    const peakRssMiB = run.maxRssKiB / 1024;
    const ratio = run.seconds / best;
    return {
      namespace: SLUG, rows: files.rows, phoneRows: files.phoneRows, csvBytes: files.csvBytes, batchRows: run.batchRows,
      wallSeconds: run.seconds, jobSeconds, rowsPerSecond: files.rows / run.seconds, jobRowsPerSecond: files.rows / jobSeconds,
      peakRssMiB, vmHwmMiB: run.vmHwmKiB === null ? null : run.vmHwmKiB / 1024, exitCode: run.exitCode, status: String(record.status),
      counts: { created: num(record.rows_created), updated: num(record.rows_updated), unchanged: num(record.rows_unchanged), rejected: num(record.rows_rejected) },
      stored: { profiles: num(stored.profiles), phones: num(stored.phones), consentChanges: num(stored.consent) },
      copy: [before, after], rawFileCopySeconds, copyIndexes, ratio, jobRatio: jobSeconds / best,
      meetsTarget: { ratio: ratio <= IMPORT_TARGET_RATIO, rss: peakRssMiB < IMPORT_TARGET_RSS_MIB },
      fileSeconds, output: run.output, purchases,
    };
  } finally {
    options.log('import: removing the import namespace and the copies…');
    await dropCopyTables(target);
    await dropNamespace(target, id);
    for (const table of ['profile', 'profile_phone', 'consent_change', 'event']) await target.session.rows(`vacuum (analyze) ${table}`);
    rmSync(dir, { recursive: true, force: true });
  }
}

