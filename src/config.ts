import { join, resolve } from 'node:path';
import type { DatabaseTarget } from './db/database';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './graphql/query-limits';

/** Configuration, from environment variables. Validated at start-up: a bad value stops the start. */
export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseTarget;
  readonly autoMigrate: boolean;
  readonly adminToken: string | null;
  readonly seedDemo: boolean;
  readonly exposeQueryStats: boolean;
  readonly statementTimeoutMs: number;
  readonly logQueries: boolean;
  /** Log the values of SQL parameters too (only with logQueries; they may hold personal data). */
  readonly logQueryParams: boolean;
  /** pino level. */
  readonly logLevel: string;
  /** `pretty` (human), `json`, or `auto`: pretty when stdout is a terminal. */
  readonly logFormat: 'auto' | 'json' | 'pretty';
  /** Browser origins allowed by CORS: none (null), every origin, or a list. */
  readonly corsOrigins: { readonly anyOrigin: true } | { readonly anyOrigin: false; readonly origins: ReadonlySet<string> } | null;
  /** gzip GraphQL responses and GraphiQL assets. */
  readonly compression: boolean;
  /** Answer GraphQL introspection (GraphiQL's docs and completion need it). */
  readonly introspection: boolean;
  /** Run GraphQL operations compiled (graphql-jit), each compiled on its second request; false: graphql-js interprets every request. Default true. */
  readonly compiledExecution?: boolean;
  /** Prometheus metrics at /metrics: off unless enabled; with a token, only for `Bearer <token>`. */
  readonly metrics: { readonly enabled: boolean; readonly token: string | null };
  /** Background jobs this process runs at once (0: it runs none; another process must). */
  readonly jobConcurrency: number;
  /** Delay before the first retry of a job that failed with an internal error; each next retry waits 4× longer (at most 10 min). */
  readonly jobRetryDelayMs?: number;
  /** Deadline of one GraphQL request (0: none): then its statements stop. */
  readonly requestTimeoutMs: number;
  /** How long `serve` lets requests in flight finish after SIGTERM/SIGINT. */
  readonly shutdownGraceMs: number;
  /** Cost, depth, alias, directive and token limits of GraphQL requests. */
  readonly queryLimits: QueryLimits;
  /** FEED_SECRET_KEY: 32 bytes that encrypt feed credentials; null when unset (feeds cannot be saved). */
  readonly feedSecretKey?: Buffer | null;
  /** File imports: where uploads are kept, the largest file accepted, rows per transaction. */
  readonly imports?: { readonly dir: string; readonly maxBytes: number; readonly batchRows: number };
  /** Export jobs: where their files go, and how long a file may be downloaded (ms) before the sweep deletes it. */
  readonly exports?: { readonly dir: string; readonly ttlMs: number };
  /** WEBHOOK_ALLOW_PRIVATE_ADDRESSES: webhook deliveries may reach loopback, private and link-local addresses (default false). */
  readonly webhookAllowPrivateAddresses?: boolean;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

