import { HeaderMap, type ApolloServer } from '@apollo/server';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { RequestContext } from '../graphql/context';
import { acceptsGzip, maybeCompress, MIN_COMPRESSED_BYTES } from './compression';
import { applyCors, type CorsPolicy } from './cors';
import { handleExportRoute } from './exports.route';
import { handleImportRoute } from './imports.route';
import { GRAPHIQL_HTML, loadGraphiqlAssets } from './graphiql';

export const MAX_BODY_BYTES = 20 * 1024 * 1024;

/** What the server tells about each request it answered: one log line and the request metrics. */
export type RequestEntry = {
  readonly reqId: string;
  readonly method: string;
  /** `/graphql`, `/exports`, `/graphiql`, `/healthz`, … (never the query string). */
  readonly route: string;
  /** The GraphQL operation name, when there is one. */
  readonly operation: string | null;
  readonly namespace: string | null;
  readonly role: string | null;
  readonly status: number;
  readonly durationMs: number;
  /** SQL statements the request ran (GraphQL requests). */
  readonly sqlStatements: number | null;
  /** The first error code of the response, or null. */
  readonly errorCode: string | null;
};

export interface HttpDeps {
  readonly apollo: ApolloServer<RequestContext>;
  /** Builds the context of one GraphQL request from its Authorization header. */
  contextFor(authorization: string | undefined, requestId?: string, clientGone?: AbortSignal): Promise<RequestContext>;
  /** Whether the database answers. */
  healthy(): Promise<boolean>;
  /** Whether this process should get traffic: the database answers, every migration is applied, not shutting down. */
  ready(): Promise<{ ready: boolean; reason?: string }>;
  /** Prometheus metrics at /metrics, when enabled; `token` (if set) must come as a Bearer token. */
  readonly metrics?: { readonly token: string | null; render(): Promise<string>; readonly contentType: string };
  /** Browser origins that may call /graphql and /exports (CORS_ORIGINS); null: none. */
  readonly cors?: CorsPolicy | null;
  /** gzip GraphQL responses and GraphiQL assets for clients that accept it. */
  readonly compression?: boolean;
  /** Told about every request once its response is finished. */
  requestFinished?(entry: RequestEntry): void;
  /** Why this process no longer serves (its embedded database aborted), or undefined while it does. */
  unavailable?(): string | undefined;
  /** Adds `x-sql-statements` to GraphQL responses (for benchmarks and tests). */
  readonly exposeQueryStats: boolean;
  readonly logger: { error(message: string, detail?: unknown): void };
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:";

/**
 * The HTTP server: `/graphql` for GraphQL over POST and GET (a browser's GET gets GraphiQL),
 * `/graphiql` and its assets, and `/healthz`. Built on node:http around Apollo's HTTP handler.
 */
export function createHttpServer(deps: HttpDeps): Server {
  const assets = loadGraphiqlAssets();

  /** GraphiQL's assets never change while the process runs: each is compressed once. */
  const packedAssets = new Map<string, Promise<{ body: string | Buffer; headers: Record<string, string> }>>();
  async function compressedAsset(req: IncomingMessage, path: string, body: Buffer): Promise<{ body: string | Buffer; headers: Record<string, string> }> {
    if (!deps.compression) return { body, headers: {} };
    if (body.length < MIN_COMPRESSED_BYTES || !acceptsGzip(req)) return { body, headers: { vary: 'Accept-Encoding' } };
    let packed = packedAssets.get(path);
    if (!packed) packedAssets.set(path, (packed = maybeCompress(req, body, true)));
    return packed;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, trace: Trace): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if ((path === '/graphql' || path.startsWith('/exports/')) && applyCors(deps.cors ?? null, req, res)) return;
    const down = deps.unavailable?.();
    if (down !== undefined && path !== '/healthz' && path !== '/readyz' && path !== '/metrics') {
      return send(res, 503, 'application/json', errorBody(down, 'SERVICE_UNAVAILABLE'), { connection: 'close', 'retry-after': '60' });
    }
    if (path === '/graphql') {
      if (req.method === 'GET' && !url.searchParams.has('query') && wantsHtml(req)) return sendPage(res);
      return graphql(req, res, url, trace);
    }
    if (path.startsWith('/exports/') && (await handleExportRoute(req, res, url, deps))) return;
    if (path.startsWith('/imports/') && (await handleImportRoute(req, res, url, deps))) return;
    if (path === '/graphiql' || path === '/graphiql/') return sendPage(res);
    if (path.startsWith('/graphiql/assets/')) {
      const asset = assets.get(path.slice('/graphiql/assets/'.length));
      if (!asset) return send(res, 404, 'text/plain; charset=utf-8', 'Not found');
      const packed = await compressedAsset(req, path, asset.body);
      return send(res, 200, asset.contentType, packed.body, { 'cache-control': 'public, max-age=3600', ...packed.headers });
    }
    if (path === '/favicon.ico') {
      const icon = assets.get('favicon.svg')!;
      return send(res, 200, icon.contentType, icon.body, { 'cache-control': 'public, max-age=86400' });
    }
    if (path === '/healthz') {
      const ok = down === undefined && (await deps.healthy().catch(() => false));
      return send(res, ok ? 200 : 503, 'application/json', JSON.stringify({ status: ok ? 'ok' : 'unavailable', ...(down ? { reason: down } : {}) }));
    }
    if (path === '/readyz') {
      const state = await deps.ready().catch(() => ({ ready: false, reason: 'the database does not answer' }));
      return send(res, state.ready ? 200 : 503, 'application/json', JSON.stringify(state.ready ? { status: 'ready' } : { status: 'unavailable', reason: state.reason }), { 'cache-control': 'no-store' });
    }
    if (path === '/metrics' && deps.metrics) {
      const token = deps.metrics.token;
      if (token !== null && req.headers.authorization !== `Bearer ${token}`) {
        return send(res, 401, 'text/plain; charset=utf-8', 'Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.', { 'www-authenticate': 'Bearer' });
      }
      return send(res, 200, deps.metrics.contentType, await deps.metrics.render(), { 'cache-control': 'no-store' });
    }
    if (path === '/') {
      res.writeHead(302, { location: '/graphiql', ...SECURITY_HEADERS });
      return void res.end();
    }
    return send(res, 404, 'text/plain; charset=utf-8', 'Not found. GraphQL is at /graphql; GraphiQL at /graphiql.');
  }

