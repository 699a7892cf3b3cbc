import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { RequestContext } from '../graphql/context';
import { httpError } from '../graphql/errors';
import { exportRequestFromBody, exportRequestFromQuery } from '../graphql/export-request';
import { pathSegment } from './path-segment';

/**
 * Streamed audience exports over plain HTTP, with the same API key as GraphQL:
 *
 *   GET  /exports/segments/{id}.csv | .jsonl  [.gz]   ?asOf=…&columns=email,first_name&formulas=KEEP
 *   GET  /exports/snapshots/{id}.csv | .jsonl [.gz]   ?group=ALL|HOLDOUT|TREATMENT&columns=…  (the frozen members, current values)
 *   POST /exports/definition.csv | .jsonl [.gz]       body {"definition": {"expression": "…"}, "asOf": "…", "columns": […]}
 *   GET  /exports/files/{id}                          the file of a finished export job (createExport); 410 once expired
 *
 * Everything that can be wrong with a request is an error (JSON, with a status) before the first
 * byte. The body then streams with backpressure; the row count follows as the `x-export-rows`
 * trailer. A failure after the first byte aborts the response, so a cut file is never mistaken
 * for a complete one.
 */
export interface ExportRouteDeps {
  contextFor(authorization: string | undefined): Promise<RequestContext>;
  readonly logger: { error(message: string, detail?: unknown): void };
}

const ROUTE = /^\/exports\/(?:(segments|snapshots)\/([^/]+)|(definition))\.(csv|jsonl)(\.gz)?$/;
const FILE_ROUTE = /^\/exports\/files\/([^/]+)$/;
const MAX_DEFINITION_BODY = 1024 * 1024;

/** Handles the request when it is an export route; false when the path is not one. */
export async function handleExportRoute(req: IncomingMessage, res: ServerResponse, url: URL, deps: ExportRouteDeps): Promise<boolean> {
  const file = FILE_ROUTE.exec(url.pathname);
  if (file) {
    await sendExportFile(req, res, pathSegment(file[1]!), deps);
    return true;
  }
  const m = ROUTE.exec(url.pathname);
  if (!m) return false;
  const [, collection, sourceId, definition, ext, gz] = m;
  const format = ext === 'csv' ? 'CSV' : 'JSONL';
  const method = definition ? 'POST' : 'GET';
  if (req.method !== method) {
    sendJson(res, 405, { errors: [{ message: `Use ${method} for ${url.pathname}.`, extensions: { code: 'METHOD_NOT_ALLOWED' } }] }, { allow: method });
    return true;
  }
  let prepared;
  let context: RequestContext;
  try {
    context = await deps.contextFor(header(req, 'authorization'));
    const request = definition
      ? exportRequestFromBody(await readJson(req), format, context.startedAt)
      : exportRequestFromQuery(
          collection === 'snapshots'
            ? { kind: 'snapshot', snapshotId: pathSegment(sourceId!), group: url.searchParams.get('group') }
            : { kind: 'segment', segmentId: pathSegment(sourceId!) },
          format, url.searchParams, context.startedAt,
        );
    prepared = await context.services.exports.prepare(request);
  } catch (error) {
    const { status, body } = httpError(error, deps.logger);
    sendText(res, status, body);
    return true;
  }
  const stamp = prepared.asOf.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  const filename = `${prepared.source.label}-${stamp}.${prepared.extension}${gz ? '.gz' : ''}`;
  res.writeHead(200, {
    'content-type': gz ? 'application/gzip' : prepared.contentType,
    'content-disposition': `attachment; filename="${filename}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-export-as-of': prepared.asOf.toISOString(),
    'x-export-columns': prepared.columns.map((c) => c.name).join(','),
    trailer: 'x-export-rows',
  });
  const body = new PassThrough();
  const out = gz ? body.pipe(createGzip()) : body;
  let complete = false;
  // A client that goes away stops the export (and its query) instead of leaving it blocked.
  res.on('close', () => {
    if (!complete) body.destroy(new Error('the client closed the connection'));
  });
  const delivered = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  delivered.catch(() => undefined);
  out.pipe(res, { end: false });
  try {
    const rows = await prepared.writeTo(body);
    await delivered;
    complete = true;
    res.addTrailers({ 'x-export-rows': String(rows) });
    res.end();
  } catch (error) {
    if (!res.destroyed) deps.logger.error('export failed while streaming', error);
    res.destroy();
  }
  return true;
}

/**
 * The file of a finished export job, with the same API key (and so the same namespace) as the
 * GraphQL request that created it. Another namespace's export is 404, one not finished 409, an
 * expired one 410. The file is complete by construction (written under a temporary name, renamed
 * when done); the row count and size come as headers.
 */
async function sendExportFile(req: IncomingMessage, res: ServerResponse, id: string, deps: ExportRouteDeps): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendJson(res, 405, { errors: [{ message: `Use GET for /exports/files/${id}.`, extensions: { code: 'METHOD_NOT_ALLOWED' } }] }, { allow: 'GET, HEAD' });
    return;
  }
  let download;
  try {
    const context = await deps.contextFor(header(req, 'authorization'));
    download = await context.services.exportJobs.download(id);
  } catch (error) {
    const { status, body } = httpError(error, deps.logger);
    sendText(res, status, body);
    return;
  }
  res.writeHead(200, {
    'content-type': download.contentType,
    'content-length': String(download.size),
    'content-disposition': `attachment; filename="${download.fileName}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-export-as-of': download.record.asOf.toISOString(),
    'x-export-rows': String(download.record.rows ?? 0),
    ...(download.record.expiresAt ? { 'x-export-expires-at': download.record.expiresAt.toISOString() } : {}),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  try {
    await pipeline(createReadStream(download.path), res);
  } catch (error) {
    if (!res.destroyed) deps.logger.error('export file download failed', error);
    res.destroy();
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_DEFINITION_BODY) return Promise.reject(new SyntaxError('too large'));
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function sendText(res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', ...extra });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  sendText(res, status, JSON.stringify(body), extra);
}