/** The variables read, with what each accepts; the README's config table mirrors this. */
export const CONFIG_VARIABLES = {
  PORT: 'HTTP port (0–65535; 0 picks a free one). Default 4000.',
  HOST: 'Interface to listen on. Default 127.0.0.1; use 0.0.0.0 in a container.',
  DATABASE_URL: 'postgres://… of a PostgreSQL 14+ server. Unset: embedded PGlite in DATA_DIR.',
  DATA_DIR: 'Directory of the embedded PGlite database (its files in pgdata/, beside the lock file and admin socket). Default ./.data.',
  PGLITE_THREAD: 'worker (the embedded database runs in a thread of its own, so /healthz, timers and other requests go on during a long statement) or main (in the main thread). Default worker.',
  DB_POOL_SIZE: 'Connections to the PostgreSQL server (1–100). Default 10.',
  AUTO_MIGRATE: 'Apply migrations on start (true/false). Default true; when false, pending migrations stop the start.',
  ADMIN_TOKEN: 'Platform admin token (at least 24 characters) for createNamespace. Unset: no admin access.',
  SEED_DEMO: 'Create a demo namespace with generated profiles when the database is empty (true/false). Default true on the embedded database, false on a PostgreSQL server.',
  EXPOSE_QUERY_STATS: 'Add an x-sql-statements header to GraphQL responses (true/false). Default false.',
  STATEMENT_TIMEOUT_MS: 'Per-statement time limit (100–3600000), on a PostgreSQL server and on a PGlite directory (by reopening it). Default 30000.',
  LOG_QUERIES: 'Log every SQL statement, ORM and raw, with its duration and request ID (true/false). Values are left out. Default false.',
  LOG_QUERY_PARAMS: 'With LOG_QUERIES, log the parameter values too (true/false; they may be personal data). Default false.',
  LOG_LEVEL: 'trace, debug, info, warn, error or silent. Default info.',
  LOG_FORMAT: 'json, pretty or auto (pretty when stdout is a terminal). Default auto.',
  CORS_ORIGINS: 'Browser origins allowed to call /graphql and /exports (CORS): a comma-separated list of origins (https://builder.example.com), or *. Default: none (CORS off).',
  COMPRESSION: 'gzip GraphQL responses and GraphiQL assets for clients that accept it (true/false). Default true. Exports are compressed only as .gz files.',
  INTROSPECTION: 'Answer GraphQL introspection queries (true/false). Default true; GraphiQL needs it for docs and completion.',
  COMPILED_EXECUTION: 'Run each GraphQL operation compiled to JavaScript (graphql-jit), compiled once on its second request (true/false). Default true; false interprets every request with graphql-js.',
  METRICS: 'Serve Prometheus metrics at /metrics (true/false). Default false.',
  METRICS_TOKEN: 'When set (at least 16 characters), /metrics answers only to "Authorization: Bearer <METRICS_TOKEN>".',
  JOB_CONCURRENCY: 'Background jobs (imports, feed runs, exports) this process runs at once (0–32). Default 4; 0 runs none here (another process must).',
  JOB_RETRY_DELAY_MS: 'Milliseconds before a job that failed with an internal error is retried; each next retry waits 4× longer, at most 10 minutes (0–600000). Default 5000.',
  REQUEST_TIMEOUT_MS: 'Deadline of one GraphQL request (0–3600000; 0: none). Then no further statement starts and, on PostgreSQL, the running one is cancelled. Default 60000.',
  SHUTDOWN_GRACE_MS: 'On SIGTERM or SIGINT, how long requests in flight may finish before they are cut (0–600000). Default 10000; a second signal exits at once.',
  QUERY_MAX_COST: 'Highest cost of one GraphQL operation (1–10000000; see docs/operations.md). Default 10000.',
  QUERY_MAX_DEPTH: 'Deepest field nesting of a GraphQL operation (1–100). Default 12.',
  QUERY_MAX_ALIASES: 'Most aliases in a GraphQL operation (0–1000). Default 30.',
  QUERY_MAX_DIRECTIVES: 'Most directives in a GraphQL operation (0–1000). Default 30.',
  QUERY_MAX_TOKENS: 'Most tokens in a GraphQL document (100–1000000). Default 10000.',
  IMPORT_DIR: 'Directory for uploaded import files (one folder per namespace; a file is deleted when its import ends). Default DATA_DIR/imports, or ./.imports on a PostgreSQL server.',
  IMPORT_MAX_BYTES: 'Largest import file accepted, in bytes (1024–1099511627776). Default 10737418240 (10 GiB).',
  IMPORT_BATCH_ROWS: 'Rows of an import file applied per transaction (1–200000). Default 5000 (`npm run import`, which runs Node with a 4 MB semi-space, peaked at 242–266 MiB at 200,000 rows and 280–284 MiB at 1,000,000; larger batches hold more rows in memory at once and gain little).',
  EXPORT_DIR: 'Directory for the files of export jobs (createExport; one folder per namespace). Default DATA_DIR/exports, or ./.exports on a PostgreSQL server.',
  EXPORT_TTL_HOURS: 'How long a finished export file may be downloaded, in hours (1–8760); then it is deleted and its download answers 410. Default 24.',
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'Let webhook deliveries reach loopback, private, link-local (169.254.169.254 cloud metadata included) and other non-public addresses (true/false). Default false: such a receiver is refused before anything is sent, and the delivery log says why. Turn on only for a receiver on a private network you trust.',
  FEED_SECRET_KEY: 'Key that encrypts the SFTP passwords and private keys of managed feeds (AES-256-GCM): 32 bytes as 64 hex digits or base64. Unset: feeds cannot be saved.',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: keyof typeof CONFIG_VARIABLES, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  }
  return Number(raw);
}

function flag(env: Env, name: keyof typeof CONFIG_VARIABLES, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false (got ${JSON.stringify(env[name])})`);
}

function oneOf<T extends string>(env: Env, name: keyof typeof CONFIG_VARIABLES, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got ${JSON.stringify(env[name])})`);
  return raw as T;
}

function corsOrigins(env: Env): AppConfig['corsOrigins'] {
  const raw = env.CORS_ORIGINS?.trim();
  if (!raw) return null;
  if (raw === '*') return { anyOrigin: true };
  const origins = new Set<string>();
  for (const item of raw.split(',').map((o) => o.trim()).filter(Boolean)) {
    let origin: string | undefined;
    try {
      origin = new URL(item).origin;
    } catch {
      origin = undefined;
    }
    if (!origin || origin === 'null' || origin !== item.replace(/\/$/, '')) {
      throw new ConfigError('CORS_ORIGINS', `must be * or a comma-separated list of origins such as https://builder.example.com, without paths (got ${JSON.stringify(item)})`);
    }
    origins.add(origin);
  }
  return { anyOrigin: false, origins };
}

