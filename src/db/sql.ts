import type { EntityManager } from '@mikro-orm/core';
import type { AbstractSqlConnection, Knex } from '@mikro-orm/knex';
import type { Writable } from 'node:stream';
import type { Client as PgClient } from 'pg';
import { copyOut, pgCopyDriver, pgliteCopyDriver } from './copy-out';
import { PG_QUERY_TYPES, PGLITE_PARSERS } from './type-parsers';

/** Counts the SQL statements one request runs, whichever path they take. */
export class QueryStats {
  statements = 0;
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

  async rows<R = Record<string, unknown>>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.run(text, params)).rows as R[];
  }

  async one<R = Record<string, unknown>>(text: string, params: readonly unknown[] = []): Promise<R | undefined> {
    return (await this.run(text, params)).rows[0] as R | undefined;
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
    try {
      if (isPGlite(conn)) {
        const run = (text: string, params: readonly unknown[]) => conn.query(text, params.map(serializeParam), { parsers: PGLITE_PARSERS });
        return await copyOut(pgliteCopyDriver(run), statement, copyOptions, sink, timeoutMs);
      }
      const pg = conn as PgClient & PgClientLike;
      const run = async (text: string, params: readonly unknown[]) => (await pg.query({ text, values: params.map(serializeParam), types: PG_QUERY_TYPES })).rows;
      return await copyOut(pgCopyDriver(pg, run), statement, copyOptions, sink, timeoutMs);
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

  private async run(text: string, params: readonly unknown[]): Promise<PgLikeResult> {
    const { client, conn } = await this.acquire();
    if (this.stats) this.stats.statements++;
    try {
      const values = params.map(serializeParam);
      if (isPGlite(conn)) return await conn.query(text, values, { parsers: PGLITE_PARSERS });
      return await (conn as PgClientLike).query({ text, values, types: PG_QUERY_TYPES });
    } finally {
      await client.releaseConnection(conn);
    }
  }
}

/** Dates go as ISO instants and plain objects as JSON, the same way on both drivers. */
function serializeParam(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)) return JSON.stringify(value);
  return value === undefined ? null : value;
}
