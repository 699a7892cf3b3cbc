import { customIndexName } from '../src/db/custom-index.sql';
import { FENCE_MAX_COST, FENCE_MAX_MEMBERS } from '../src/services/segment-page-form';
import type { BenchArgs } from './cli';
import { BENCH_CUSTOM_FIELDS } from './dataset';
import { EXPORT_RSS_LIMIT_MB, EXPORT_TARGET_RATIO, type ExportSuiteResult } from './export-suite';
import type { HttpResult } from './http-suite';
import type { PeersResult } from './peer-suite';
import { IMPORT_TARGET_RATIO, IMPORT_TARGET_RSS_MB, IMPORT_TARGET_RSS_MIB, type ImportSuiteResult } from './import-suite';
import type { IngestResult } from './ingest-suite';
import type { JitRow, PlanCacheResult } from './plan-cache';
import type { PlanSummary } from './plans';
import { NOISE_FLOOR_MS, TARGET_RATIO, type SegmentSuiteResult } from './segment-suite';
import { SNAPSHOT_COUNT_TARGET_MS, SNAPSHOT_TAKE_TARGET_MS, type SnapshotSuiteResult } from './snapshot-suite';
import { int, ms, ratio } from './stats';
import { namespaceIdsFor, type DatasetSpec } from './targets';
import type { GeneratedCounts } from './generate';

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly platform: string;
  readonly node: string;
  readonly loadAverageAtStart: readonly number[];
}

export interface TargetResults {
  readonly kind: 'postgres' | 'pglite';
  readonly version: string;
  readonly settings: Record<string, string>;
  readonly dataset: { readonly spec: DatasetSpec; readonly counts: GeneratedCounts; readonly generated: boolean; readonly openSeconds: number };
  readonly indexSizes: readonly { readonly name: string; readonly table: string; readonly bytes: number }[];
  readonly tableSizes: readonly { readonly table: string; readonly bytes: number }[];
  segments?: SegmentSuiteResult;
  http?: HttpResult;
  peers?: PeersResult;
  exports?: ExportSuiteResult;
  ingest?: IngestResult;
  planCache?: PlanCacheResult;
  jit?: readonly JitRow[];
  snapshots?: SnapshotSuiteResult;
  importer?: ImportSuiteResult;
  readonly errors: { suite: string; error: string }[];
}

export interface BenchResults {
  readonly version: 1;
  readonly startedAt: string;
  finishedAt: string;
  readonly args: BenchArgs;
  readonly machine: Machine;
  postgres?: TargetResults;
  pglite?: TargetResults;
}

/** Readable names for the hashed custom-field index names: `profile_custom_…_idx` → `custom(bench-main.loyalty_tier)`. */
function indexLabels(seed: number): Map<string, string> {
  const labels = new Map<string, string>();
  for (const [slug, id] of Object.entries(namespaceIdsFor(seed))) {
    for (const field of BENCH_CUSTOM_FIELDS) labels.set(customIndexName(id, field.key), `custom(${slug}.${field.key})`);
  }
  return labels;
}

let LABELS = new Map<string, string>();

