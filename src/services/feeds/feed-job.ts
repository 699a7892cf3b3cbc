import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { FeedRepository, type FeedFileOutcome } from '../../db/feed.repository';
import { ImportRepository } from '../../db/import.repository';
import { JobFailure, type JobContext, type JobHandler, type JobQueue } from '../../jobs';
import { CustomFieldService } from '../custom-field.service';
import { ImportService, type ImportSettings } from '../imports/import.service';
import { tenantOf } from '../imports/import-job';
import type { Scope } from '../scope';
import { decryptSecret } from './feed-secrets';
import { FEED_JOB_KIND } from './feed.service';
import { patternMatcher, SftpSource } from './sftp-source';

export interface FeedJobDeps {
  readonly jobs: JobQueue;
  readonly imports: ImportSettings;
  readonly secretKey: Buffer | null;
}

const FINISHED = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/**
 * One run of a feed: list the remote folder, and for each matching file download it (hashing as
 * it streams), skip it when this feed already took in the same name, size and content, else
 * import it as an import job of its own and wait for it. Then move the file to `processed/`, or to
 * `failed/` beside an error file when the import failed or rejected rows. Every file and its
 * outcome is recorded in the run's history.
 */
export function feedJobHandler(deps: FeedJobDeps): JobHandler<{ feedId: number }> {
  return {
    kind: FEED_JOB_KIND,
    concurrency: 2,
    async run(ctx) {
      const namespaceId = ctx.job.namespaceId;
      if (!namespaceId) throw new JobFailure('a feed run must belong to a namespace');
      const repo = new FeedRepository(ctx.sql, namespaceId);
      const feed = await repo.get(ctx.job.payload.feedId);
      if (!feed) throw new JobFailure(`feed ${ctx.job.payload.feedId} no longer exists`);
      if (!deps.secretKey) throw new JobFailure('this server has no FEED_SECRET_KEY, so it cannot read the feed\'s SFTP credentials');
      const run = (await repo.openRunOfJob(ctx.job.id)) ?? (await ctx.transaction((tx) => new FeedRepository(tx, namespaceId).startRun(feed.id, ctx.job.id)));
      const secret = decryptSecret(deps.secretKey, feed.secret);
      const scope: Scope = { sql: ctx.sql, tenant: await tenantOf(ctx.sql, namespaceId), role: 'DATA_MANAGER', actor: `feed:${feed.id}` };
      const imports = new ImportService(scope, new CustomFieldService(scope), deps.jobs, deps.imports);
      const local = join(deps.imports.dir, namespaceId, 'feeds');
      await mkdir(local, { recursive: true });

      const sftp = new SftpSource();
      await sftp.connect({ host: feed.host, port: feed.port, username: feed.username, hostKeySha256: feed.hostKeySha256, ...(feed.authMethod === 'PASSWORD' ? { password: secret } : { privateKey: secret }) });
      try {
        const files = await sftp.list(feed.remoteDir, patternMatcher(feed.pattern));
        for (const file of files) {
          ctx.throwIfAborted();
          const tmp = join(local, `run-${run.id}-${Date.now()}.csv`);
          try {
            const { sha256, size } = await sftp.download(`${feed.remoteDir}/${file.name}`, tmp);
            const record = (outcome: FeedFileOutcome, importId: number | null, error: string | null) =>
              ctx.transaction((tx) => new FeedRepository(tx, namespaceId).recordFile(feed.id, run.id, { name: file.name, size, sha256, outcome, importId, error }));
            if (await repo.seen(feed.id, file.name, size, sha256)) {
              await sftp.moveInto(feed.remoteDir, file.name, 'processed');
              await record('SKIPPED', null, 'already imported by this feed (same name, size and content)');
              continue;
            }
            const created = await imports.create(feed.kind, feed.mapping, { delimiter: feed.delimiter, fileName: file.name });
            await imports.receiveFile(created.id, createReadStream(tmp), size);
            const done = await waitForImport(ctx, new ImportRepository(ctx.sql, namespaceId), created.id);
            if (done.status === 'SUCCEEDED' && done.rowsRejected === 0) {
              await sftp.moveInto(feed.remoteDir, file.name, 'processed');
              await record('IMPORTED', done.id, null);
            } else {
              const moved = await sftp.moveInto(feed.remoteDir, file.name, 'failed');
              if (done.status === 'SUCCEEDED') {
                const chunks: string[] = [];
                await (await imports.errorsCsv(done.id)).writeTo(new Writable({ write: (c: Buffer | string, _e, cb) => (chunks.push(c.toString()), cb()) }));
                await sftp.write(`${moved}.errors.csv`, chunks.join(''));
                await record('REJECTED_ROWS', done.id, `${done.rowsRejected} of ${done.rowsRead} rows rejected; see ${moved}.errors.csv`);
              } else {
                await sftp.write(`${moved}.error.txt`, `${done.error ?? done.status}\n`);
                await record('FAILED', done.id, done.error ?? done.status);
              }
            }
          } finally {
            await rm(tmp, { force: true });
          }
        }
      } finally {
        await sftp.close();
      }
      return { runId: run.id };
    },
    async settled(tx, job, outcome) {
      if (!job.namespaceId) return;
      const status = outcome.state === 'succeeded' ? 'SUCCEEDED' : outcome.state === 'failed' ? 'FAILED' : 'CANCELLED';
      await new FeedRepository(tx, job.namespaceId).finishRun(job.id, status, outcome.state === 'failed' ? outcome.error : null);
    },
  };
}

async function waitForImport(ctx: JobContext<unknown>, repo: ImportRepository, id: number) {
  for (;;) {
    const current = await repo.get(id);
    if (!current) throw new JobFailure(`import ${id} disappeared`);
    if (FINISHED.includes(current.status)) return current;
    ctx.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
