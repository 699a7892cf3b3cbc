import type { IncomingMessage, ServerResponse } from 'node:http';

/** Which browser origins may call the API: a list of exact origins, or every origin (`*`). */
export type CorsPolicy = { readonly anyOrigin: true } | { readonly anyOrigin: false; readonly origins: ReadonlySet<string> };

const ALLOWED_HEADERS = 'authorization, content-type, x-request-id, apollo-require-preflight';
const EXPOSED_HEADERS = 'x-request-id, x-export-rows, content-disposition';

/**
 * Adds CORS headers for an allowed `Origin` and answers preflight requests. Returns true when it
 * answered the request (a preflight). Credentials (cookies) are never allowed: the API takes
 * Bearer keys.
 *
 * @example if (applyCors(policy, req, res)) return;
 */
export function applyCors(policy: CorsPolicy | null, req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  if (!policy || typeof origin !== 'string') return false;
  res.setHeader('vary', 'Origin');
  const allowed = policy.anyOrigin || policy.origins.has(origin);
  if (allowed) {
    res.setHeader('access-control-allow-origin', policy.anyOrigin ? '*' : origin);
    res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
  }
  if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false;
  if (allowed) {
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
    res.setHeader('access-control-max-age', '600');
  }
  res.writeHead(allowed ? 204 : 403, { 'content-length': '0' });
  res.end();
  return true;
}