  async function graphql(req: IncomingMessage, res: ServerResponse, url: URL, trace: Trace): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'POST') {
      return send(res, 405, 'application/json', errorBody('Use POST (or GET) for GraphQL requests.', 'METHOD_NOT_ALLOWED'), { allow: 'GET, POST' });
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown = undefined;
    if (req.method === 'POST') {
      if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return tooLarge(req, res);
      const raw = await readBody(req);
      if (raw === undefined) return tooLarge(req, res);
      if ((headers.get('content-type') ?? '').includes('application/json')) {
        try {
          body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
        } catch {
          return send(res, 400, 'application/json', errorBody('The request body is not valid JSON.', 'BAD_REQUEST'));
        }
      } else {
        body = raw.toString('utf8');
      }
    }
    let context: RequestContext | undefined;
    const response = await deps.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method, headers, search: url.search, body },
      context: async () => (context = trace.context = await deps.contextFor(headers.get('authorization'), trace.reqId, trace.clientGone)),
    });
    const out: Record<string, string> = { ...SECURITY_HEADERS };
    for (const [key, value] of response.headers) out[key] = value;
    if (response.body.kind === 'complete') {
      if (deps.exposeQueryStats && context) out['x-sql-statements'] = String(context.stats.statements);
      const packed = await maybeCompress(req, response.body.string, deps.compression ?? false);
      res.writeHead(response.status ?? 200, { ...out, ...packed.headers });
      res.end(packed.body);
      return;
    }
    res.writeHead(response.status ?? 200, out);
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  const server = createServer((req, res) => {
    const trace = startTrace(req, res, deps);
    handle(req, res, trace).catch((error: unknown) => {
      deps.logger.error('http handler failed', error);
      if (!res.headersSent) send(res, 500, 'application/json', errorBody('Internal server error', 'INTERNAL_SERVER_ERROR'));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

interface Trace {
  readonly reqId: string;
  /** Aborted when the connection closes before the response is finished. */
  readonly clientGone: AbortSignal;
  context?: RequestContext;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const ROUTES = ['/graphql', '/graphiql', '/healthz', '/readyz', '/metrics', '/favicon.ico'];

/**
 * Gives the request its ID (the client's `x-request-id` when it is a plain token, else a new
 * UUID), echoes it in the response, and reports the request once the response is finished.
 */
function startTrace(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): Trace {
  const started = performance.now();
  const given = req.headers['x-request-id'];
  const gone = new AbortController();
  const trace: Trace = { reqId: typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID(), clientGone: gone.signal };
  res.setHeader('x-request-id', trace.reqId);
  res.once('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  if (!deps.requestFinished) return trace;
  res.once('close', () => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = ROUTES.find((r) => path === r || path.startsWith(`${r}/`)) ?? (path.startsWith('/exports/') ? '/exports' : 'other');
    const context = trace.context;
    const caller = context?.describeCaller();
    deps.requestFinished!({
      reqId: trace.reqId,
      method: req.method ?? 'GET',
      route,
      operation: context?.trace.operation ?? null,
      namespace: caller?.namespace ?? null,
      role: caller?.role ?? null,
      status: res.writableFinished ? res.statusCode : 499,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      sqlStatements: context ? context.stats.statements : null,
      errorCode: context?.trace.errorCodes[0] ?? null,
    });
  });
  return trace;
}

function wantsHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').includes('text/html');
}

function sendPage(res: ServerResponse): void {
  send(res, 200, 'text/html; charset=utf-8', GRAPHIQL_HTML, { 'content-security-policy': PAGE_CSP, 'cache-control': 'no-cache' });
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, ...SECURITY_HEADERS, ...extra });
  res.end(body);
}

function errorBody(message: string, code: string): string {
  return JSON.stringify({ errors: [{ message, extensions: { code } }] });
}

/** The body, or undefined once it passes MAX_BODY_BYTES (the rest is left unread: see `tooLarge`). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      req.off('data', onData).off('end', onEnd).off('error', reject);
      req.pause();
      resolve(undefined);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData).on('end', onEnd).on('error', reject);
  });
}

/** After a 413, at most this much more of the body is read (and dropped) so the client sees the answer … */
const DRAIN_BYTES = 64 * 1024 * 1024;
/** … for at most this long; then the connection is closed. */
const DRAIN_MS = 5_000;

/**
 * Answers 413 and closes the connection: the unread rest of the body must never be taken for the
 * next request on a kept-alive socket (which then waited for the keep-alive timeout).
 *
 * The close is a lingering one (as Apache's `lingering_close`): the answer and a FIN go out, and
 * what the client still sends is read and dropped for a bounded time and size before the socket is
 * destroyed. Destroying a socket with unread input makes the kernel send a reset, and a client that
 * had not yet read the 413 (a busy one, still writing its body) lost it: it saw an empty reply.
 */
function tooLarge(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket;
  // Node destroys the socket as soon as a `connection: close` response is written; only half-close it.
  Object.assign(socket, { destroySoon: () => socket.end() });
  send(res, 413, 'application/json', errorBody(`The request body is larger than ${MAX_BODY_BYTES} bytes.`, 'PAYLOAD_TOO_LARGE'), { connection: 'close' });
  let drained = 0;
  const close = () => socket.destroy();
  const timer = setTimeout(close, DRAIN_MS).unref();
  socket.once('close', () => clearTimeout(timer));
  socket.once('end', close);
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_BYTES) close();
  });
  req.on('error', () => undefined);
  req.resume();
}
