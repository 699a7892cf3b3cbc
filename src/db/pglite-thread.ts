import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PGLITE_PARSERS } from './type-parsers';

/** What the thread is started with: PGlite's directory (undefined: in memory). */
export interface ThreadStart {
  readonly dir: string | undefined;
}

/** A call to the thread. */
export type ThreadRequest =
  | { readonly id: number; readonly op: 'query'; readonly sql: string; readonly params: unknown[]; readonly serviceParsers: boolean; readonly rowMode?: 'array' | 'object' }
  | { readonly id: number; readonly op: 'exec'; readonly sql: string }
  | { readonly id: number; readonly op: 'close' };

/** The thread's answer to call `id` (0: the database is open). */
export type ThreadReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: { message: string; name: string; wasmTrap: boolean; fields: Record<string, string | number> } };

interface Results {
  rows: Record<string, unknown>[];
  fields: { name: string; dataTypeID: number }[];
  affectedRows?: number;
  blob?: Blob;
}

const WasmRuntimeError = (globalThis as unknown as { WebAssembly: { RuntimeError: new (message?: string) => Error } }).WebAssembly.RuntimeError;

/**
 * PGlite in a thread of its own (`worker_threads`), behind the part of PGlite's interface this
 * service uses (`query`, `exec`, `waitReady`, `close`, `closed`). PGlite runs PostgreSQL compiled
 * to WebAssembly synchronously: on the main thread a long statement blocked the event loop, so
 * `/healthz`, every other request and every timer waited for it. Here the main thread keeps HTTP,
 * health, timers and the job runner, and only waits for the answer.
 *
 * Calls run one at a time in the order sent, as on PGlite's one connection (knex's transactions are
 * plain `begin`/`commit` statements on it). Results are copied across threads (structured clone),
 * which costs a little on large results. If the thread dies (a WebAssembly trap that takes it down,
 * or an exit), every pending and later call fails with a WebAssembly `RuntimeError`, which
 * `watchForAbort` turns into the database's failure: the process stops serving, as after a trap on
 * the main thread.
 */
export class PGliteThread {
  readonly waitReady: Promise<void>;
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void; since: number }>();
  private nextId = 1;
  private dead: Error | undefined;
  private closing = false;
  closed = false;

  private constructor(dir: string | undefined) {
    const entry = workerEntry();
    this.worker = new Worker(entry.file, { workerData: { dir } satisfies ThreadStart, execArgv: entry.execArgv });
    this.waitReady = new Promise<void>((resolve, reject) => this.pending.set(0, { resolve: () => resolve(), reject, since: Date.now() }));
    this.worker.on('message', (reply: ThreadReply) => this.settle(reply));
    this.worker.on('error', (error) => this.die(new WasmRuntimeError(`the embedded database's thread failed: ${error.message}`)));
    this.worker.on('exit', (code) => {
      if (this.closing) return;
      this.die(new WasmRuntimeError(`the embedded database's thread exited (code ${code})`));
    });
  }

  /** Opens PGlite on `dir` (undefined: in memory) in a new thread, and waits until it is ready. */
  static async open(dir: string | undefined): Promise<PGliteThread> {
    const thread = new PGliteThread(dir);
    try {
      await thread.waitReady;
    } catch (error) {
      await thread.worker.terminate();
      throw error;
    }
    return thread;
  }

  /** How long the oldest call in flight has been waiting, in milliseconds; undefined when idle. */
  busyMs(): number | undefined {
    let oldest: number | undefined;
    for (const { since } of this.pending.values()) oldest = oldest === undefined ? since : Math.min(oldest, since);
    return oldest === undefined ? undefined : Date.now() - oldest;
  }

  /** True while the thread runs (it may be busy); false once it died or was closed. */
  get alive(): boolean {
    return !this.dead && !this.closed;
  }

  async query(sql: string, params: unknown[] = [], options: { parsers?: unknown; rowMode?: 'array' | 'object' } = {}): Promise<Results> {
    const value = (await this.call({ op: 'query', sql, params, serviceParsers: options.parsers === PGLITE_PARSERS, rowMode: options.rowMode })) as Results & { blob?: ArrayBuffer };
    return { ...value, rows: value.rows.map(ownDates), blob: value.blob ? new Blob([value.blob]) : undefined };
  }

  async exec(sql: string): Promise<Results[]> {
    return ((await this.call({ op: 'exec', sql })) as Results[]).map((r) => ({ ...r, rows: r.rows.map(ownDates) }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closing = true;
    try {
      if (!this.dead) await this.call({ op: 'close' });
    } finally {
      this.closed = true;
      await this.worker.terminate();
    }
  }

  /** Ends the thread without closing PGlite (after a failure: its memory cannot be trusted). */
  async terminate(): Promise<void> {
    this.closing = true;
    this.closed = true;
    await this.worker.terminate();
  }

  private call(request: DistributiveOmit<ThreadRequest, 'id'>): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.closed) return Promise.reject(new Error('The embedded database is closed.'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, since: Date.now() });
      this.worker.postMessage({ ...request, id });
    });
  }

  private settle(reply: ThreadReply): void {
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (reply.ok) return waiter.resolve(reply.value);
    const { message, name, wasmTrap, fields } = reply.error;
    const error = wasmTrap ? new WasmRuntimeError(message) : Object.assign(new Error(message), fields, { name });
    waiter.reject(error);
  }

  private die(error: Error): void {
    if (this.dead) return;
    this.dead = error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

/**
 * The row with its dates made in this context's `Date`. Structured clone makes them in the main
 * realm's, and code running in another realm (jest's test context, a `vm` sandbox) tests values
 * with `instanceof Date`: MikroORM's hydration took such a date for a string and failed.
 */
function ownDates(row: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(row)) {
    if (isForeignDate(value)) row[key] = new Date(value.getTime());
    else if (Array.isArray(value) && value.some(isForeignDate)) row[key] = value.map((v: unknown) => (isForeignDate(v) ? new Date(v.getTime()) : v));
  }
  return row;
}

/** A `Date` of another realm. */
function isForeignDate(value: unknown): value is { getTime(): number } {
  return Object.prototype.toString.call(value) === '[object Date]' && !(value instanceof Date);
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * The thread's entry file: the compiled `.js` beside this one, or, when this module runs from
 * TypeScript source (tests, `ts-node`), the `.ts` source compiled on load by ts-node.
 */
function workerEntry(): { file: string; execArgv: string[] } {
  const js = join(__dirname, 'pglite-thread.worker.js');
  if (existsSync(js)) return { file: js, execArgv: [] };
  return { file: join(__dirname, 'pglite-thread.worker.ts'), execArgv: ['--require', 'ts-node/register/transpile-only'] };
}
