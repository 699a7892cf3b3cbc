import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AppConfig } from './config';
import { Database } from './db/database';
import { DatabaseFailedError } from './db/pglite-abort';
import type { CaseFoldInstall } from './db/case-fold.sql';
import { Sql, type QueryObserver } from './db/sql';
import { RequestContext } from './graphql/context';
import { createErrorFormatter } from './graphql/errors';
import { compiledGateway } from './graphql/executor';
import { queryLimits } from './graphql/query-limits';
import { requestTracePlugin } from './graphql/request-trace';
import { warningsPlugin } from './graphql/warnings';
import { buildAppSchema } from './graphql/schema';
import { createAdminServer, listenOnSocket } from './http/admin-server';
import { drainHttpServer } from './http/drain';
import { createHttpServer } from './http/server';
import { JobRunner, retryDelays } from './jobs';
import type { Logger, StructuredLogger } from './observability/logger';
import { Metrics } from './observability/metrics';
import { repairCustomIndexes, type IndexRepairSummary } from './services/custom-index-repair';
import { createProcessServices, DEFAULT_EXPORT_FILE_SETTINGS, DEFAULT_IMPORT_SETTINGS, feedJobHandler, importJobHandler, type ProcessServices } from './services';
import { EXPORT_EXPIRY_SCHEDULE, exportExpiryJob, exportJobHandler } from './services/export-job';
import { EXPORT_EXPIRY_JOB_KIND } from './services/export-job.service';
import { segmentEvaluationJob } from './services/segment-evaluation.job';
import { webhookDeliveryJob } from './services/webhook-delivery.job';
import { isAdminOperation, runAdminOperation } from './services/admin-operations';
import { AuthService } from './services/auth.service';
import { seedDemoIfEmpty } from './services/demo-seed';

export type { Logger } from './observability/logger';

export const consoleLogger: Logger = {
  info: (message) => console.log(message),
  error: (message, detail) => console.error(message, detail ?? ''),
};

/** A logger's structured lines; a plain `Logger` gets them as `info` with fields. */
function linesOf(logger: Logger): (message: string, fields: Readonly<Record<string, unknown>>) => void {
  const structured = logger as Partial<StructuredLogger>;
  return structured.line ? structured.line.bind(structured) : (message, fields) => logger.info(message, fields);
}

