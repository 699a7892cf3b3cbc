import { randomBytes } from 'node:crypto';
import { createApp, type App, type Logger } from '../../src/app';
import type { AppConfig } from '../../src/config';
import { DEFAULT_QUERY_LIMITS } from '../../src/graphql/query-limits';
import { createScratchPgDatabase, TEST_TARGETS, type TestTarget } from './databases';

export const TEST_ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;

export interface TestApp {
  readonly app: App;
  readonly url: string;
  close(): Promise<void>;
}

/** Quiet by default; TEST_LOG=1 shows the server's logs (internal errors included). */
const quiet = process.env.TEST_LOG ? { info: (m: string) => console.log(m), error: (m: string, d?: unknown) => console.error(m, d) } : { info: () => undefined, error: () => undefined };

/** Starts the real app (HTTP on a free port) on a fresh database of the given kind. */
export async function startTestApp(target: TestTarget, overrides: Partial<AppConfig> = {}, logger: Logger = quiet): Promise<TestApp> {
  const scratch = target.name === 'postgres' ? await createScratchPgDatabase() : undefined;
  const config: AppConfig = {
    port: 0,
    host: '127.0.0.1',
    database: scratch ? { kind: 'postgres', url: scratch.url, poolSize: 5 } : { kind: 'pglite', dataDir: 'memory://' },
    autoMigrate: true,
    adminToken: TEST_ADMIN_TOKEN,
    seedDemo: false,
    exposeQueryStats: true,
    statementTimeoutMs: 30_000,
    logQueries: false,
    jobConcurrency: 4,
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
    ...overrides,
  };
  const app = await createApp(config, logger);
  return {
    app,
    url: `${app.url}/graphql`,
    close: async () => {
      await app.close();
      await scratch?.drop();
    },
  };
}

/** A `describe` block per test database, with the app started once for the block. */
export function describeEachApp(title: string, body: (get: () => TestApp) => void, overrides: Partial<AppConfig> = {}, logger?: Logger): void {
  describe.each(TEST_TARGETS)(`${title} on $name`, (target) => {
    let started: TestApp | undefined;
    beforeAll(async () => {
      started = await startTestApp(target, overrides, logger);
    });
    afterAll(async () => {
      await started?.close();
    });
    body(() => {
      if (!started) throw new Error('test app is not started');
      return started;
    });
  });
}
