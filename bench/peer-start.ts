/**
 * Start script of the peer server (`peer-server.ts`, PostGraphile 5). PostGraphile 5 calls
 * `Promise.withResolvers` (Node 22); Node 20, which this project supports, lacks it. The polyfill
 * lives here, in the bench's own process, and nowhere in `src/`. The server is required only after
 * it is in place.
 */
const promise = Promise as unknown as { withResolvers?: unknown };
if (typeof promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>(): { promise: Promise<T>; resolve: (value: T | PromiseLike<T>) => void; reject: (reason?: unknown) => void } {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const created = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise: created, resolve, reject };
    },
  });
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
require('./peer-server');
