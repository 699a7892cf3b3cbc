import { MikroORM, DefaultLogger, type LogContext, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { PGlite } from '@electric-sql/pglite';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { migrationsList } from '../../migrations';
import { DataDirLock } from './data-dir-lock';
import { ENTITIES } from './entities';
import { BoundPGliteDriver } from './pglite-driver';
import { watchForAbort, type DatabaseFailure } from './pglite-abort';
import { ensureCaseFold, type CaseFoldInstall } from './case-fold.sql';
import { PGliteThread } from './pglite-thread';
import { Sql, type QueryEvent, type QueryObserver, type QueryStats } from './sql';

export type DatabaseTarget =
  | {
      readonly kind: 'pglite';
      readonly dataDir: string;
      /** `worker`: PGlite runs in a thread of its own (`PGliteThread`); `main` (the default here): in this thread. */
      readonly thread?: 'worker' | 'main';
    }
  | { readonly kind: 'postgres'; readonly url: string; readonly poolSize?: number };

export interface DatabaseOptions {
  /** Per-statement time limit, in milliseconds: on the PostgreSQL server (default 30000), and on a PGlite directory in its own thread (none when unset; `PGliteThread`). */
  readonly statementTimeoutMs?: number;
  /** Told about every statement (logs with LOG_QUERIES, metrics). */
  readonly observer?: QueryObserver;
  /** What the opening process does (`serve`, `migrate`, …), recorded in the data directory's lock. */
  readonly command?: string;
  /** Called once if the embedded database aborts (a WebAssembly trap); the process should stop serving. */
  readonly onFailure?: (failure: DatabaseFailure, error: unknown) => void;
}

/** The database named by DATABASE_URL does not exist (it is never created implicitly). */
export class MissingDatabaseError extends Error {
  constructor(readonly database: string, server: string) {
    super(`The database "${database}" does not exist on the PostgreSQL server ${server} (DATABASE_URL). It is never created implicitly: check the name, or create it first (createdb ${JSON.stringify(database)}).`);
    this.name = 'MissingDatabaseError';
  }
}

/**
 * Counts EntityManager statements into the request's `QueryStats` (passed as logger context) and
 * reports every statement, the ORM's and raw `Sql`'s (`observeRaw`), to the observer. MikroORM's
 * own query printing stays off: the observer logs, with the values left out.
 */
class CountingLogger extends DefaultLogger {
  constructor(
    options: ConstructorParameters<typeof DefaultLogger>[0],
    private readonly observer: QueryObserver | undefined,
  ) {
    super(options);
  }

  override logQuery(context: { query: string } & LogContext & { queryStats?: QueryStats }): void {
    if (context.queryStats && context.level !== 'error') context.queryStats.statements++;
    this.observer?.query({ sql: context.query, params: context.params ?? [], durationMs: context.took ?? 0, failed: context.level === 'error', requestId: context.queryStats?.requestId });
  }

  observeRaw(event: QueryEvent): void {
    this.observer?.query(event);
  }
}

/**
 * The database: a MikroORM instance over either an embedded PGlite (the default; data in a
 * directory, or `memory://`) or a PostgreSQL server. The SQL is the same on both.
 */
/**
 * knex's own warnings, minus the pool's "Connection Error" notice for a connection that was
 * closed on purpose (an export whose client went away: see `copy-out.ts`), which the pool then
 * discards as it should.
 */
const KNEX_LOG = {
  warn(message: unknown) {
    if (typeof message === 'string' && message.startsWith('Connection Error:')) return;
    console.warn(message);
  },
};

export class Database {
  private constructor(
    readonly orm: MikroORM,
    readonly target: DatabaseTarget,
    private readonly pglite: PGlite | PGliteThread | undefined,
    /** The exclusive lock on the PGlite data directory (none for `memory://` or a server). */
    readonly lock: DataDirLock | undefined = undefined,
    private readonly watch: { failure(): DatabaseFailure | undefined } = { failure: () => undefined },
  ) {}

  /** Set once the embedded database has aborted: it is not used any more, and the process must not serve. */
  get failure(): DatabaseFailure | undefined {
    return this.watch.failure();
  }

  static async open(target: DatabaseTarget, options: DatabaseOptions = {}): Promise<Database> {
    const common: Options = {
      entities: ENTITIES,
      extensions: [Migrator],
      migrations: { migrationsList, tableName: 'mikro_orm_migrations', transactional: true, allOrNothing: true, snapshot: false, silent: true },
      loggerFactory: (opts) => new CountingLogger(opts, options.observer),
      debug: false,
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
        driverOptions: { connection: { options: `-c TimeZone=UTC -c statement_timeout=${timeout}` }, log: KNEX_LOG },
      });
      const db = new Database(orm, target, undefined);
      await db.checkServerDatabase();
      return db;
    }
    const memory = target.dataDir === 'memory://' || target.dataDir === '';
    // The lock comes first: PGlite must never open a directory another process has open.
    const lock = memory ? undefined : DataDirLock.acquire(target.dataDir, { command: options.command ?? 'open' });
    try {
      const pglite = target.thread === 'worker' ? await PGliteThread.open(memory ? undefined : prepareDirectory(target.dataDir), { statementTimeoutMs: options.statementTimeoutMs }) : await openPGlite(target.dataDir);
      const watch = watchForAbort(pglite, (failure, error) => options.onFailure?.(failure, error));
      const orm = await MikroORM.init({
        ...common,
        driver: BoundPGliteDriver,
        dbName: 'postgres',
        driverOptions: { connection: { pglite: () => pglite } },
      });
      return new Database(orm, target, pglite, lock, watch);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  private async checkServerDatabase(): Promise<void> {
    try {
      await this.orm.em.getConnection().execute('select 1');
    } catch (error) {
      await this.orm.close(true);
      if ((error as { code?: string }).code === '3D000' && this.target.kind === 'postgres') {
        const url = new URL(this.target.url);
        throw new MissingDatabaseError(decodeURIComponent(url.pathname.slice(1)) || url.username || 'postgres', `${url.hostname}:${url.port || 5432}`);
      }
      throw error;
    }
  }

  /**
   * Whether the database answers. With PGlite in its own thread, a statement in flight means the
   * thread is working: the answer comes at once, without waiting behind it, unless that statement
   * has run for longer than `stallMs` (then the process is reported unhealthy, to be restarted).
   */
  async healthy(stallMs = 5 * 60_000): Promise<boolean> {
    if (this.failure) return false;
    if (this.pglite instanceof PGliteThread) {
      if (!this.pglite.alive) return false;
      const busy = this.pglite.busyMs();
      if (busy !== undefined) return busy < stallMs;
    }
    return (await this.orm.em.fork().getConnection().execute('select 1 as ok')).length === 1;
  }

  /** Where the embedded database runs: `main` (this thread), `worker` (a thread of its own), or null on a PostgreSQL server. */
  get embeddedThread(): 'main' | 'worker' | null {
    return this.pglite instanceof PGliteThread ? 'worker' : this.pglite ? 'main' : null;
  }

  /** The names of the migrations this code knows, oldest first. */
  static knownMigrations(): string[] {
    return migrationsList.map((m) => m.name);
  }

  /** The names of the migrations applied, oldest first. */
  async appliedMigrations(): Promise<string[]> {
    return (await this.orm.getMigrator().getExecutedMigrations()).map((m) => m.name);
  }

  /** Connections of the pool: its size, how many are in use, how many requests wait. */
  poolUsage(): { size: number; used: number; pending: number } | null {
    try {
      const pool = (this.orm.em.getConnection() as unknown as { getKnex(): { client: { pool?: { max: number; numUsed(): number; numPendingAcquires(): number } } } }).getKnex().client.pool;
      return pool ? { size: pool.max, used: pool.numUsed(), pending: pool.numPendingAcquires() } : null;
    } catch {
      return null;
    }
  }

  /** Applies pending migrations, then makes sure `audience_fold()` fits this server (`ensureCaseFold`); returns the names applied. */
  async migrate(): Promise<string[]> {
    const applied = await this.orm.getMigrator().up();
    await this.ensureCaseFold();
    return applied.map((m) => m.name);
  }

  /**
   * Derives `audience_fold()` from this server's collations and checks it folds exactly like the
   * service (`src/db/case-fold.sql.ts`); throws `CaseFoldMismatchError` when nothing does.
   */
  async ensureCaseFold(): Promise<CaseFoldInstall> {
    this.caseFold = await ensureCaseFold(new Sql(this.orm.em.fork()));
    return this.caseFold;
  }

  /** What the last `ensureCaseFold()` (or `migrate()`) of this process installed. */
  caseFold: CaseFoldInstall | undefined;

  async close(): Promise<void> {
    try {
      // A checkpoint writes everything to the data files, so the next open replays no WAL.
      if (this.lock && this.pglite && !this.pglite.closed && !this.failure) await this.pglite.exec('checkpoint');
      await this.orm.close(true);
      // An aborted PGlite cannot close cleanly: on the main thread its memory is dropped with the
      // process; its own thread is ended.
      if (this.pglite instanceof PGliteThread && this.failure) await this.pglite.terminate();
      else if (this.pglite && !this.pglite.closed && !this.failure) await this.pglite.close();
    } finally {
      this.lock?.release();
    }
  }
}

/**
 * Where PGlite keeps its files inside DATA_DIR: `pgdata/`, so the lock file and the admin socket
 * can sit beside it (PGlite's initdb refuses a directory that is not empty). A directory made by
 * an earlier version, with PostgreSQL's files at the top, is used in place.
 */
export function pgliteDirectory(dataDir: string): string {
  return existsSync(join(dataDir, 'PG_VERSION')) ? dataDir : join(dataDir, 'pgdata');
}

/** PGlite's directory inside DATA_DIR, created if missing. */
function prepareDirectory(dataDir: string): string {
  const dir = pgliteDirectory(dataDir);
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function openPGlite(dataDir: string): Promise<PGlite> {
  const memory = dataDir === 'memory://' || dataDir === '';
  const db = new PGlite(memory ? undefined : prepareDirectory(dataDir));
  await db.waitReady;
  await db.exec(`set timezone = 'UTC'`);
  return db;
}

