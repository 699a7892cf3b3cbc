import 'reflect-metadata';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, USAGE, type BenchArgs } from './cli';
import { runExportSuite } from './export-suite';
import { packageRoot, runHttpSuite } from './http-suite';
import { runPeerSuite } from './peer-suite';
import { NEW_INDEXES } from './indexes';
import { runImportSuite } from './import-suite';
import { runIngestSuite } from './ingest-suite';
import { runJitComparison, runPlanCacheSuite } from './plan-cache';
import { renderMarkdown, type BenchResults, type TargetResults } from './report';
import { num, type Runner } from './runner';
import { runSegmentSuite } from './segment-suite';
import { runSnapshotSuite } from './snapshot-suite';
import { openPgliteTarget, openPostgresTarget, postgresReachable, syncBenchCustomIndexes, type BenchTarget } from './targets';

/**
 * `npm run bench`: generates (or reuses) the data sets, runs the suites, and writes
 * `bench/results/<date>-<scale>.json` and `.md`. See `--help` and docs/performance.md.
 */
const MAIN = 'bench-main';

function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

async function describeTarget(runner: Runner): Promise<Pick<TargetResults, 'version' | 'settings' | 'indexSizes' | 'tableSizes'>> {
  const version = String((await runner.rows<{ v: string }>(`select version() as v`))[0]?.v ?? '').split(' on ')[0]!;
  const settings: Record<string, string> = {};
  if (runner.kind === 'postgres') {
    for (const name of ['shared_buffers', 'work_mem', 'effective_cache_size', 'max_parallel_workers_per_gather', 'random_page_cost', 'jit']) {
      settings[name] = String((await runner.rows<{ v: string }>(`select current_setting($1) as v`, [name]))[0]?.v);
    }
  }
  const indexSizes = (await runner.rows<{ name: string; table: string; bytes: unknown }>(
    `select c.relname as name, t.relname as "table", pg_relation_size(c.oid) as bytes
     from pg_index i join pg_class c on c.oid = i.indexrelid join pg_class t on t.oid = i.indrelid
     where c.relnamespace = 'public'::regnamespace and t.relname in ('profile', 'event', 'profile_phone')
     order by t.relname, c.relname`,
  )).map((r) => ({ name: r.name + (NEW_INDEXES.some((n) => n.name === r.name) || r.name.startsWith('profile_custom_') ? ' (new)' : ''), table: r.table, bytes: num(r.bytes) }));
  const tableSizes = (await runner.rows<{ table: string; bytes: unknown }>(
    `select relname as "table", pg_table_size(oid) as bytes from pg_class where relnamespace = 'public'::regnamespace and relname in ('profile', 'event', 'profile_phone', 'consent_change') order by 1`,
  )).map((r) => ({ table: r.table, bytes: num(r.bytes) }));
  return { version, settings, indexSizes, tableSizes };
}

/** Puts back migration indexes a crashed ingest comparison may have left dropped. */
async function ensureIndexes(target: BenchTarget): Promise<void> {
  const present = new Set((await target.session.rows<{ name: string }>(`select indexname as name from pg_indexes where schemaname = 'public'`)).map((r) => r.name));
  for (const index of NEW_INDEXES) {
    if (present.has(index.name)) continue;
    log(`re-creating missing index ${index.name}`);
    await target.session.rows(index.definition);
  }
  await syncBenchCustomIndexes(target.db, target.namespaces);
}

async function suite<T>(results: TargetResults, name: string, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`${name} failed: ${message}`);
    results.errors.push({ suite: name, error: message });
    return undefined;
  }
}

async function runTarget(target: BenchTarget, args: BenchArgs, openSeconds: number): Promise<TargetResults> {
  await ensureIndexes(target);
  const dropped = await target.session.rows<{ name: string; definition: string }>(
    `select indexname as name, indexdef as definition from pg_indexes where schemaname = 'public' and indexname = any($1::text[])`, [args.dropIndexes],
  );
  for (const index of dropped) {
    log(`dropping ${index.name} for this run`);
    await target.session.rows(`drop index ${index.name}`);
  }
  const added: string[] = [];
  try {
    for (const definition of args.addIndexes) {
      log(`adding the candidate index: ${definition}`);
      if (target.kind === 'postgres') await target.session.rows(`set maintenance_work_mem = '1GB'`);
      await target.session.rows(definition);
      added.push(/create\s+index\s+([a-z_][a-z0-9_]*)/i.exec(definition)![1]!);
    }
    for (const table of ['profile', 'event']) await target.session.rows(`analyze ${table}`);
    return await runSuites(target, args, openSeconds);
  } finally {
    for (const name of added) await target.session.rows(`drop index if exists ${name}`);
    for (const index of dropped) {
      log(`rebuilding ${index.name}`);
      await target.session.rows(index.definition);
    }
  }
}

