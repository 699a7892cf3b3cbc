import { timingSafeEqual, createHash } from 'node:crypto';
import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** The outcome of one admin operation, as the composition root reports it. */
export type AdminReply = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly code: string; readonly message: string };

export interface AdminServerDeps {
  /** The bearer token callers must send. */
  readonly token: string;
  /** Runs a named operation with a JSON input; undefined when no operation has that name. */
  run(name: string, input: Record<string, unknown>): Promise<AdminReply | undefined>;
  readonly logger: { error(message: string, detail?: unknown): void };
}

const MAX_ADMIN_BODY = 1024 * 1024;

const STATUS_OF: Readonly<Record<string, number>> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409 };

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_ADMIN_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    const value: unknown = text ? JSON.parse(text) : {};
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The local admin endpoint of a server that owns an embedded database: HTTP on a Unix socket
 * (mode 0600, in the data directory), `POST /admin/v1/<operation>` with a JSON body and
 * `Authorization: Bearer <token>`. It is never on a network port, so `HOST=0.0.0.0` does not
 * expose it; the token lives in the data directory's lock file, so only someone who may read
 * the database's files may use it. The CLI finds both in the lock file.
 */
export function createAdminServer(deps: AdminServerDeps): Server {
  const expected = digest(deps.token);
  return createServer((req, res) => {
    void (async () => {
      const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!auth || !timingSafeEqual(digest(auth), expected)) return reply(res, 401, { ok: false, code: 'UNAUTHENTICATED', message: 'The admin token is missing or wrong.' });
      const m = /^\/admin\/v1\/([a-z][a-z-]*)$/.exec(new URL(req.url ?? '/', 'http://admin').pathname);
      if (!m || req.method !== 'POST') return reply(res, 404, { ok: false, code: 'NOT_FOUND', message: 'Use POST /admin/v1/<operation>.' });
      const input = await readJson(req);
      if (!input) return reply(res, 400, { ok: false, code: 'BAD_USER_INPUT', message: 'The body must be a JSON object of at most 1 MiB.' });
      const outcome = await deps.run(m[1]!, input);
      if (!outcome) return reply(res, 404, { ok: false, code: 'NOT_FOUND', message: `There is no admin operation "${m[1]}".` });
      reply(res, outcome.ok ? 200 : (STATUS_OF[outcome.code] ?? 400), outcome);
    })().catch((error: unknown) => {
      deps.logger.error('admin operation failed', error);
      if (!res.headersSent) reply(res, 500, { ok: false, code: 'INTERNAL_SERVER_ERROR', message: 'The operation failed inside the server; see its log.' });
      else res.destroy();
    });
  });
}

/** Listens on a Unix socket readable only by this user, replacing a socket file left by a dead owner. */
export async function listenOnSocket(server: Server, path: string): Promise<void> {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
}
