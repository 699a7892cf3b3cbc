import { request } from 'node:http';
import { ImportDocument, type ImportQuery } from '../generated/graphql';
import type { GraphQLClient } from '../support/client';

/** PUTs a file to an import's upload URL, as curl would; resolves with the status and the JSON body. */
export function uploadFile(base: string, id: string, body: string | Buffer, key: string | undefined): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const req = request(new URL(`/imports/${id}/file`, base), {
      method: 'PUT',
      headers: { 'content-type': 'text/csv', 'content-length': String(payload.length), ...(key ? { authorization: `Bearer ${key}` } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export type ImportView = ImportQuery['import'];

const FINISHED = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/** Polls the import until it has ended (the job runner applies it in the background). */
export async function waitForImport(client: GraphQLClient, id: string, timeoutMs = 60_000): Promise<ImportView> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { import: job } = await client.data(ImportDocument, { id });
    if (FINISHED.includes(job.status)) return job;
    if (Date.now() > until) throw new Error(`import ${id} did not finish within ${timeoutMs} ms: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The counters of an import, for one exact assertion. */
export function countsOf(job: ImportView): Record<string, number> {
  return { read: job.rowsRead, created: job.rowsCreated, updated: job.rowsUpdated, unchanged: job.rowsUnchanged, rejected: job.rowsRejected };
}
