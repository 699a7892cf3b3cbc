import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';

const gzip = promisify(gzipCallback);

/** Bodies smaller than this go as they are: compressing them saves nothing. */
export const MIN_COMPRESSED_BYTES = 1024;

/** Whether the client takes gzip (`Accept-Encoding: gzip`, not `gzip;q=0`). */
export function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers['accept-encoding'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return (name === 'gzip' || name === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/**
 * The body to send and its extra headers: gzip-compressed when the client accepts it and the body
 * is large enough, else as it is. Streamed responses (exports) do not come through here.
 */
export async function maybeCompress(req: IncomingMessage, body: string | Buffer, enabled: boolean): Promise<{ body: string | Buffer; headers: Record<string, string> }> {
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (!enabled || size < MIN_COMPRESSED_BYTES) return { body, headers: enabled ? { vary: 'Accept-Encoding' } : {} };
  if (!acceptsGzip(req)) return { body, headers: { vary: 'Accept-Encoding' } };
  return { body: await gzip(body), headers: { 'content-encoding': 'gzip', vary: 'Accept-Encoding' } };
}
