import { PGlite } from '@electric-sql/pglite';
import { parentPort, workerData } from 'node:worker_threads';
import { PGLITE_PARSERS } from './type-parsers';
import type { ThreadReply, ThreadRequest, ThreadStart } from './pglite-thread';

/**
 * The embedded database's own thread (see `pglite-thread.ts`): it opens PGlite on the data
 * directory and runs what the main thread sends, one call at a time, in the order received.
 * Results travel back by structured clone; a COPY's blob as a transferred buffer.
 */
const start = workerData as ThreadStart;
const port = parentPort!;
let queue = Promise.resolve();

const opened = (async () => {
  const db = new PGlite(start.dir);
  await db.waitReady;
  await db.exec(`set timezone = 'UTC'`);
  return db;
})();

opened.then(
  () => port.postMessage({ id: 0, ok: true, value: null } satisfies ThreadReply),
  (error: unknown) => port.postMessage({ id: 0, ok: false, error: serializeError(error) } satisfies ThreadReply),
);

port.on('message', (request: ThreadRequest) => {
  queue = queue.then(() => handle(request));
});

async function handle(request: ThreadRequest): Promise<void> {
  try {
    const db = await opened;
    if (request.op === 'close') {
      if (!db.closed) await db.close();
      port.postMessage({ id: request.id, ok: true, value: null } satisfies ThreadReply);
      port.close();
      return;
    }
    if (request.op === 'exec') {
      const results = await db.exec(request.sql);
      port.postMessage({ id: request.id, ok: true, value: results.map((r) => ({ rows: r.rows, fields: r.fields, affectedRows: r.affectedRows })) } satisfies ThreadReply);
      return;
    }
    const result = await db.query(request.sql, request.params, {
      ...(request.serviceParsers ? { parsers: PGLITE_PARSERS as Record<number, (value: string) => unknown> } : {}),
      ...(request.rowMode ? { rowMode: request.rowMode } : {}),
    });
    const blob = result.blob ? await result.blob.arrayBuffer() : undefined;
    const value = { rows: result.rows, fields: result.fields, affectedRows: result.affectedRows, blob };
    port.postMessage({ id: request.id, ok: true, value } satisfies ThreadReply, blob ? [blob] : []);
  } catch (error) {
    port.postMessage({ id: request.id, ok: false, error: serializeError(error) } satisfies ThreadReply);
  }
}

/** An error as plain data: PostgreSQL's fields (code, detail, position, …) kept, and whether it was a WebAssembly trap. */
function serializeError(error: unknown): NonNullable<Extract<ThreadReply, { ok: false }>['error']> {
  const e = error as Error & Record<string, unknown>;
  const fields: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(e ?? {})) if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  const wasm = (globalThis as unknown as { WebAssembly: { RuntimeError: new () => Error } }).WebAssembly.RuntimeError;
  return { message: String(e?.message ?? error), name: String(e?.name ?? 'Error'), wasmTrap: error instanceof wasm, fields };
}
