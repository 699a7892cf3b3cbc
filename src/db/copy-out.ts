import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Client as PgClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { writeChunk } from './stream-sink';

/**
 * `COPY (select …) TO STDOUT` for a parameterized statement. COPY takes no bind parameters, and
 * a value must never be spliced into SQL text, so each `$n` is moved out of the text:
 * 1. `PREPARE` the statement (never executed) and read the parameter types the server inferred
 *    from `pg_prepared_statements`;
 * 2. in a read-only transaction, `set_config('audience.pN', $1::<type>::text, true)` for every
 *    parameter, bound as a real parameter and turned into text by the server itself;
 * 3. run `COPY (<statement with each $n replaced by current_setting('audience.pN')::<type>>)`.
 * The type names come from the server's catalog, never from the caller.
 *
 * On PostgreSQL the output streams (pg-copy-streams) into the sink with backpressure; if the sink
 * fails or closes early the connection is closed, which ends the statement. On PGlite it goes through `/dev/blob`, which
 * holds the whole output in memory (the export service uses keyset pages there instead).
 */
export interface CopyDriver {
  /** Runs one statement with bind parameters. */
  query(text: string, params: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Runs the final COPY (`to stdout`) into the sink; resolves with the rows copied. */
  copy(copySql: string, sink: Writable): Promise<number>;
}

const TYPE_NAME = /^[a-z][a-z0-9_ ]*(\[\])?$/;

/** The statement text with every `$n` read from a transaction-local setting instead. */
export function withSettings(text: string, types: readonly string[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const type = types[Number(n) - 1];
    if (!type) throw new Error(`statement uses $${n} but has ${types.length} parameters`);
    return `current_setting('audience.p${n}')::${type}`;
  });
}

export async function copyOut(driver: CopyDriver, statement: { sql: string; params: readonly unknown[] }, options: string, sink: Writable, timeoutMs: number): Promise<number> {
  await driver.query('begin read only', []);
  try {
    await driver.query(`select set_config('statement_timeout', $1, true)`, [String(timeoutMs)]);
    const name = `ag_copy_${randomBytes(8).toString('hex')}`;
    await driver.query(`prepare ${name} as ${statement.sql}`, []);
    const [row] = await driver.query(`select parameter_types::text[] as types from pg_prepared_statements where name = $1`, [name]);
    await driver.query(`deallocate ${name}`, []);
    const types = (row?.types ?? []) as string[];
    if (types.length !== statement.params.length || !types.every((t) => TYPE_NAME.test(t))) {
      throw new Error(`unexpected parameter types for COPY: ${JSON.stringify(types)}`);
    }
    if (types.length) {
      const settings = types.map((t, i) => `set_config('audience.p${i + 1}', $${i + 1}::${t}::text, true)`).join(', ');
      await driver.query(`select ${settings}`, statement.params);
    }
    const rows = await driver.copy(`copy (${withSettings(statement.sql, types)}) to stdout with (${options})`, sink);
    await driver.query('commit', []);
    return rows;
  } catch (error) {
    await driver.query('rollback', []).catch(() => undefined);
    throw error;
  }
}

/**
 * The COPY driver of a `pg` client. If the sink fails or closes early (a client disconnected), the
 * connection is closed rather than cancelled: a backend blocked writing COPY data to a socket that
 * nobody reads does not act on a cancel request, so a cancelled connection could go back to the
 * pool wedged, and would hold up every `DROP DATABASE … WITH (FORCE)` on the server. Closing the
 * socket ends the backend at once; the pool discards the connection (`__knex__disposed`).
 */
export function pgCopyDriver(client: PgClient, run: (text: string, params: readonly unknown[]) => Promise<Record<string, unknown>[]>): CopyDriver {
  return {
    query: run,
    copy: async (copySql, sink) => {
      const stream = client.query(copyTo(copySql));
      try {
        await pipeline(stream, sink);
      } catch (error) {
        if (!stream.readableEnded) discardConnection(client, error as Error);
        throw error;
      }
      return stream.rowCount;
    },
  };
}

/** Closes a `pg` connection's socket and marks it so that the knex pool destroys it on release. */
function discardConnection(client: PgClient, reason: Error): void {
  const raw = client as unknown as { __knex__disposed?: unknown; connection?: { stream?: { destroy(): void } } };
  raw.__knex__disposed = reason;
  raw.connection?.stream?.destroy();
}

/** The COPY driver of PGlite: COPY to `/dev/blob`, then the blob written to the sink. */
export function pgliteCopyDriver(run: (text: string, params: readonly unknown[]) => Promise<{ rows: Record<string, unknown>[]; affectedRows?: number; blob?: Blob }>): CopyDriver {
  return {
    query: async (text, params) => (await run(text, params)).rows,
    copy: async (copySql, sink) => {
      const result = await run(copySql.replace(/ to stdout with \(/, ` to '/dev/blob' with (`), []);
      const bytes = Buffer.from(await result.blob!.arrayBuffer());
      for (let at = 0; at < bytes.length; at += 64 * 1024) await writeChunk(sink, bytes.subarray(at, at + 64 * 1024));
      sink.end();
      return result.affectedRows ?? 0;
    },
  };
}