function metricsToken(env: Env): string | null {
  const token = env.METRICS_TOKEN?.trim() || null;
  if (token !== null && token.length < 16) throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters long');
  return token;
}

function feedKey(env: Env): Buffer | null {
  const raw = env.FEED_SECRET_KEY?.trim();
  if (!raw) return null;
  const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : /^[A-Za-z0-9+/]{43}=?$/.test(raw) ? Buffer.from(raw, 'base64') : undefined;
  if (key?.length !== 32) throw new ConfigError('FEED_SECRET_KEY', 'must be 32 bytes, as 64 hex digits or 44 characters of base64 (openssl rand -hex 32)');
  return key;
}

/**
 * Reads and validates the configuration.
 *
 * @example loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://localhost/audience' })
 */
export function loadConfig(env: Env, cwd: string = process.cwd()): AppConfig {
  const url = env.DATABASE_URL?.trim();
  let database: DatabaseTarget;
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) throw new ConfigError('DATABASE_URL', 'must start with postgres:// or postgresql://');
    try {
      new URL(url);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a valid URL');
    }
    database = { kind: 'postgres', url, poolSize: integer(env, 'DB_POOL_SIZE', 10, 1, 100) };
  } else {
    database = { kind: 'pglite', dataDir: resolve(cwd, env.DATA_DIR?.trim() || '.data'), thread: oneOf(env, 'PGLITE_THREAD', ['worker', 'main'] as const, 'worker') };
  }
  const adminToken = env.ADMIN_TOKEN?.trim() || null;
  if (adminToken !== null && adminToken.length < 24) throw new ConfigError('ADMIN_TOKEN', 'must be at least 24 characters long');
  return {
    port: integer(env, 'PORT', 4000, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    database,
    autoMigrate: flag(env, 'AUTO_MIGRATE', true),
    adminToken,
    seedDemo: flag(env, 'SEED_DEMO', database.kind === 'pglite'),
    exposeQueryStats: flag(env, 'EXPOSE_QUERY_STATS', false),
    statementTimeoutMs: integer(env, 'STATEMENT_TIMEOUT_MS', 30_000, 100, 3_600_000),
    logQueries: flag(env, 'LOG_QUERIES', false),
    logQueryParams: flag(env, 'LOG_QUERY_PARAMS', false),
    logLevel: oneOf(env, 'LOG_LEVEL', ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const, 'info'),
    logFormat: oneOf(env, 'LOG_FORMAT', ['auto', 'json', 'pretty'] as const, 'auto'),
    metrics: { enabled: flag(env, 'METRICS', false), token: metricsToken(env) },
    corsOrigins: corsOrigins(env),
    compression: flag(env, 'COMPRESSION', true),
    introspection: flag(env, 'INTROSPECTION', true),
    compiledExecution: flag(env, 'COMPILED_EXECUTION', true),
    jobConcurrency: integer(env, 'JOB_CONCURRENCY', 4, 0, 32),
    jobRetryDelayMs: integer(env, 'JOB_RETRY_DELAY_MS', 5_000, 0, 600_000),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 60_000, 0, 3_600_000),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    queryLimits: {
      maxCost: integer(env, 'QUERY_MAX_COST', DEFAULT_QUERY_LIMITS.maxCost, 1, 10_000_000),
      maxDepth: integer(env, 'QUERY_MAX_DEPTH', DEFAULT_QUERY_LIMITS.maxDepth, 1, 100),
      maxAliases: integer(env, 'QUERY_MAX_ALIASES', DEFAULT_QUERY_LIMITS.maxAliases, 0, 1000),
      maxDirectives: integer(env, 'QUERY_MAX_DIRECTIVES', DEFAULT_QUERY_LIMITS.maxDirectives, 0, 1000),
      maxTokens: integer(env, 'QUERY_MAX_TOKENS', DEFAULT_QUERY_LIMITS.maxTokens, 100, 1_000_000),
    },
    feedSecretKey: feedKey(env),
    webhookAllowPrivateAddresses: flag(env, 'WEBHOOK_ALLOW_PRIVATE_ADDRESSES', false),
    imports: {
      dir: resolve(cwd, env.IMPORT_DIR?.trim() || (database.kind === 'pglite' ? join(database.dataDir, 'imports') : '.imports')),
      maxBytes: integer(env, 'IMPORT_MAX_BYTES', 10 * 1024 ** 3, 1024, 1024 ** 4),
      batchRows: integer(env, 'IMPORT_BATCH_ROWS', 5_000, 1, 200_000),
    },
    exports: {
      dir: resolve(cwd, env.EXPORT_DIR?.trim() || (database.kind === 'pglite' ? join(database.dataDir, 'exports') : '.exports')),
      ttlMs: integer(env, 'EXPORT_TTL_HOURS', 24, 1, 8760) * 3600_000,
    },
  };
}
