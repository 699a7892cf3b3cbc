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
  waitReady: Promise<void>;
  private worker: Worker;
  /** Calls sent to the current worker and not answered yet, in the order sent (the first one runs). */
  private readonly pending = new Map<number, Pending>();
  /**
   * Calls not sent yet, in order. One call at a time is in the worker (`pending`): when a statement
   * times out, nothing behind it has reached the old worker, so nothing can run twice.
   */
  private held: Pending[] = [];
  private restarting: Promise<void> | undefined;
  /** Workers terminated to end a statement: their exit is not the database's failure. */
  private readonly retired = new WeakSet<Worker>();
  private headTimer: NodeJS.Timeout | undefined;
  /** Whether the calls sent so far leave a transaction open, and whether it was lost with a replaced worker. */
  private inTransaction = false;
  private aborted = false;
  /** A transaction's own limit (`select set_config('statement_timeout', $1, true)`, as exports set it), until it ends. */
  private transactionTimeoutMs: number | undefined;
  private nextId = 1;
  private dead: Error | undefined;
  private closing = false;
  closed = false;

  private constructor(
    private readonly dir: string | undefined,
    private readonly statementTimeoutMs: number | undefined,
  ) {
    [this.worker, this.waitReady] = this.startWorker();
  }

  /**
   * Opens PGlite on `dir` (undefined: in memory) in a new thread, and waits until it is ready.
   * With `statementTimeoutMs` (on a directory only: a database in memory cannot be reopened), a
   * statement that runs longer is ended as PostgreSQL's `statement_timeout` would end it (SQLSTATE
   * 57014): the thread is terminated and PGlite reopened on the same directory, which recovers
   * from its write-ahead log, so a write in flight is wholly absent and everything committed is
   * kept. A transaction the statement was part of is lost with it: its later statements fail with
   * 25P02 until its `rollback`, as on PostgreSQL, and so does its `commit` (where PostgreSQL
   * answers ROLLBACK without an error, which a caller could take for a commit). A commit or rollback
   * is never cut. Calls queued behind the statement run on the reopened database. A transaction's own `select set_config('statement_timeout', $1, true)` (an
   * export's longer limit) applies to its statements, as on PostgreSQL.
   */
  static async open(dir: string | undefined, options: { statementTimeoutMs?: number } = {}): Promise<PGliteThread> {
    const thread = new PGliteThread(dir, dir === undefined ? undefined : options.statementTimeoutMs);
    try {
      await thread.waitReady;
    } catch (error) {
      await thread.worker.terminate();
      throw error;
    }
    return thread;
  }

  private startWorker(): [Worker, Promise<void>] {
    const entry = workerEntry();
    const worker = new Worker(entry.file, { workerData: { dir: this.dir } satisfies ThreadStart, execArgv: entry.execArgv });
    const ready = new Promise<void>((resolve, reject) => {
      const onReady = (reply: ThreadReply) => {
        if (reply.id !== 0) return;
        worker.off('message', onReady);
        if (reply.ok) resolve();
        else reject(Object.assign(new Error(reply.error.message), reply.error.fields, { name: reply.error.name }));
      };
      worker.on('message', onReady);
      worker.once('exit', (code) => reject(new WasmRuntimeError(`the embedded database's thread exited (code ${code}) before it was ready`)));
    });
    ready.catch(() => undefined);
    worker.on('message', (reply: ThreadReply) => {
      if (!this.retired.has(worker) && reply.id !== 0) this.settle(reply);
    });
    worker.on('error', (error) => {
      if (!this.retired.has(worker)) this.die(new WasmRuntimeError(`the embedded database's thread failed: ${error.message}`));
    });
    worker.on('exit', (code) => {
      if (this.closing || this.retired.has(worker)) return;
      this.die(new WasmRuntimeError(`the embedded database's thread exited (code ${code})`));
    });
    return [worker, ready];
  }

  /** How long the oldest call in flight has been waiting, in milliseconds; undefined when idle. */
  busyMs(): number | undefined {
    let oldest: number | undefined;
    for (const { since } of [...this.pending.values(), ...this.held]) oldest = oldest === undefined ? since : Math.min(oldest, since);
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
      await this.restarting;
      if (!this.dead) await this.call({ op: 'close' });
    } finally {
      this.closed = true;
      clearTimeout(this.headTimer);
      await this.worker.terminate();
    }
  }

  /** Ends the thread without closing PGlite (after a failure: its memory cannot be trusted). */
  async terminate(): Promise<void> {
    this.closing = true;
    this.closed = true;
    clearTimeout(this.headTimer);
    // A restart in progress must not leave its new worker running: it checks `closed` before starting one.
    await this.restarting?.catch(() => undefined);
    await this.worker.terminate();
  }

  private call(request: DistributiveOmit<ThreadRequest, 'id'>): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.closed) return Promise.reject(new Error('The embedded database is closed.'));
    return new Promise((resolve, reject) => {
      this.held.push({ id: this.nextId++, request, resolve, reject, since: Date.now(), inTransaction: false });
      this.sendNext();
    });
  }

  /** Sends the next held call when the worker is free (and not being replaced). */
  private sendNext(): void {
    while (!this.restarting && this.pending.size === 0 && this.held.length > 0) this.dispatch(this.held.shift()!);
  }

  /** Sends a call to the worker, in order; in a transaction lost with a replaced worker, answers it as PostgreSQL would. */
  private dispatch(entry: Pending): void {
    if (this.dead) return entry.reject(this.dead);
    const sql = entry.request.op === 'close' ? '' : entry.request.sql;
    if (this.aborted) {
      if (ROLLBACK.test(sql)) {
        this.aborted = this.inTransaction = false;
        entry.resolve(entry.request.op === 'exec' ? [] : { rows: [], fields: [] });
        return;
      }
      if (TRANSACTION_END.test(sql)) this.aborted = this.inTransaction = false;
      entry.reject(Object.assign(new Error('current transaction is aborted, commands ignored until end of transaction block'), { code: '25P02', severity: 'ERROR' }));
      return;
    }
    entry.inTransaction = this.inTransaction;
    entry.timeoutMs = this.transactionTimeoutMs ?? this.statementTimeoutMs;
    if (TRANSACTION_BEGIN.test(sql)) this.inTransaction = true;
    else if (TRANSACTION_END.test(sql)) [this.inTransaction, this.transactionTimeoutMs] = [false, undefined];
    else if (this.inTransaction && this.statementTimeoutMs !== undefined && entry.request.op === 'query' && LOCAL_TIMEOUT.test(sql)) {
      const ms = Number(entry.request.params[0]);
      if (Number.isSafeInteger(ms) && ms >= 0) this.transactionTimeoutMs = ms;
    }
    this.pending.set(entry.id, entry);
    this.worker.postMessage({ ...entry.request, id: entry.id });
    this.armHead();
  }

  /** Starts the statement timer of the call that runs now (the first one sent and not answered). */
  private armHead(): void {
    clearTimeout(this.headTimer);
    const head = this.pending.values().next().value as Pending | undefined;
    // 0 is no limit, as in PostgreSQL; a commit or rollback is never cut (its outcome would be unknown).
    if (!head || !head.timeoutMs || head.request.op === 'close' || TRANSACTION_END.test(head.request.sql)) return;
    this.headTimer = setTimeout(() => void this.timeOut(head), head.timeoutMs);
    this.headTimer.unref();
  }

  /** The running call took longer than the statement timeout: fail it, replace the worker, then send what waited behind it. */
  private async timeOut(head: Pending): Promise<void> {
    // Its answer may be waiting in the port (the main thread was busy): let it arrive first.
    await new Promise((resolve) => setImmediate(resolve));
    if (!this.pending.has(head.id) || this.dead || this.closing) return;
    const old = this.worker;
    this.pending.clear();
    const sql = head.request.op === 'close' ? '' : head.request.sql;
    // The statement's transaction is gone with the worker (a commit in flight ends it either way).
    this.aborted = !TRANSACTION_END.test(sql) && (head.inTransaction || TRANSACTION_BEGIN.test(sql));
    this.inTransaction = this.aborted;
    this.transactionTimeoutMs = undefined;
    head.reject(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014', severity: 'ERROR', timeoutMs: head.timeoutMs }));
    let ready: Promise<void>;
    this.retired.add(old);
    this.restarting = (async () => {
      await old.terminate();
      if (this.closed) throw new Error('The embedded database is closed.');
      [this.worker, ready] = this.startWorker();
      this.waitReady = ready;
      await ready;
    })();
    try {
      await this.restarting;
    } catch (error) {
      this.restarting = undefined;
      if (this.closed) return;
      this.die(error instanceof WasmRuntimeError ? error : new WasmRuntimeError(`the embedded database could not be reopened after a statement timeout: ${(error as Error).message}`));
      return;
    }
    this.restarting = undefined;
    this.sendNext();
  }

  private settle(reply: ThreadReply): void {
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    clearTimeout(this.headTimer);
    if (reply.ok) waiter.resolve(reply.value);
    else {
      const { message, name, wasmTrap, fields } = reply.error;
      waiter.reject(wasmTrap ? new WasmRuntimeError(message) : Object.assign(new Error(message), fields, { name }));
    }
    this.sendNext();
  }

  private die(error: Error): void {
    if (this.dead) return;
    this.dead = error;
    clearTimeout(this.headTimer);
    for (const waiter of [...this.pending.values(), ...this.held]) waiter.reject(error);
    this.pending.clear();
    this.held = [];
  }
}

interface Pending {
  readonly id: number;
  readonly request: DistributiveOmit<ThreadRequest, 'id'>;
  resolve(value: unknown): void;
  reject(error: Error): void;
  readonly since: number;
  /** Whether a transaction was open when it was sent. */
  inTransaction: boolean;
  /** Its statement timeout (undefined or 0: none). */
  timeoutMs?: number;
}

/** How knex and the service open and end transactions on PGlite's one connection. */
const TRANSACTION_BEGIN = /^\s*(begin|start\s+transaction)\b/i;
const TRANSACTION_END = /^\s*(commit|end|rollback(?!\s+to\b)|abort)\b/i;
const LOCAL_TIMEOUT = /^\s*select\s+set_config\(\s*'statement_timeout'\s*,\s*\$1\s*,\s*true\s*\)\s*$/i;
const ROLLBACK = /^\s*(rollback(?!\s+to\b)|abort)\b/i;

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
