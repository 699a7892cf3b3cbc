import { ConfigError, loadConfig } from '../src/config';

describe('configuration', () => {
  test('defaults: embedded PGlite in ./.data on port 4000', () => {
    expect(loadConfig({}, '/srv/app')).toEqual({
      port: 4000,
      host: '127.0.0.1',
      database: { kind: 'pglite', dataDir: '/srv/app/.data', thread: 'worker' },
      autoMigrate: true,
      adminToken: null,
      seedDemo: true,
      exposeQueryStats: false,
      statementTimeoutMs: 30000,
      logQueries: false,
      jobConcurrency: 4,
      jobRetryDelayMs: 5000,
      shutdownGraceMs: 10000,
      requestTimeoutMs: 60000,
      logQueryParams: false,
      logLevel: 'info',
      logFormat: 'auto',
      metrics: { enabled: false, token: null },
      corsOrigins: null,
      compression: true,
      introspection: true,
      compiledExecution: true,
      queryLimits: { maxCost: 10000, maxDepth: 12, maxAliases: 30, maxDirectives: 30, maxTokens: 10000 },
      feedSecretKey: null,
      webhookAllowPrivateAddresses: false,
      imports: { dir: '/srv/app/.data/imports', maxBytes: 10 * 1024 ** 3, batchRows: 5000 },
      exports: { dir: '/srv/app/.data/exports', ttlMs: 24 * 3600_000 },
    });
  });

  test('SEED_DEMO defaults to true on the embedded database and to false on a PostgreSQL server', () => {
    expect(loadConfig({}).seedDemo).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/a' }).seedDemo).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/a', SEED_DEMO: 'true' }).seedDemo).toBe(true);
  });

  test('CORS_ORIGINS: off by default, * or a list of exact origins', () => {
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toEqual({ anyOrigin: true });
    expect(loadConfig({ CORS_ORIGINS: 'https://builder.example.com, http://localhost:3000/' }).corsOrigins).toEqual({ anyOrigin: false, origins: new Set(['https://builder.example.com', 'http://localhost:3000']) });
  });

  test('WEBHOOK_ALLOW_PRIVATE_ADDRESSES is off unless turned on', () => {
    expect(loadConfig({}).webhookAllowPrivateAddresses).toBe(false);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' }).webhookAllowPrivateAddresses).toBe(true);
    expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'sometimes' })).toThrow('Invalid configuration: WEBHOOK_ALLOW_PRIVATE_ADDRESSES must be true or false (got "sometimes")');
  });

  test('PGLITE_THREAD=main runs the embedded database on the main thread', () => {
    expect(loadConfig({ PGLITE_THREAD: 'main', DATA_DIR: '/d' }).database).toEqual({ kind: 'pglite', dataDir: '/d', thread: 'main' });
  });

  test('COMPILED_EXECUTION=false has graphql-js interpret every operation', () => {
    expect(loadConfig({ COMPILED_EXECUTION: 'false' }).compiledExecution).toBe(false);
    expect(() => loadConfig({ COMPILED_EXECUTION: 'jit' })).toThrow('COMPILED_EXECUTION');
  });

  test('DATABASE_URL selects a PostgreSQL server', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/a', DB_POOL_SIZE: '20', AUTO_MIGRATE: 'false' }).database).toEqual({ kind: 'postgres', url: 'postgres://u@db:5432/a', poolSize: 20 });
  });

  test.each([
    [{ PORT: 'abc' }, 'Invalid configuration: PORT must be a whole number from 0 to 65535 (got "abc")'],
    [{ PORT: '70000' }, 'Invalid configuration: PORT must be a whole number from 0 to 65535 (got "70000")'],
    [{ DATABASE_URL: 'mysql://x' }, 'Invalid configuration: DATABASE_URL must start with postgres:// or postgresql://'],
    [{ AUTO_MIGRATE: 'maybe' }, 'Invalid configuration: AUTO_MIGRATE must be true or false (got "maybe")'],
    [{ ADMIN_TOKEN: 'short' }, 'Invalid configuration: ADMIN_TOKEN must be at least 24 characters long'],
    [{ CORS_ORIGINS: 'https://a.example/path' }, 'Invalid configuration: CORS_ORIGINS must be * or a comma-separated list of origins such as https://builder.example.com, without paths (got "https://a.example/path")'],
    [{ METRICS_TOKEN: 'short' }, 'Invalid configuration: METRICS_TOKEN must be at least 16 characters long'],
    [{ LOG_FORMAT: 'xml' }, 'Invalid configuration: LOG_FORMAT must be one of auto, json, pretty (got "xml")'],
    [{ PGLITE_THREAD: 'process' }, 'Invalid configuration: PGLITE_THREAD must be one of worker, main (got "process")'],
    [{ QUERY_MAX_COST: '0' }, 'Invalid configuration: QUERY_MAX_COST must be a whole number from 1 to 10000000 (got "0")'],
    [{ FEED_SECRET_KEY: 'short' }, 'Invalid configuration: FEED_SECRET_KEY must be 32 bytes, as 64 hex digits or 44 characters of base64 (openssl rand -hex 32)'],
    [{ IMPORT_BATCH_ROWS: '0' }, 'Invalid configuration: IMPORT_BATCH_ROWS must be a whole number from 1 to 200000 (got "0")'],
    [{ JOB_CONCURRENCY: '64' }, 'Invalid configuration: JOB_CONCURRENCY must be a whole number from 0 to 32 (got "64")'],
    [{ JOB_RETRY_DELAY_MS: '-1' }, 'Invalid configuration: JOB_RETRY_DELAY_MS must be a whole number from 0 to 600000 (got "-1")'],
  ])('%j is refused with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError('', '').constructor as typeof ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
