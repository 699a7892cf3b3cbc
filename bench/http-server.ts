import 'reflect-metadata';
import { DEFAULT_QUERY_LIMITS } from '../src/graphql/query-limits';
import { createApp } from '../src/app';
import { ApiKeyService } from '../src/services/api-key.service';

/**
 * The API server for the HTTP suite, in its own process so that the load generator does not
 * share its event loop: the real app (`createApp`) on the bench database with
 * `exposeQueryStats: true`. It reports its URL and a key for the namespace (VIEWER, or the role asked) to the parent.
 */
interface ServerConfig {
  readonly url: string;
  readonly poolSize: number;
  readonly namespaceId: string;
  /** The role of the key it reports (default VIEWER; the export suite needs MARKETER). */
  readonly role?: 'VIEWER' | 'MARKETER';
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_SERVER_CONFIG ?? '{}') as ServerConfig;
  const quiet = { info: () => undefined, error: (message: string, detail?: unknown) => console.error(message, detail ?? '') };
  const app = await createApp({
    port: 0, host: '127.0.0.1', database: { kind: 'postgres', url: config.url, poolSize: config.poolSize },
    autoMigrate: false, adminToken: null, seedDemo: false, exposeQueryStats: true, statementTimeoutMs: 60_000, logQueries: false, jobConcurrency: 0,
    queryLimits: DEFAULT_QUERY_LIMITS,
    shutdownGraceMs: 0,
    requestTimeoutMs: 60_000,
    logQueryParams: false,
    logLevel: 'info',
    logFormat: 'json',
    metrics: { enabled: false, token: null },
    corsOrigins: null,
    compression: true,
    introspection: true,
    // COMPILED_EXECUTION=false in the bench's environment measures graphql-js's interpreter instead (A/B).
    compiledExecution: process.env.COMPILED_EXECUTION !== 'false',
  }, quiet);
  const key = await new ApiKeyService(app.db.orm.em.fork()).issue(config.namespaceId, 'bench http', config.role ?? 'VIEWER', 'bench');
  process.on('message', (message) => {
    if (message === 'stop') void app.close().then(() => process.exit(0));
  });
  process.send?.({ url: app.url, key: key.secret });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
