import { MikroORM, DefaultLogger, type LogContext, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDriver } from 'mikro-orm-pglite';
import { mkdirSync } from 'node:fs';
import { migrationsList } from '../../migrations';
import { ENTITIES } from './entities';
import type { QueryStats } from './sql';

export type DatabaseTarget =
  | { readonly kind: 'pglite'; readonly dataDir: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly poolSize?: number };

export interface DatabaseOptions {
  /** Per-statement time limit on the PostgreSQL server, in milliseconds. */
  readonly statementTimeoutMs?: number;
  readonly logQueries?: boolean;
}

/** Counts EntityManager statements into the request's `QueryStats`, passed as logger context. */
class CountingLogger extends DefaultLogger {
  override logQuery(context: { query: string } & LogContext & { queryStats?: QueryStats }): void {
    if (context.queryStats && context.level !== 'error') context.queryStats.statements++;
    super.logQuery(context);
  }
}

/**
 * The database: a MikroORM instance over either an embedded PGlite (the default; data in a
 * directory, or `memory://`) or a PostgreSQL server. The SQL is the same on both.
 */
export class Database {
  private constructor(
    readonly orm: MikroORM,
    readonly target: DatabaseTarget,
    private readonly pglite: PGlite | undefined,
  ) {}

  static async open(target: DatabaseTarget, options: DatabaseOptions = {}): Promise<Database> {
    const common: Options = {
      entities: ENTITIES,
      extensions: [Migrator],
      migrations: { migrationsList, tableName: 'mikro_orm_migrations', transactional: true, allOrNothing: true, snapshot: false, silent: true },
      loggerFactory: (opts) => new CountingLogger(opts),
      debug: options.logQueries ? ['query', 'query-params'] : false,
      allowGlobalContext: false,
      discovery: { disableDynamicFileAccess: true, warnWhenNoEntities: false },
      ensureDatabase: false,
    };
    if (target.kind === 'postgres') {
      const timeout = options.statementTimeoutMs ?? 30_000;
      const orm = await MikroORM.init({
        ...common,
        driver: PostgreSqlDriver,
        clientUrl: target.url,
        pool: { min: 0, max: target.poolSize ?? 10 },
        driverOptions: { connection: { options: `-c TimeZone=UTC -c statement_timeout=${timeout}` } },
      });
      return new Database(orm, target, undefined);
    }
    const pglite = await openPGlite(target.dataDir);
    const orm = await MikroORM.init({
      ...common,
      driver: PGliteDriver,
      dbName: 'postgres',
      driverOptions: { connection: { pglite: () => pglite } },
    });
    return new Database(orm, target, pglite);
  }

  /** Applies pending migrations; returns the names applied. */
  async migrate(): Promise<string[]> {
    const applied = await this.orm.getMigrator().up();
    return applied.map((m) => m.name);
  }

  async close(): Promise<void> {
    await this.orm.close(true);
    if (this.pglite && !this.pglite.closed) await this.pglite.close();
  }
}

async function openPGlite(dataDir: string): Promise<PGlite> {
  const memory = dataDir === 'memory://' || dataDir === '';
  if (!memory) mkdirSync(dataDir, { recursive: true });
  const db = new PGlite(memory ? undefined : dataDir);
  await db.waitReady;
  await db.exec(`set timezone = 'UTC'`);
  return db;
}

