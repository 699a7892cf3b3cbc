import type { EntityManager } from '@mikro-orm/core';
import type { AbstractSqlConnection, Knex } from '@mikro-orm/knex';
import type { Writable } from 'node:stream';
import type { Client as PgClient } from 'pg';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { copyOut, pgCopyDriver, pgliteCopyDriver } from './copy-out';
import { PG_QUERY_TYPES, PGLITE_PARSERS } from './type-parsers';

/**
 * One request's statement bookkeeping, whichever path its statements take: how many ran, the
 * request's ID (for log lines), and the signal that stops them (client gone, deadline passed).
 */
export class QueryStats {
  statements = 0;
  constructor(
    readonly requestId?: string,
    /** Once aborted, no further raw statement starts, and a running one is cancelled on PostgreSQL. */
    readonly signal?: AbortSignal,
  ) {}
}

/** One SQL statement that ran (or failed), as the database reports it to logs and metrics. */
export interface QueryEvent {
  /** The SQL text with placeholders (`$n` or `?`); never the values. */
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly durationMs: number;
  readonly failed: boolean;
  readonly requestId?: string;
  /** What the statement does, for statements worth telling apart (`segment.count`, …). */
  readonly label?: string;
}

/** Told about every SQL statement, ORM and raw alike (`Database.open({ observer })`). */
export interface QueryObserver {
  query(event: QueryEvent): void;
}

/** Options of one raw statement. */
export interface StatementOptions {
  /** A name for logs and metrics, e.g. `segment.count`. */
  readonly label?: string;
}

interface ObservingLogger {
  observeRaw?(event: QueryEvent): void;
}

/** A parameterized SQL statement. Values are only ever `$n` parameters. */
export interface Statement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

interface PgLikeResult {
  rows: Record<string, unknown>[];
  rowCount?: number | null;
  affectedRows?: number;
}

interface PgClientLike {
  query(config: { text: string; values: unknown[]; types: typeof PG_QUERY_TYPES }): Promise<PgLikeResult>;
}

interface PGliteLike {
  waitReady: Promise<void>;
  query(text: string, params: unknown[], options: { parsers: typeof PGLITE_PARSERS }): Promise<PgLikeResult & { blob?: Blob }>;
}

function isPGlite(conn: unknown): conn is PGliteLike {
  return typeof conn === 'object' && conn !== null && 'waitReady' in conn && 'exec' in conn;
}

/**
 * Runs raw parameterized SQL (`$1`, `$2`, …) on the same connection and transaction as the given
 * EntityManager, on PGlite and on PostgreSQL alike. The set-based statements of the service
 * (identity resolution, event ingest, compiled audiences) go through here.
 *
 * @example await sql.rows<{ id: number }>('select id from profile where namespace_id = $1 limit $2', [ns, 10])
 */
export class Sql {
  constructor(
    readonly em: EntityManager,
    private readonly stats?: QueryStats,
  ) {}

  /** A runner on another EntityManager (a transaction's fork) that keeps counting into the same stats. */
  with(em: EntityManager): Sql {
    return new Sql(em, this.stats);
  }