async function runSuites(target: BenchTarget, args: BenchArgs, openSeconds: number): Promise<TargetResults> {
  if (target.kind === 'postgres') {
    // The measuring session runs with the server's settings (as the service's pool does), plus a time limit.
    await target.session.rows('reset all');
    await target.session.rows(`set statement_timeout = '300s'`);
  }
  // The steady state autovacuum would reach: visibility map set (index-only scans), fresh statistics.
  for (const table of ['profile', 'event', 'profile_phone']) await target.session.rows(`vacuum (analyze) ${table}`);
  const results: TargetResults = { kind: target.kind, ...(await describeTarget(target.session)), dataset: { spec: target.spec, counts: target.counts, generated: target.generated, openSeconds }, errors: [] };
  const wants = (name: BenchArgs['suites'][number]) => args.suites.includes(name);
  if (wants('segments')) {
    results.segments = await suite(results, 'segments', () => runSegmentSuite(target, { runs: args.runs, namespace: MAIN, only: args.segments, log }));
  }
  if (wants('http') && target.kind === 'postgres') {
    results.http = await suite(results, 'http', () =>
      runHttpSuite(target, { namespace: MAIN, connections: args.httpConnections, seconds: args.httpSeconds, poolSize: args.poolSize, pages: 20, log }));
  }
  if (wants('peers') && target.kind === 'postgres') {
    results.peers = await suite(results, 'peers', () =>
      runPeerSuite(target, { namespace: MAIN, connections: args.peerConnections, seconds: args.httpSeconds, rounds: args.peerRounds, poolSize: args.poolSize, log }));
  }
  if (wants('plan-cache') && target.kind === 'postgres') {
    results.planCache = await suite(results, 'plan-cache', () => runPlanCacheSuite(target, { namespace: MAIN, warmupNamespace: 'bench-tiny', runs: args.runs, log }));
    results.jit = await suite(results, 'jit', () => runJitComparison(target, { namespace: MAIN, runs: Math.min(args.runs, 5), log }));
  }
  if (wants('exports') && target.kind === 'postgres') {
    results.exports = await suite(results, 'exports', () => runExportSuite(target, { namespace: MAIN, runs: Math.min(args.runs, 3), log }));
  }
  if (wants('ingest')) {
    results.ingest = await suite(results, 'ingest', () =>
      runIngestSuite(target, { namespace: 'bench-mid', batches: args.ingestBatches, profileBatches: args.profileBatches, compare: args.compare, breakdown: args.breakdown, log }));
  }
  if (wants('snapshots')) {
    results.snapshots = await suite(results, 'snapshots', () => runSnapshotSuite(target, { namespace: MAIN, runs: args.runs, takes: args.snapshotTakes, log }));
  }
  if (wants('import') && target.kind === 'postgres') {
    results.importer = await suite(results, 'import', () => runImportSuite(target, { rows: args.importRows, seed: args.seed, log }));
  }
  return results;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--render') {
    // Re-renders the Markdown summary of an earlier run from its JSON.
    const file = resolve(argv[1] ?? '');
    writeFileSync(file.replace(/\.json$/, '.md'), renderMarkdown(JSON.parse(readFileSync(file, 'utf8')) as BenchResults));
    log(`wrote ${file.replace(/\.json$/, '.md')}`);
    return;
  }
  const parsed = parseArgs(argv, process.env);
  if (parsed === 'help') {
    console.log(USAGE);
    return;
  }
  const args = parsed;
  const root = packageRoot();
  process.chdir(root);
  const results: BenchResults = {
    version: 1, startedAt: new Date().toISOString(), finishedAt: '', args,
    machine: {
      cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: totalmem() / 1024 ** 3, platform: `${platform()} ${release()}`,
      node: process.version, loadAverageAtStart: loadavg(),
    },
  };
  const spec = { eventsPerProfile: args.eventsPerProfile, seed: args.seed };

  if (args.target !== 'pglite') {
    if (await postgresReachable(args.databaseUrl)) {
      const started = performance.now();
      const target = await openPostgresTarget(args.databaseUrl, { ...spec, profiles: args.profiles }, { regenerate: args.regenerate, poolSize: args.poolSize, log });
      try {
        results.postgres = await runTarget(target, args, (performance.now() - started) / 1000);
      } finally {
        await target.close();
      }
    } else {
      log(`no PostgreSQL server answers at ${args.databaseUrl}; skipping the PostgreSQL suites`);
    }
  }
  if (args.target !== 'postgres') {
    const started = performance.now();
    const dir = resolve(args.pgliteDir, `pglite-${args.pgliteProfiles}-${args.seed}`);
    const target = await openPgliteTarget(dir, { ...spec, profiles: args.pgliteProfiles }, { regenerate: args.regenerate, log });
    try {
      const pgliteArgs: BenchArgs = { ...args, suites: args.suites.filter((s) => s === 'segments' || s === 'ingest' || s === 'snapshots') };
      results.pglite = await runTarget(target, pgliteArgs, (performance.now() - started) / 1000);
    } finally {
      await target.close();
    }
  }

  results.finishedAt = new Date().toISOString();
  const out = resolve(args.out);
  mkdirSync(out, { recursive: true });
  const scale = [results.postgres ? `pg${args.profiles}` : '', results.pglite ? `pglite${args.pgliteProfiles}` : ''].filter(Boolean).join('-') || 'empty';
  const candidates = args.addIndexes.map((d) => /create\s+index\s+([a-z_][a-z0-9_]*)/i.exec(d)![1]!);
  const variant = `${args.dropIndexes.length ? `-without-${args.dropIndexes.join('+')}` : ''}${candidates.length ? `-with-${candidates.join('+')}` : ''}`;
  const base = join(out, `${results.startedAt.slice(0, 10)}-${scale}${variant}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${base}.md`, renderMarkdown(results));
  log(`wrote ${base}.json and ${base}.md`);
  if (args.reference) {
    copyFileSync(`${base}.md`, join(root, 'bench', 'REFERENCE.md'));
    log('copied the summary to bench/REFERENCE.md');
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
