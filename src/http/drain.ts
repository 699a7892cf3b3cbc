import type { Server } from 'node:http';

/**
 * Stops `server` gracefully: no new connections, idle keep-alive connections closed at once, and
 * requests in flight allowed to finish within `graceMs`; what is still open then is cut. Resolves
 * with whether anything had to be cut.
 *
 * @example const { forced } = await drainHttpServer(server, 10_000)
 */
export async function drainHttpServer(server: Server, graceMs: number): Promise<{ forced: boolean }> {
  if (!server.listening) return { forced: false };
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // A keep-alive connection becomes idle when its request finishes: close it then, too.
  const idle = setInterval(() => server.closeIdleConnections(), 50);
  let timer: NodeJS.Timeout | undefined;
  const forced = await Promise.race([closed.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs)))]);
  clearInterval(idle);
  clearTimeout(timer);
  if (forced) {
    server.closeAllConnections();
    await closed;
  }
  return { forced };
}