  /**
   * Runs `work` in a transaction (or inside the current one) and gives it a runner bound to it.
   * Statements of the transaction itself (begin, commit) are counted too.
   */
  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    return this.em.transactional((txEm) => work(this.with(txEm)), { loggerContext: this.em.getLoggerContext() });
  }

  /** True on the embedded PGlite, which lacks a few server features (such as concurrent index builds). */
  async embedded(): Promise<boolean> {
    const { client, conn } = await this.acquire();
    await client.releaseConnection(conn);
    return isPGlite(conn);
  }

  async rows<R = Record<string, unknown>>(text: string, params: readonly unknown[] = [], options: StatementOptions = {}): Promise<R[]> {
    return (await this.run(text, params, options)).rows as R[];
  }

  async one<R = Record<string, unknown>>(text: string, params: readonly unknown[] = [], options: StatementOptions = {}): Promise<R | undefined> {
    return (await this.run(text, params, options)).rows[0] as R | undefined;
  }

  /** Runs a statement and returns the number of rows it affected. */
  async execute(text: string, params: readonly unknown[] = []): Promise<number> {
    const result = await this.run(text, params);
    return result.rowCount ?? result.affectedRows ?? 0;
  }

  /**
   * `COPY (statement) TO STDOUT WITH (copyOptions)` into `sink`, which it ends; resolves with the
   * rows copied. The statement's `$n` values never enter the SQL text (see `copy-out.ts`). Runs in
   * its own read-only transaction on a connection of its own, so not inside `transaction()`.
   * Streams with backpressure on PostgreSQL; on PGlite the output is held in memory first.
   *
   * @example await sql.copyOut({ sql: 'select id from profile p where p.namespace_id = $1', params: [ns] }, 'format csv', res)
   */
  async copyOut(statement: Statement, copyOptions: string, sink: Writable, timeoutMs = 3_600_000): Promise<number> {
    if (this.em.getTransactionContext()) throw new Error('copyOut runs in a transaction of its own; call it outside transaction()');
    const { client, conn } = await this.acquire();
    if (this.stats) this.stats.statements++;
    const started = performance.now();
    let failed = true;
    try {
      if (isPGlite(conn)) {
        const run = (text: string, params: readonly unknown[]) => conn.query(text, params.map(serializeParam), { parsers: PGLITE_PARSERS });
        const rows = await copyOut(pgliteCopyDriver(run), statement, copyOptions, sink, timeoutMs);
        failed = false;
        return rows;
      }
      const pg = conn as PgClient & PgClientLike;
      const run = async (text: string, params: readonly unknown[]) => (await pg.query({ text, values: params.map(serializeParam), types: PG_QUERY_TYPES })).rows;
      const rows = await copyOut(pgCopyDriver(pg, run), statement, copyOptions, sink, timeoutMs);
      failed = false;
      return rows;
    } finally {
      this.observe({ sql: `copy (${statement.sql}) to stdout`, params: statement.params, durationMs: performance.now() - started, failed, label: 'export.copy' });
      await client.releaseConnection(conn);
    }
  }

  /**
   * `COPY table (columns) FROM STDIN (format csv)` with CSV text produced by `lines`, on the
   * connection of the current transaction: the bulk path for staging tables. Values travel as COPY
   * data, never as SQL; `table` and `columns` are identifiers chosen by the caller's code, never
   * user input. Returns false on PGlite (the caller stages with a parameterized insert instead).
   */
  async copyIn(table: string, columns: readonly string[], lines: Iterable<string>): Promise<boolean> {
    if (!/^[a-z_][a-z0-9_]*$/.test(table) || columns.some((c) => !/^[a-z_][a-z0-9_]*$/.test(c))) throw new Error('copyIn takes plain identifiers');
    const { client, conn } = await this.acquire();
    try {
      if (isPGlite(conn)) return false;
      if (this.stats) this.stats.statements++;
      const stream = (conn as PgClient).query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin with (format csv)`));
      await pipeline(Readable.from(batchLines(lines)), stream);
      return true;
    } finally {
      await client.releaseConnection(conn);
    }
  }

  private async acquire(): Promise<{ client: { releaseConnection(c: unknown): Promise<unknown> }; conn: unknown }> {
    const knex = (this.em.getTransactionContext<Knex.Transaction>() ??
      (this.em.getConnection() as AbstractSqlConnection).getKnex()) as Knex;
    const client = knex.client as { acquireConnection(): Promise<unknown>; releaseConnection(c: unknown): Promise<unknown> };
    return { client, conn: await client.acquireConnection() };
  }

  private async run(text: string, params: readonly unknown[], options: StatementOptions = {}): Promise<PgLikeResult> {
    const signal = this.stats?.signal;
    signal?.throwIfAborted();
    const { client, conn } = await this.acquire();
    if (this.stats) this.stats.statements++;
    const started = performance.now();
    let failed = true;
    // PostgreSQL: an abort cancels the running statement (PGlite runs it to the end in this thread).
    const pid = signal && !isPGlite(conn) ? (conn as { processID?: number }).processID : undefined;
    const cancel = pid ? () => void this.cancelBackend(pid) : undefined;
    if (cancel) signal!.addEventListener('abort', cancel, { once: true });
    try {
      const values = params.map(serializeParam);
      const result = isPGlite(conn) ? await conn.query(text, values, { parsers: PGLITE_PARSERS }) : await (conn as PgClientLike).query({ text, values, types: PG_QUERY_TYPES });
      failed = false;
      return result;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw error;
    } finally {
      if (cancel) signal!.removeEventListener('abort', cancel);
      this.observe({ sql: text, params, durationMs: performance.now() - started, failed, label: options.label });
      await client.releaseConnection(conn);
    }
  }

  /** Cancels what backend `pid` runs, from another connection of the pool. */
  private async cancelBackend(pid: number): Promise<void> {
    try {
      await (this.em.getConnection() as AbstractSqlConnection).getKnex().raw('select pg_cancel_backend(?)', [pid]);
    } catch {
      // The statement ends anyway at statement_timeout.
    }
  }

  /** Raw statements reach the same observer as the ORM's (see `Database`). */
  private observe(event: Omit<QueryEvent, 'requestId'>): void {
    (this.em.config.getLogger() as ObservingLogger).observeRaw?.({ ...event, requestId: this.stats?.requestId });
  }
}

/** Joins lines into chunks of about 64 KiB, so COPY data is not written one short line at a time. */
function* batchLines(lines: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const line of lines) {
    chunk += line;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** Dates go as ISO instants and plain objects as JSON, the same way on both drivers. */
function serializeParam(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)) return JSON.stringify(value);
  return value === undefined ? null : value;
}
