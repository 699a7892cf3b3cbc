
/** Why the embedded database stopped: the first WebAssembly abort PGlite reported, and when. */
export interface DatabaseFailure {
  readonly at: Date;
  readonly message: string;
}

/** The embedded database aborted earlier in this process; nothing is sent to it any more. */
export class DatabaseFailedError extends Error {
  constructor(readonly failure: DatabaseFailure) {
    super(`The embedded database (PGlite) aborted at ${failure.at.toISOString()} (${failure.message}) and is not used any more; restart the process.`);
    this.name = 'DatabaseFailedError';
  }
}

/** WebAssembly's trap error (not in the TypeScript libs this project compiles against). */
const WasmRuntimeError = (globalThis as unknown as { WebAssembly: { RuntimeError: abstract new () => Error } }).WebAssembly.RuntimeError;

/** A WebAssembly trap (`RuntimeError: memory access out of bounds`, …) or an Emscripten `Aborted(…)`. */
export function isWasmAbort(error: unknown): boolean {
  if (error instanceof WasmRuntimeError) return true;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && /^Aborted\(/.test(message);
}

/**
 * Watches a PGlite instance for a WebAssembly abort. After one, its memory can no longer be trusted
 * (every later statement fails, or worse, half-succeeds), so the first abort is reported once to
 * `onFailure`, and every later call fails at once with `DatabaseFailedError`, without touching it.
 */
export function watchForAbort(pglite: { query(...args: never[]): Promise<unknown>; exec(...args: never[]): Promise<unknown> }, onFailure: (failure: DatabaseFailure, error: unknown) => void): { failure(): DatabaseFailure | undefined } {
  let failed: DatabaseFailure | undefined;
  const target = pglite as unknown as Record<'query' | 'exec', (...args: unknown[]) => Promise<unknown>>;
  for (const method of ['query', 'exec'] as const) {
    // The method is looked up on the prototype at each call, not bound once here, so whatever
    // wraps PGlite's own methods later (a test's statement capture) still sees every statement.
    const proto = Object.getPrototypeOf(pglite) as Record<'query' | 'exec', (...args: unknown[]) => Promise<unknown>>;
    target[method] = async (...args: unknown[]) => {
      if (failed) throw new DatabaseFailedError(failed);
      try {
        return await proto[method]!.apply(pglite, args);
      } catch (error) {
        if (isWasmAbort(error) && !failed) {
          failed = { at: new Date(), message: String((error as Error).message) };
          onFailure(failed, error);
        }
        throw error;
      }
    };
  }
  return { failure: () => failed };
}