export interface App {
  readonly url: string;
  readonly db: Database;
  readonly server: Server;
  /** The background job runner of this process (src/jobs); register handlers before it starts. */
  readonly jobs: JobRunner;
  /** The demo namespace's key, when this start created it. */
  readonly demoKey: string | null;
  /** What every request of this process shares (running exports, …). */
  readonly shared: ProcessServices;
  /** This process's Prometheus metrics (served at /metrics only when METRICS=true). */
  readonly metrics: Metrics;
  /**
   * The start-up repair of custom-field indexes (src/services/custom-index-repair.ts), running in
   * the background once the server listens; null when it failed (logged).
   */
  readonly indexRepair: Promise<IndexRepairSummary | null>;
  /**
   * Stops gracefully: refuses new connections, lets requests in flight finish for up to `graceMs`
   * (then cuts them), stops the job runner, and closes the database (PGlite checkpoints first).
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * The composition root: opens the database, migrates it, builds the schema, Apollo and the HTTP
 * server, and wires them together. Everything the service needs comes through `config`.
 */
export async function createApp(config: AppConfig, logger: Logger = consoleLogger): Promise<App> {
  const line = linesOf(logger);
  const opened: { db?: Database } = {};
  const metrics = new Metrics(() => opened.db?.poolUsage() ?? null, { defaultMetrics: config.metrics.enabled });
  const observer: QueryObserver = {
    query: (event) => {
      metrics.sql(event.failed, event.durationMs / 1000);
      if (event.label?.startsWith('segment.')) metrics.evaluation(event.label.slice('segment.'.length), event.durationMs / 1000);
      if (config.logQueries) {
        line('sql', {
          reqId: event.requestId ?? null,
          sql: event.sql,
          ...(config.logQueryParams ? { params: event.params } : { paramCount: event.params.length }),
          durationMs: Math.round(event.durationMs * 10) / 10,
          ...(event.label ? { label: event.label } : {}),
          ...(event.failed ? { failed: true } : {}),
        });
      }
    },
  };
  const db = await Database.open(config.database, {
    statementTimeoutMs: config.statementTimeoutMs, observer, command: 'serve',
    onFailure: (failure, error) => logger.error(`FATAL: the embedded database (PGlite) aborted (${failure.message}); this process stops serving: /healthz and /readyz answer 503 and every request gets 503. Restart it.`, error),
  });
  opened.db = db;
  let closing = false;
  let admin: Server | undefined;
  let jobs: JobRunner | undefined;
  try {
    await prepareSchema(db, config, logger);
    const applied = new Set(await db.appliedMigrations());
    jobs = await JobRunner.create(db, { logger, concurrency: config.jobConcurrency, retryDelayMs: retryDelays(config.jobRetryDelayMs ?? 5_000) });
    const demoKey = config.seedDemo ? await seedDemoIfEmpty(db.orm.em.fork(), logger) : null;
    const auth = new AuthService(config.adminToken);
    const shared = createProcessServices(jobs, config.imports ?? DEFAULT_IMPORT_SETTINGS, config.feedSecretKey ?? null, config.exports ?? DEFAULT_EXPORT_FILE_SETTINGS);
    jobs.register(importJobHandler(shared.imports));
    jobs.register(feedJobHandler({ jobs: shared.jobs, imports: shared.imports, secretKey: shared.feedSecretKey }));
    jobs.register(segmentEvaluationJob(shared));
    jobs.register(webhookDeliveryJob({ allowPrivateAddresses: config.webhookAllowPrivateAddresses ?? false, logError: (message) => logger.error(message) }));
    jobs.register(exportJobHandler(shared));
    jobs.register(exportExpiryJob(shared.exportFiles));
    await shared.schedules.upsert(new Sql(db.orm.em.fork()), { name: EXPORT_EXPIRY_SCHEDULE, namespaceId: null, kind: EXPORT_EXPIRY_JOB_KIND, cron: '*/10 * * * *', maxAttempts: 1 });
    admin = await startAdminEndpoint(db, auth, logger, shared);
    const limits = queryLimits(config.queryLimits);
    const schema = await buildAppSchema();
    const apollo = new ApolloServer<RequestContext>({
      ...(config.compiledExecution === false ? { schema } : { gateway: compiledGateway(schema) }),
      parseOptions: limits.parseOptions,
      validationRules: limits.validationRules,
      formatError: createErrorFormatter(logger),
      includeStacktraceInErrorResponses: false,
      introspection: config.introspection,
      // No field sets a cache hint, and the default cache-control plugin wraps every field resolver (~5% of a ProfilePage).
      plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), requestTracePlugin, limits.plugin, warningsPlugin()],
      // main.ts owns the signals: it stops the HTTP server, Apollo and the database in order.
      stopOnTerminationSignals: false,
    });
    await apollo.start();
    const server = createHttpServer({
      apollo,
      exposeQueryStats: config.exposeQueryStats,
      logger,
      healthy: () => db.healthy(),
      unavailable: () => (db.failure ? new DatabaseFailedError(db.failure).message : undefined),
      ready: async () => {
        if (db.failure) return { ready: false, reason: new DatabaseFailedError(db.failure).message };
        if (closing) return { ready: false, reason: 'shutting down' };
        const pending = Database.knownMigrations().filter((name) => !applied.has(name));
        if (pending.length) {
          for (const name of await db.appliedMigrations()) applied.add(name);
          const still = pending.filter((name) => !applied.has(name));
          if (still.length) return { ready: false, reason: `${still.length} migration(s) not applied: ${still.join(', ')}` };
        } else {
          await db.orm.em.fork().getConnection().execute('select 1 as ok');
        }
        return { ready: true };
      },
      metrics: config.metrics.enabled ? { token: config.metrics.token, render: () => metrics.render(), contentType: metrics.contentType } : undefined,
      cors: config.corsOrigins,
      compression: config.compression,
      requestFinished: (entry) => {
        metrics.request(entry.route, entry.operation, entry.errorCode ?? (entry.status >= 500 ? 'HTTP_' + entry.status : 'OK'), entry.durationMs / 1000);
        if (entry.route === '/graphql' || entry.route === '/exports') line('request', entry);
        else (logger as Partial<StructuredLogger>).debug?.('request', entry);
      },
      contextFor: async (authorization, requestId, clientGone) => {
        const em = db.orm.em.fork();
        const caller = await auth.authenticate(authorization, em);
        return new RequestContext(db.orm.em, caller, { keyRevoked: () => auth.forget() }, shared, requestId, { clientGone, timeoutMs: config.requestTimeoutMs });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
    // With JOB_CONCURRENCY=0 this process enqueues jobs but runs none (another process does).
    if (config.jobConcurrency > 0) jobs.start();
    // Indexes a crash left BUILDING (or that went missing) are rebuilt behind the serving process.
    const indexRepair = repairCustomIndexes(new Sql(db.orm.em.fork()), line, () => closing).catch((error: unknown) => {
      logger.error('custom index repair failed', error);
      return null;
    });
    const runner = jobs;
    const address = server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    return {
      url: `http://${host}:${address.port}`,
      db,
      server,
      jobs: runner,
      demoKey,
      shared,
      metrics,
      indexRepair,
      close: async (graceMs = 0) => {
        closing = true;
        const [{ forced }] = await Promise.all([drainHttpServer(server, graceMs), runner.stop(), indexRepair]);
        if (forced) logger.error(`shutdown: requests still in flight after ${graceMs} ms were cut`);
        await apollo.stop();
        await closeServer(admin);
        await db.close();
      },
    };
  } catch (error) {
    await jobs?.stop();
    await closeServer(admin);
    await db.close();
    throw error;
  }
}

function closeServer(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
}

/** A Unix socket path for the admin endpoint: in the data directory, or in tmp when that path is too long. */
export function adminSocketPath(dataDir: string): string {
  const inDir = join(dataDir, 'admin.sock');
  return Buffer.byteLength(inDir) <= 100 ? inDir : join(tmpdir(), `audience-graph-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}.sock`);
}

/**
 * A server that owns an embedded database serves the CLI's admin operations on a Unix socket and
 * writes where to find it (and its token) into the data directory's lock file.
 */
async function startAdminEndpoint(db: Database, auth: AuthService, logger: Logger, shared: ProcessServices): Promise<Server | undefined> {
  if (!db.lock) return undefined;
  const token = randomBytes(32).toString('base64url');
  const server = createAdminServer({
    token,
    logger,
    run: async (name, input) =>
      isAdminOperation(name) ? runAdminOperation(name, { em: db.orm.em.fork(), appliedMigrations: () => db.appliedMigrations(), keyRevoked: () => auth.forget(), shared }, input) : undefined,
  });
  const path = adminSocketPath(db.lock.dataDir);
  await listenOnSocket(server, path);
  db.lock.advertise(path, token);
  return server;
}

async function prepareSchema(db: Database, config: AppConfig, logger: Logger): Promise<void> {
  if (config.autoMigrate) {
    const applied = await db.migrate();
    if (applied.length) logger.info(`Applied migrations: ${applied.join(', ')}`);
    reportCaseFold(db.caseFold ?? (await db.ensureCaseFold()), logger);
    return;
  }
  const pending = await db.orm.getMigrator().getPendingMigrations();
  if (pending.length) {
    throw new Error(`The database has ${pending.length} pending migration(s) (${pending.map((m) => m.name).join(', ')}) and AUTO_MIGRATE is false: run "npm run migrate" first.`);
  }
  reportCaseFold(await db.ensureCaseFold(), logger);
}

/** Says what `audience_fold()` this server got (`Database.ensureCaseFold` refuses to start when nothing folds like the service). */
function reportCaseFold(fold: CaseFoldInstall, logger: Logger): void {
  if (fold.replaced) logger.info(`audience_fold() installed for this server: lower() under "${fold.collation}", ${fold.translated} code point(s) translated first`);
  if (fold.slow) {
    logger.info(
      'Warning: the database has neither the pg_c_utf8 nor a C.utf8 collation: case-insensitive audience conditions (contains, starts with, ends with) are exact but slow on non-ASCII text. Use PostgreSQL 17+ or a server with C.utf8.',
    );
  }
}
