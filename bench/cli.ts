import { DEFAULT_SEED } from './dataset';

/** The flags of `npm run bench -- …`. */
export interface BenchArgs {
  readonly profiles: number;
  readonly eventsPerProfile: number;
  readonly seed: number;
  readonly target: 'postgres' | 'pglite' | 'both';
  readonly databaseUrl: string;
  readonly pgliteProfiles: number;
  readonly pgliteDir: string;
  readonly suites: readonly Suite[];
  readonly segments?: readonly string[];
  readonly runs: number;
  readonly httpSeconds: number;
  readonly httpConnections: readonly number[];
  readonly poolSize: number;
  /** Connections of the peers suite's load levels. */
  readonly peerConnections: readonly number[];
  /** Alternating rounds per level of the peers suite. */
  readonly peerRounds: number;
  readonly ingestBatches: number;
  readonly profileBatches: number;
  readonly compare: boolean;
  readonly breakdown: boolean;
  /** Rows of the generated `customers` file of the import suite. */
  readonly importRows: number;
  /** Snapshots the snapshot suite takes (each timed). */
  readonly snapshotTakes: number;
  readonly regenerate: boolean;
  readonly out: string;
  readonly reference: boolean;
  /** New indexes to drop for this run (rebuilt afterwards), to measure without them. */
  readonly dropIndexes: readonly string[];
  /** Candidate indexes (`create index …` statements) to add for this run (dropped afterwards). */
  readonly addIndexes: readonly string[];
}

export const SUITES = ['segments', 'http', 'ingest', 'plan-cache', 'import', 'snapshots', 'exports', 'peers'] as const;
/** The suites run without --suites: every one but the peers (PostGraphile, installed apart in bench/peers and started only on request). */
export const DEFAULT_SUITES: readonly Suite[] = SUITES.filter((s) => s !== 'peers');
export type Suite = (typeof SUITES)[number];

export const USAGE = `npm run bench -- [flags]

Data set (deterministic; reused when the same flags were generated before):
  --profiles N            profiles on PostgreSQL, over 4 namespaces (one holds 70%)   default 20000
  --events-per-profile N  mean events per profile (skewed)                             default 10
  --seed N                generator seed                                               default ${DEFAULT_SEED}
  --regenerate            drop and generate again even if the data set matches

Targets:
  --target T              postgres | pglite | both                                     default both
  --database-url URL      bench database on a PostgreSQL server (created, and dropped and
                          created again when it holds another data set)
                          default $BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/bench_audience
  --pglite-profiles N     size of the embedded PGlite data set        default min(--profiles, 100000)
  --pglite-dir DIR        where PGlite data sets live                  default bench/.data

Suites:
  --suites LIST           segments,http,ingest,plan-cache,import,snapshots,exports,peers
                          default all but peers (http, plan-cache, import, exports and peers
                          run on PostgreSQL only)
  --segments LIST         only these reference segments (keys, see bench/reference-segments.ts)
  --runs N                timed runs per statement (after one warm-up)  default 7
  --http-seconds N        seconds per load level                        default 10
  --http-connections LIST concurrent connections                        default 1,10,50
  --pool-size N           server connection pool (DB_POOL_SIZE)         default 10
  --peer-connections LIST peers suite: concurrent connections          default 1,8
  --peer-rounds N         peers suite: alternating rounds (A B, B A, …) per level   default 3
  --ingest-batches N      trackEvents batches of 1,000 per phase        default 10
  --profile-batches N     upsertProfiles batches of 1,000 per phase     default 3
  --no-compare            skip the ingest run without the new indexes
  --drop-indexes LIST     run every suite without these indexes (rebuilt afterwards), e.g.
                          profile_last_purchase_idx, to measure what an index buys
  --add-index SQL         run every suite with a candidate index (repeatable; dropped afterwards),
                          e.g. "create index event_type_time_idx on event (namespace_id, type, occurred_at)"
  --ingest-breakdown      also measure ingest with each new index dropped alone
  --import-rows N         rows of the generated customers CSV the import suite imports  default 100000
                          (issue 7's target is stated for 1000000)
  --snapshot-takes N      snapshots of the ~600k-member segment taken, each timed       default 3

Output:
  --out DIR               results folder                                default bench/results
  --reference             also copy the Markdown summary to bench/REFERENCE.md
  --render FILE.json      only re-render the Markdown summary of an earlier run
  --help`;

function positive(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (!raw || !Number.isInteger(n) || n < 1) throw new Error(`${name} takes a whole number of at least 1 (got ${JSON.stringify(raw)})`);
  return n;
}

