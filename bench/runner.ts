import { Client } from 'pg';
import type { Database } from '../src/db/database';
import { Sql } from '../src/db/sql';

/**
 * One database session for the benchmark: statements run one after another on the same
 * connection, so session settings (`set plan_cache_mode`, `set enable_seqscan`) and prepared
 * statements stick. Statements with parameters go as unnamed extended-protocol statements, the
 * way the service sends them (a custom plan per execution).
 */
export interface Runner {
  readonly kind: 'postgres' | 'pglite';
  rows<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

/** A runner on its own `pg` connection (PostgreSQL server). */
export async function pgRunner(url: string): Promise<Runner> {
  const client = new Client({ connectionString: url, options: '-c TimeZone=UTC' });
  // An idle session whose database is dropped (tests) must not crash the process; queries still fail.
  client.on('error', () => undefined);
  await client.connect();
  return {
    kind: 'postgres',
    rows: async <R>(text: string, params: readonly unknown[] = []) => (await client.query(text, params as unknown[])).rows as R[],
    close: () => client.end(),
  };
}

/**
 * A runner over a `Database` whose pool has exactly one connection (PGlite always has one), on
 * the service's own raw SQL path.
 */
export function sqlRunner(db: Database): Runner {
  const sql = new Sql(db.orm.em.fork());
  return {
    kind: db.target.kind,
    rows: <R>(text: string, params: readonly unknown[] = []) => sql.rows<R>(text, params),
    close: async () => undefined,
  };
}

/** A single-session runner for any opened database: its own connection on PostgreSQL. */
export async function sessionFor(db: Database): Promise<Runner> {
  return db.target.kind === 'postgres' ? pgRunner(db.target.url) : sqlRunner(db);
}

/** A count from either driver (`pg` returns bigint as a string, PGlite as a number). */
export function num(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}