/** Replaces hashed index names by their labels. */
function readable(text: string): string {
  return text.replace(/profile_custom_[0-9a-f]{24}_idx/g, (name) => LABELS.get(name) ?? name);
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;

function planCell(plan: PlanSummary): string {
  const parts = [...(plan.indexes.length ? [readable(plan.indexes.join(', '))] : []), ...(plan.seqScans.length ? [`seq scan ${plan.seqScans.join(', ')}`] : [])];
  return parts.join('; ') || '—';
}

function segmentsSection(title: string, result: SegmentSuiteResult): string[] {
  const lines = [
    `## ${title}`,
    '',
    `Namespace \`${result.namespace}\`: ${int(result.profilesInNamespace)} profiles, ${int(result.eventsInNamespace)} events. asOf ${result.asOf}. ` +
      `Median of ${result.runs} runs after a warm-up, compiled and hand-written alternating in one session. Page = first page of 100 members ` +
      `(\`limit 101\`, keyset by id, the service's column list). Target: compiled ≤ ${TARGET_RATIO}× hand-written.`,
    '',
    '| segment | covers | count: compiled | hand | ratio | page: compiled | hand | ratio | members | planner: count cost | same count / page | service count | compiled count plan reads |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|',
  ];
  for (const s of result.segments) {
    const flag = (v: 'meets' | 'noise' | 'miss' | undefined, ok: boolean) => (v === 'noise' ? ' ≈' : v === 'miss' || (!v && !ok) ? ' ✗' : '');
    lines.push(
      `| \`${s.key}\` | ${s.covers} | ${ms(s.compiled.countMs)} | ${ms(s.hand.countMs)} | ${ratio(s.ratio.count)}${flag(s.verdict?.count, s.meetsTarget.count)} | ` +
        `${ms(s.compiled.pageMs)}${s.pageForm === 'fenced' ? ' (fenced)' : ''} | ${ms(s.hand.pageMs)} | ${ratio(s.ratio.page)}${flag(s.verdict?.page, s.meetsTarget.page)} | ${int(s.counts.compiled)} | ${s.estimate ? int(s.estimate.cost) : '–'} | ` +
        `${s.sameCount ? 'yes' : `**no** (${s.counts.hand})`} / ${s.samePage ? 'yes' : '**no**'} | ${ms(s.serviceCountMs)} | ${planCell(s.plans.compiledCount)} |`,
    );
  }
  lines.push('', `Times in ms. ✗ = misses the target (docs/performance.md gives the reasons); ≈ = over ${TARGET_RATIO}× by the medians but within noise ` +
    `(medians less than ${NOISE_FLOOR_MS} ms apart, or the fastest runs within the target). "service count" is \`SegmentService.count\` end to end (validation, catalog, compile, statement). "(fenced)": the compiled page took the fenced form, chosen as \`SegmentService.members\` does beside a count: at most ${int(FENCE_MAX_MEMBERS)} members and a planner cost of the count ("planner: count cost", \`explain\`, not run) of at most ${int(FENCE_MAX_COST)} (src/services/segment-page-form.ts).`);
  const naive = result.segments.filter((s) => s.counts.naive !== undefined);
  for (const s of naive) lines.push('', `Naive SQL for \`${s.key}\` counts ${int(s.counts.naive!)} instead of ${int(s.counts.compiled)}: ${s.counts.naiveNote}.`);
  if (result.errors.length) lines.push('', ...result.errors.map((e) => `- **${e.key} failed**: ${e.error}`));
  lines.push('', '<details><summary>Plan shapes (EXPLAIN ANALYZE, BUFFERS)</summary>', '');
  for (const s of result.segments) {
    lines.push(`**${s.key}** — \`${s.text.replace(/\s+/g, ' ')}\``, '');
    for (const [label, plan] of [['compiled count', s.plans.compiledCount], ['hand count', s.plans.handCount], ['compiled page', s.plans.compiledPage], ['hand page', s.plans.handPage]] as const) {
      lines.push(`- ${label} (${ms(plan.executionMs)} ms, ${int(plan.sharedHit)} hit / ${int(plan.sharedRead)} read): ${readable(plan.outline)}`);
    }
    lines.push('');
  }
  lines.push('</details>', '');
  return lines;
}

function peersSection(peers: PeersResult): string[] {
  const lines = [
    '## audience-graph against PostGraphile (PostgreSQL)',
    '',
    `${peers.peerVersion}, each server in a child process of its own with a pool of ${peers.poolSize}, \`NODE_ENV=production\`; autocannon in the parent, ` +
      `${peers.seconds} s per run, ${peers.rounds} rounds per level alternating (A B, then B A). **The load generator shares the 2 cores with both servers and PostgreSQL.** ` +
      `Load average at the start: ${peers.loadAverage.join(', ')}. Ratio = audience-graph ÷ PostGraphile requests per second (higher is better for audience-graph), median and range over the rounds.`,
    '',
    '| workload | connections | audience-graph req/s | PostGraphile req/s | ratio (median, range) | same count / first page |',
    '|---|---:|---:|---:|---:|---|',
  ];
  for (const w of peers.workloads) {
    for (const l of w.levels) {
      const rps = (xs: readonly { requestsPerSecond: number; errors: number; non2xx: number; graphqlErrors: number }[]) =>
        xs.map((x) => `${x.requestsPerSecond.toFixed(1)}${x.errors + x.non2xx + x.graphqlErrors ? ` (${x.errors + x.non2xx + x.graphqlErrors} errors)` : ''}`).join(', ');
      const check = `${w.check.sameCount ? `yes (${int(w.check.ours)})` : `**no** (${int(w.check.ours)} vs ${int(w.check.peer)})`} / ${w.check.samePage ? 'yes' : '**no**'}`;
      lines.push(`| ${w.label} | ${l.connections} | ${rps(l.ours)} | ${rps(l.peer)} | **${l.ratio.median.toFixed(2)}×** (${l.ratio.min.toFixed(2)}–${l.ratio.max.toFixed(2)}) | ${check} |`);
    }
  }
  lines.push('', 'Where the two differ by semantics (counted once, not load-tested):', '');
  for (const s of peers.semantics) lines.push(`- \`${s.key}\`: ${s.what}: audience-graph ${int(s.ours)}, PostGraphile ${s.peer === null ? 'cannot express it' : int(s.peer)}.`);
  lines.push('');
  return lines;
}

function httpSection(http: HttpResult): string[] {
  const lines = [
    '## GraphQL reads over HTTP (PostgreSQL)',
    '',
    `\`ProfilePage\` (schema/operations/profiles.graphql): 100 profiles with phones, channels, dimensions, reserved fields and their latest 5 events, ` +
      `${int(http.bytesPerResponse)} bytes per response, rotating over ${http.statements.pages.length} pages. The real server (\`createApp\`, pool ${http.poolSize}) in a child process, autocannon in the parent.`,
    '',
    `SQL statements per request: **${http.statements.max}** (${http.statements.constant ? 'constant: the same for every page and for a page of one profile' : `not constant: ${[...new Set(http.statements.pages)].join(', ')}; page of one: ${http.statements.pageOfOne}`}).`,
    '',
    '| connections | req/s | p50 ms | p99 ms | mean ms | requests | errors / non-2xx / GraphQL errors |',
    '|---:|---:|---:|---:|---:|---:|---|',
    ...http.levels.map((l) => `| ${l.connections} | ${l.requestsPerSecond.toFixed(1)} | ${l.latencyP50Ms} | ${l.latencyP99Ms} | ${l.latencyMeanMs.toFixed(1)} | ${int(l.requests)} | ${l.errors} / ${l.non2xx} / ${l.graphqlErrors} |`),
  ];
  if (http.comparable) {
    const c = http.comparable;
    lines.push('', `For the PostGraphile comparison (a filtered connection with totalCount): \`SegmentMembers\` — count and first 10 members of the saved segment \`${c.segment}\` — ` +
      `at ${c.connections} connections: **${c.requestsPerSecond.toFixed(1)} req/s, p50 ${c.latencyP50Ms} ms, p99 ${c.latencyP99Ms} ms** (${c.statements} statements per request).`);
  }
  lines.push('');
  return lines;
}

function exportSection(e: ExportSuiteResult): string[] {
  const secs = (runs: readonly { seconds: number }[]) => runs.map((r) => r.seconds.toFixed(2)).join(', ');
  return [
    '## Export on PostgreSQL',
    '',
    `A saved segment of every profile of the main namespace (\`${e.segment}\`), ${int(e.rows)} rows, all columns, as CSV: ` +
      `\`GET /exports/segments/{id}.csv\` against the real server (a child process), read to the end, against the same statement run by hand as ` +
      `\`COPY (…) TO STDOUT\` on a plain connection. Medians of ${e.service.length} runs after a warm-up.`,
    '',
    '| path | runs (s) | median | size |',
    '|---|---|---:|---:|',
    `| COPY by hand | ${secs(e.byHand)} | ${e.byHandMedianSeconds.toFixed(2)} s | ${mb(e.byHand[0]?.bytes ?? 0)} |`,
    `| the service (HTTP) | ${secs(e.service)} | ${e.serviceMedianSeconds.toFixed(2)} s | ${mb(e.service[0]?.bytes ?? 0)} |`,
    '',
    `Ratio **${e.ratio.toFixed(2)}×** (target ≤ ${EXPORT_TARGET_RATIO}×); server RSS ${e.serverRssMb.idle.toFixed(0)} MB idle, peak ${e.serverRssMb.peak.toFixed(0)} MB while exporting (limit ${EXPORT_RSS_LIMIT_MB} MB): ` +
      `**${e.meetsTarget ? 'meets the target' : 'misses the target'}**.`,
    '',
  ];
}

function ingestSection(title: string, ingest: IngestResult): string[] {
  const row = (label: string, r: IngestResult['withIndexes']) =>
    `| ${label} | ${int(r.eventsPerSecond)} | ${ms(r.batchMedianMs)} | ${int(r.profilesPerSecond)} | ${ms(r.profileBatchMedianMs)} |`;
  const lines = [
    `## ${title}`,
    '',
    `\`EventService.track\` (the \`trackEvents\` path: validation, identity resolution by email, insert, reserved-field fold) in batches of ${ingest.batchSize} naming existing profiles of \`${ingest.namespace}\`, ` +
      `${int(ingest.withIndexes.events)} events per phase; and \`ProfileService.upsertMany\` creating new profiles with custom values in batches of ${ingest.batchSize}.`,
    '',
    '| indexes | events/s | ms per 1,000 events | new profiles/s | ms per 1,000 profiles |',
    '|---|---:|---:|---:|---:|',
    row('all (migrations + custom-field indexes)', ingest.withIndexes),
  ];
  for (const b of ingest.breakdown) lines.push(row(b.label, b.run));
  if (ingest.withoutNewIndexes) lines.push(row(`without the ${ingest.droppedIndexes.length} new indexes`, ingest.withoutNewIndexes));
  if (ingest.withIndexesAgain) lines.push(row('all, again (after rebuilding)', ingest.withIndexesAgain));
  if (ingest.relativeThroughput !== undefined) lines.push('', `Event ingest with every index runs at **${(ingest.relativeThroughput * 100).toFixed(0)}%** of the throughput without the new ones.`);
  lines.push('');
  return lines;
}

const mark = (ok: boolean) => (ok ? '✓' : '✗');
const sec = (seconds: number) => `${seconds.toFixed(1)} s`;

function importSection(r: ImportSuiteResult): string[] {
  const best = Math.min(...r.copy.map((c) => c.seconds));
  return [
    '## CSV import on PostgreSQL (issue 7)',
    '',
    `A generated \`customers\` file: ${int(r.rows)} rows (${(r.csvBytes / 1e6).toFixed(0)} MB; every row a new person with an email, names, a birthday on 55%, ` +
      `4 custom fields, ${int(r.phoneRows)} with a US phone in national format), imported by the \`import\` command (src/cli/import.command.ts) in its own process ` +
      `into the empty namespace \`${r.namespace}\` of the bench database: the file is stored, the job queued and run by the job runner, ${int(r.batchRows)} rows per transaction ` +
      '(COPY staging, set-based identity resolution and upsert). The baseline is a raw `COPY` of the same rows, already in table form, into copies of `profile` and ' +
      `\`profile_phone\` made with \`like … including all\` (the same indexes: ${r.copyIndexes.profile} on the profile copy, custom-field indexes included, and ${r.copyIndexes.phone} on the phone copy; ` +
      'no foreign keys, and empty where `profile` holds the data set), before and after the import. ' +
      `Peak RSS is the importing process's \`process.resourceUsage().maxRSS\` at exit (a preloaded probe).`,
    '',
    '| | time | rows/s | ratio to raw COPY | peak RSS |',
    '|---|---:|---:|---:|---:|',
    `| \`import\` command, start to exit | ${sec(r.wallSeconds)} | ${int(r.rowsPerSecond)} | **${ratio(r.ratio)}** ${mark(r.meetsTarget.ratio)} | **${r.peakRssMiB.toFixed(0)} MiB** ${mark(r.meetsTarget.rss)} |`,
    `| the job alone (header read to finished) | ${sec(r.jobSeconds)} | ${int(r.jobRowsPerSecond)} | ${ratio(r.jobRatio)} | |`,
    ...r.copy.map((c, i) => `| raw COPY ${i === 0 ? 'before' : 'after'} (profile ${sec(c.profileSeconds)} + phones ${sec(c.phoneSeconds)}) | ${sec(c.seconds)} | ${int(r.rows / c.seconds)} | ${c.seconds === best ? '(baseline)' : ''} | |`),
    `| COPY of the CSV as it is into a plain text table, no index | ${sec(r.rawFileCopySeconds)} | ${int(r.rows / r.rawFileCopySeconds)} | | |`,
    '',
    `Targets: at most ${IMPORT_TARGET_RATIO}× the raw COPY, RSS under ${IMPORT_TARGET_RSS_MB} MB (${IMPORT_TARGET_RSS_MIB.toFixed(1)} MiB). The ratio is the command's wall time over the faster COPY run. ` +
      `The import ended ${r.status} (exit code ${r.exitCode}): ${int(r.counts.created)} created, ${int(r.counts.updated)} updated, ${int(r.counts.unchanged)} unchanged, ` +
      `${int(r.counts.rejected)} rejected; ${int(r.stored.profiles)} profiles, ${int(r.stored.phones)} phones and ${int(r.stored.consentChanges)} consent changes stored. ` +
      `VmHWM ${r.vmHwmMiB === null ? '—' : `${r.vmHwmMiB.toFixed(0)} MiB`}. Writing the files took ${sec(r.fileSeconds)} (not timed in either).`,
    '',
    ...(r.purchases ? purchaseSection(r.purchases) : []),
  ];
}

function purchaseSection(p: NonNullable<ImportSuiteResult['purchases']>): string[] {
  const best = Math.min(...p.copySeconds);
  return [
    `Then a \`purchases\` file of the same people: ${int(p.rows)} rows (${(p.csvBytes / 1e6).toFixed(0)} MB; email, a unique order id, an ISO 8601 time, an amount and a SKU ` +
      'that become event properties), one purchase of each profile the customers import created, imported the same way. The baseline is a raw `COPY` of the same ' +
      `events into a copy of \`event\` (\`like … including all\`: ${p.copyIndexes} indexes, no foreign key), before and after the import.`,
    '',
    '| | time | rows/s | ratio to raw COPY | peak RSS |',
    '|---|---:|---:|---:|---:|',
    `| \`import --kind purchases\`, start to exit | ${sec(p.wallSeconds)} | ${int(p.rowsPerSecond)} | **${ratio(p.ratio)}** ${mark(p.meetsTarget.ratio)} | **${p.peakRssMiB.toFixed(0)} MiB** ${mark(p.meetsTarget.rss)} |`,
    `| the job alone (header read to finished) | ${sec(p.jobSeconds)} | ${int(p.rows / p.jobSeconds)} | ${ratio(p.jobRatio)} | |`,
    ...p.copySeconds.map((c, i) => `| raw COPY into the event copy ${i === 0 ? 'before' : 'after'} | ${sec(c)} | ${int(p.rows / c)} | ${c === best ? '(baseline)' : ''} | |`),
    '',
    `The purchases import ended ${p.status} (exit code ${p.exitCode}): ${int(p.counts.created)} created, ${int(p.counts.updated)} updated, ${int(p.counts.unchanged)} unchanged, ` +
      `${int(p.counts.rejected)} rejected; ${int(p.storedEvents)} events stored.`,
    '',
  ];
}

function snapshotSection(title: string, r: SnapshotSuiteResult): string[] {
  return [
    `## ${title}`,
    '',
    `Saved segment \`${r.segment}\` in \`${r.namespace}\` (${int(r.profilesInNamespace)} profiles), asOf ${r.asOf}: **${int(r.members)} members** ` +
      `(${int(r.holdoutMembers)} holdout at 10%). Median of ${r.runs} runs after a warm-up unless said; each take is a new snapshot.`,
    '',
    '| operation | ms | target |',
    '|---|---:|---|',
    `| \`snapshotSegment\` (SnapshotService.take, 10% holdout), ${r.takeMs.length} takes | **${ms(r.takeMedianMs)}** (${r.takeMs.map((t) => ms(t)).join(', ')}) | ≤ ${SNAPSHOT_TAKE_TARGET_MS} ms ("a few seconds") ${mark(r.meetsTarget.take)} |`,
    `| snapshot count (SnapshotService.get: the stored counts) | **${ms(r.storedCountMs)}** | ≤ ${SNAPSHOT_COUNT_TARGET_MS} ms ("in milliseconds") ${mark(r.meetsTarget.count)} |`,
    `| count(*) of the member rows | ${ms(r.liveCountMs)} | |`,
    `| \`in snapshot\` through SegmentService.count (${int(r.inSnapshotCount)}) | ${ms(r.inSnapshotCountMs)} | |`,
    `| first page of 100 members (SnapshotService.members) | ${ms(r.firstPageMs)} | |`,
    `| entered between two snapshots (\`in snapshot B and not in snapshot A\`: ${int(r.diff.entered)}) | ${ms(r.diff.enteredMs)} | |`,
    `| left between two snapshots (\`in snapshot A and not in snapshot B\`: ${int(r.diff.left)}) | ${ms(r.diff.leftMs)} | |`,
    `| first membership evaluation (evaluateSegmentMembership: ${int(r.evaluation.firstEntered)} entered), once | ${ms(r.evaluation.firstMs)} | |`,
    `| next evaluation, 30 days later (${int(r.evaluation.entered)} entered, ${int(r.evaluation.left)} left), once | ${ms(r.evaluation.secondMs)} | |`,
    `| segmentChanges, first page of 100 | ${ms(r.evaluation.changesPageMs)} | |`,
    `| delete a snapshot (cascade to its members), ${r.deleteMs.length} times | ${r.deleteMs.map((t) => ms(t)).join(', ') || '—'} | |`,
    '',
    `Snapshot A is the same segment at ${r.diff.earlierAsOf} (${int(r.diff.earlierMembers)} members). The member table holds ${r.bytesPerMember.toFixed(0)} bytes per member (heap and primary key).`,
    '',
  ];
}

function planCacheSection(result: PlanCacheResult, jit: readonly JitRow[] | undefined): string[] {
  const lines = [
    '## plan_cache_mode',
    '',
    `Compiled count on \`${result.namespace}\` after five executions on \`${result.warmupNamespace}\`, median of ${result.runs}. ` +
      'Unnamed = what the service sends (a custom plan every time); the others are named prepared statements.',
    '',
    '| segment | unnamed | named, auto | named, force_custom_plan | named, force_generic_plan | auto went generic? |',
    '|---|---:|---:|---:|---:|---|',
    ...result.rows.map((r) => {
      const mode = (name: string) => r.modes.find((m) => m.mode === name)!;
      return `| \`${r.segment}\` | ${ms(r.unnamedMs)} | ${ms(mode('auto').ms)} | ${ms(mode('force_custom_plan').ms)} | ${ms(mode('force_generic_plan').ms)} | ${mode('auto').genericPlans > 0 ? `yes (${mode('auto').genericPlans} generic)` : 'no'} |`;
    }),
    '',
  ];
  if (jit?.length) {
    lines.push('## jit', '', 'Compiled count with the server default `jit = on` and with `jit = off` (session), alternating.', '', '| segment | jit on | jit off |', '|---|---:|---:|');
    for (const r of jit) lines.push(`| \`${r.segment}\` | ${ms(r.jitOnMs)} | ${ms(r.jitOffMs)} |`);
    lines.push('');
  }
  return lines;
}

function datasetLines(label: string, t: TargetResults): string[] {
  const c = t.dataset.counts;
  const ns = Object.entries(c.byNamespace).map(([slug, v]) => `${slug} ${int(v.profiles)}`).join(', ');
  const gen = t.dataset.generated ? `generated in ${Object.values(c.seconds).reduce((a, b) => a + b, 0).toFixed(0)} s` : 'reused';
  return [`| ${label} | ${t.version} | ${int(c.profiles)} (${ns}) | ${int(c.events)} | ${int(c.phones)} | ${gen} |`];
}

/** The Markdown summary of a run. */
export function renderMarkdown(results: BenchResults): string {
  LABELS = indexLabels(results.args.seed);
  const m = results.machine;
  const a = results.args;
  const lines: string[] = [
    `# Benchmark: ${results.startedAt.slice(0, 10)}`,
    '',
    `\`npm run bench -- --profiles ${a.profiles} --pglite-profiles ${a.pgliteProfiles} --runs ${a.runs} --target ${a.target} --suites ${a.suites.join(',')}` +
      `${a.suites.includes('import') ? ` --import-rows ${a.importRows}` : ''}${a.suites.includes('snapshots') ? ` --snapshot-takes ${a.snapshotTakes}` : ''}\` ` +
      `(seed ${a.seed}), ${results.startedAt} → ${results.finishedAt}.`,
    '',
    ...(a.dropIndexes?.length ? [`**Run without the indexes ${a.dropIndexes.map((i) => `\`${i}\``).join(', ')}** (dropped for the run, rebuilt after).`, ''] : []),
    ...(a.addIndexes?.length ? [`**Run with candidate indexes**: ${a.addIndexes.map((i) => `\`${i}\``).join('; ')} (dropped after).`, ''] : []),
    '| machine | |',
    '|---|---|',
    `| CPU | ${m.cpus} × ${m.cpuModel} |`,
    `| memory | ${m.memoryGiB.toFixed(0)} GiB |`,
    `| OS / Node | ${m.platform} / ${m.node} |`,
    `| load average at start | ${m.loadAverageAtStart.map((l) => l.toFixed(2)).join(', ')} (other work ran on the machine: timings are indicative) |`,
  ];
  if (results.postgres) {
    const s = results.postgres.settings;
    lines.push(`| PostgreSQL | ${results.postgres.version} (${Object.entries(s).map(([k, v]) => `${k}=${v}`).join(', ')}) |`);
  }
  if (results.pglite) lines.push(`| PGlite | ${results.pglite.version} |`);
  lines.push('', '| data set | version | profiles (by namespace) | events | phones | |', '|---|---|---|---:|---:|---|');
  if (results.postgres) lines.push(...datasetLines('PostgreSQL', results.postgres));
  if (results.pglite) lines.push(...datasetLines('PGlite', results.pglite));
  lines.push('');
  const pg = results.postgres;
  if (pg?.segments) lines.push(...segmentsSection('Segments on PostgreSQL', pg.segments));
  if (pg?.http) lines.push(...httpSection(pg.http));
  if (pg?.peers) lines.push(...peersSection(pg.peers));
  if (pg?.exports) lines.push(...exportSection(pg.exports));
  if (pg?.ingest) lines.push(...ingestSection('Ingest on PostgreSQL', pg.ingest));
  if (pg?.planCache) lines.push(...planCacheSection(pg.planCache, pg.jit));
  if (pg?.importer) lines.push(...importSection(pg.importer));
  if (pg?.snapshots) lines.push(...snapshotSection('Segment snapshots on PostgreSQL (issue 10)', pg.snapshots));
  const lite = results.pglite;
  if (lite?.segments) lines.push(...segmentsSection('Segments on PGlite (the embedded default)', lite.segments));
  if (lite?.ingest) lines.push(...ingestSection('Ingest on PGlite', lite.ingest));
  if (lite?.snapshots) lines.push(...snapshotSection('Segment snapshots on PGlite (issue 10)', lite.snapshots));
  for (const t of [pg, lite]) {
    if (!t) continue;
    if (t.indexSizes.length) {
      lines.push(`## Index and table sizes (${t.kind})`, '', '| index | table | size |', '|---|---|---:|', ...t.indexSizes.map((i) => `| ${readable(i.name)} | ${i.table} | ${mb(i.bytes)} |`));
      lines.push('', `Tables: ${t.tableSizes.map((x) => `${x.table} ${mb(x.bytes)}`).join(', ')}.`, '');
    }
    if (t.errors.length) lines.push(`## Errors (${t.kind})`, '', ...t.errors.map((e) => `- ${e.suite}: ${e.error}`), '');
  }
  return `${lines.join('\n')}\n`;
}