function list(name: string, raw: string | undefined): string[] {
  if (!raw) throw new Error(`${name} takes a comma-separated list`);
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Parses argv (without node and the script); throws with a message on a bad flag. */
export function parseArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): BenchArgs | 'help' {
  const flags = new Map<string, string | undefined>();
  const addIndexes: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"`);
    const at = arg.indexOf('=');
    const name = at < 0 ? arg.slice(2) : arg.slice(2, at);
    const inline = at < 0 ? undefined : arg.slice(at + 1);
    const boolean = ['regenerate', 'no-compare', 'ingest-breakdown', 'reference', 'help'].includes(name);
    const value = boolean ? 'true' : (inline ?? argv[++i]);
    if (name === 'add-index') {
      if (!value || !/^\s*create\s+index\s+[a-z_][a-z0-9_]*\s+on\s/i.test(value)) throw new Error('--add-index takes a "create index <name> on …" statement');
      addIndexes.push(value);
    }
    flags.set(name, value);
  }
  if (flags.has('help')) return 'help';
  const known = new Set(['profiles', 'events-per-profile', 'seed', 'target', 'database-url', 'pglite-profiles', 'pglite-dir', 'suites', 'segments', 'runs',
    'http-seconds', 'http-connections', 'pool-size', 'ingest-batches', 'profile-batches', 'no-compare', 'ingest-breakdown', 'regenerate', 'out', 'reference', 'drop-indexes', 'add-index',
    'import-rows', 'snapshot-takes', 'peer-connections', 'peer-rounds']);
  for (const name of flags.keys()) if (!known.has(name)) throw new Error(`unknown flag --${name}; see --help`);
  const get = (name: string) => flags.get(name);
  const profiles = get('profiles') ? positive('--profiles', get('profiles')) : 20_000;
  const target = (get('target') ?? 'both') as BenchArgs['target'];
  if (!['postgres', 'pglite', 'both'].includes(target)) throw new Error(`--target is postgres, pglite or both (got "${target}")`);
  const suites = (get('suites') ? list('--suites', get('suites')) : [...DEFAULT_SUITES]) as Suite[];
  for (const suite of suites) if (!SUITES.includes(suite)) throw new Error(`unknown suite "${suite}"; the suites are ${SUITES.join(', ')}`);
  return {
    profiles,
    eventsPerProfile: get('events-per-profile') ? positive('--events-per-profile', get('events-per-profile')) : 10,
    seed: get('seed') ? positive('--seed', get('seed')) : DEFAULT_SEED,
    target,
    databaseUrl: get('database-url') ?? env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bench_audience',
    pgliteProfiles: get('pglite-profiles') ? positive('--pglite-profiles', get('pglite-profiles')) : Math.min(profiles, 100_000),
    pgliteDir: get('pglite-dir') ?? 'bench/.data',
    suites,
    ...(get('segments') ? { segments: list('--segments', get('segments')) } : {}),
    runs: get('runs') ? positive('--runs', get('runs')) : 7,
    httpSeconds: get('http-seconds') ? positive('--http-seconds', get('http-seconds')) : 10,
    httpConnections: get('http-connections') ? list('--http-connections', get('http-connections')).map((c) => positive('--http-connections', c)) : [1, 10, 50],
    poolSize: get('pool-size') ? positive('--pool-size', get('pool-size')) : 10,
    peerConnections: get('peer-connections') ? list('--peer-connections', get('peer-connections')).map((c) => positive('--peer-connections', c)) : [1, 8],
    peerRounds: get('peer-rounds') ? positive('--peer-rounds', get('peer-rounds')) : 3,
    ingestBatches: get('ingest-batches') ? positive('--ingest-batches', get('ingest-batches')) : 10,
    profileBatches: get('profile-batches') ? positive('--profile-batches', get('profile-batches')) : 3,
    compare: !flags.has('no-compare'),
    breakdown: flags.has('ingest-breakdown'),
    importRows: get('import-rows') ? positive('--import-rows', get('import-rows')) : 100_000,
    snapshotTakes: get('snapshot-takes') ? positive('--snapshot-takes', get('snapshot-takes')) : 3,
    regenerate: flags.has('regenerate'),
    out: get('out') ?? 'bench/results',
    reference: flags.has('reference'),
    dropIndexes: get('drop-indexes') ? list('--drop-indexes', get('drop-indexes')) : [],
    addIndexes,
  };
}
