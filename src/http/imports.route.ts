import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../graphql/context';
import { httpError } from '../graphql/errors';
import { parseNumericId } from '../graphql/cursors';
import { pathSegment } from './path-segment';

/**
 * Import files over plain HTTP, with the same API key as GraphQL:
 *
 *   PUT /imports/{id}/file         the file as the request body, streamed to disk (never held in memory)
 *   GET /imports/{id}/errors.csv   the rejected rows: the original row plus an `error` column
 *
 * Both are sealed to the key's namespace: another namespace's import is "not found".
 */
export interface ImportRouteDeps {
  contextFor(authorization: string | undefined): Promise<RequestContext>;
  readonly logger: { error(message: string, detail?: unknown): void };
}

const ROUTE = /^\/imports\/([^/]+)\/(file|errors\.csv)$/;

export async function handleImportRoute(req: IncomingMessage, res: ServerResponse, url: URL, deps: ImportRouteDeps): Promise<boolean> {
  const m = ROUTE.exec(url.pathname);
  if (!m) return false;
  const [, rawId, what] = m;
  const method = what === 'file' ? 'PUT' : 'GET';
  if (req.method !== method) {
    sendJson(res, 405, { errors: [{ message: `Use ${method} for ${url.pathname}.`, extensions: { code: 'METHOD_NOT_ALLOWED' } }] }, { allow: method });
    return true;
  }
  try {
    const context = await deps.contextFor(headerOf(req, 'authorization'));
    const id = parseNumericId(pathSegment(rawId!), ['id']);
    if (what === 'file') {
      const length = headerOf(req, 'content-length');
      const record = await context.services.imports.receiveFile(id, req, length !== undefined && /^\d+$/.test(length) ? Number(length) : null);
      sendJson(res, 200, { id: String(record.id), status: record.status, bytes: record.bytesTotal });
      return true;
    }
    const prepared = await context.services.imports.errorsCsv(id);
    res.writeHead(200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="import-${prepared.record.id}-errors.csv"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    try {
      await prepared.writeTo(res);
      res.end();
    } catch (error) {
      deps.logger.error('import error file failed while streaming', error);
      res.destroy();
    }
  } catch (error) {
    const { status, body } = httpError(error, deps.logger);
    res.writeHead(status, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', // A body not read to its end (a refused upload) is not drained: close the connection after the answer.
      ...(req.readableEnded ? {} : { connection: 'close' }) });
    res.end(body);
  }
  return true;
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', ...extra });
  res.end(JSON.stringify(body));
}
