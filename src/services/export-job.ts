import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { ExportJobRepository, namespaceIds } from '../db/export-job.sql';
import { AppError } from '../domain/errors';
import { JobAborted, JobFailure, type AbortReason, type JobHandler } from '../jobs';
import { tenantOf } from './imports/import-job';
import { EXPORT_EXPIRY_JOB_KIND, EXPORT_JOB_KIND, exportFilePath, type ExportFileSettings } from './export-job.service';
import { createRequestServices, type ProcessServices } from './index';

/** What a finished export job stores as its result (and `settled` copies into the export row). */
export interface ExportJobResult {
  readonly rows: number;
  readonly bytes: number;
  readonly filePath: string;
}

/** The name of the sweep's schedule, also its jobs' singleton key. */
export const EXPORT_EXPIRY_SCHEDULE = 'exports:expire';

/**
 * The job that writes an export's file (registered in src/app.ts). It prepares the export as the
 * HTTP route does and streams it through the same `PreparedExport.writeTo` (COPY on PostgreSQL,
 * keyset pages on PGlite) into `<file>.<pid>.<random>.part`, renamed to the final name only once
 * the file is complete. A run whose process died leaves at most a `.part` file, which the next run
 * of the same export removes, so a partial file is never served. The export row follows the job:
 * RUNNING when a run starts, SUCCEEDED / FAILED / CANCELLED in `settled` (`cancelExport` marks it
 * CANCELLED first; a cancelled run removes its `.part` file, and `settled` any file of the export).
 */
export function exportJobHandler(shared: ProcessServices, concurrency = 2): JobHandler<{ exportId: string }> {
  const settings = shared.exportFiles;
  return {
    kind: EXPORT_JOB_KIND,
    concurrency,
    async run(ctx): Promise<ExportJobResult> {
      const namespaceId = ctx.job.namespaceId;
      if (!namespaceId) throw new JobFailure('an export job must belong to a namespace');
      const record = await new ExportJobRepository(ctx.sql, namespaceId).get(String(ctx.job.payload.exportId));
      if (!record) throw new JobFailure(`export ${ctx.job.payload.exportId} no longer exists`);
      const tenant = await tenantOf(ctx.sql, namespaceId);
      await ctx.transaction((tx) => new ExportJobRepository(tx, namespaceId).started(record.id));
      const services = createRequestServices({ sql: ctx.sql, tenant, role: 'MARKETER', actor: record.createdBy }, shared);
      const path = exportFilePath(settings, namespaceId, record);
      await mkdir(dirname(path), { recursive: true });
      await removePartials(path);
      const partial = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.part`;
      const body = new PassThrough();
      let bytes = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      const written = pipeline([body, ...(record.gzip ? [createGzip()] : []), counter, createWriteStream(partial)]);
      written.catch(() => undefined);
      const onAbort = () => body.destroy(new JobAborted(ctx.signal.reason as AbortReason));
      ctx.signal.addEventListener('abort', onAbort);
      try {
        ctx.throwIfAborted();
        const prepared = await services.exports.prepare({
          source: { kind: 'segment', segmentId: record.segmentId }, format: record.format, asOf: record.asOf, columns: record.columns, formulas: record.formulas,
        });
        const rows = await prepared.writeTo(body, undefined, record.id);
        await written;
        ctx.throwIfAborted();
        await rename(partial, path);
        return { rows, bytes, filePath: path };
      } catch (error) {
        body.destroy();
        await written.catch(() => undefined);
        await rm(partial, { force: true });
        if (ctx.signal.aborted) throw new JobAborted(ctx.signal.reason as AbortReason);
        // The segment or a column was deleted meanwhile: retrying cannot help, and the message is the user's.
        if (error instanceof AppError) throw new JobFailure(error.message);
        throw error;
      } finally {
        ctx.signal.removeEventListener('abort', onAbort);
      }
    },
    async settled(tx, job, outcome) {
      if (!job.namespaceId) return;
      const repo = new ExportJobRepository(tx, job.namespaceId);
      const id = String(job.payload.exportId);
      if (outcome.state === 'succeeded') {
        const result = outcome.result as ExportJobResult;
        // Cancelled (cancelExport) while its last bytes were written: a cancelled export has no file.
        if (!(await repo.succeeded(id, result, settings.ttlMs))) await rm(result.filePath, { force: true });
        return;
      }
      if (outcome.state === 'failed') await repo.failed(id, outcome.error);
      else await repo.cancelled(id, 'the export was cancelled');
      const record = await repo.get(id);
      // A run that renamed its file but died before recording success leaves it: a failed export has no file.
      if (record) {
        const path = exportFilePath(settings, job.namespaceId, record);
        await rm(path, { force: true });
        await removePartials(path);
      }
    },
  };
}

/** Removes `.part` files a run of this export left when its process died. */
async function removePartials(path: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(prefix) && n.endsWith('.part')).map((n) => rm(join(dirname(path), n), { force: true })));
}

/**
 * The expiry sweep (a system job, enqueued by the `exports:expire` schedule every 10 minutes):
 * namespace by namespace, SUCCEEDED exports past `expires_at` become EXPIRED, then their files are deleted. A download
 * checks `expires_at` itself, so an export is gone (410) at its expiry even before the sweep runs.
 * Only files inside EXPORT_DIR are ever deleted.
 */
export function exportExpiryJob(settings: ExportFileSettings): JobHandler {
  const root = resolve(settings.dir) + sep;
  return {
    kind: EXPORT_EXPIRY_JOB_KIND,
    concurrency: 1,
    async run(ctx) {
      let deleted = 0;
      // Namespace by namespace, so that every statement stays sealed to one (docs/scaling.md).
      for (const namespaceId of await namespaceIds(ctx.sql)) {
        const repo = new ExportJobRepository(ctx.sql, namespaceId);
        for (;;) {
          ctx.throwIfAborted();
          const due = await repo.expireDue(500);
          for (const file of due) {
            if (resolve(file.filePath).startsWith(root)) await rm(file.filePath, { force: true });
            await repo.fileDeleted(file.id);
            deleted++;
          }
          if (due.length < 500) break;
        }
      }
      return { deleted };
    },
  };
}
