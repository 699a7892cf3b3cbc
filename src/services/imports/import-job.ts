import { rm } from 'node:fs/promises';
import { ImportRepository } from '../../db/import.repository';
import type { Sql } from '../../db/sql';
import { JobFailure, type JobHandler } from '../../jobs';
import { CustomFieldService } from '../custom-field.service';
import { ProfileService } from '../profile.service';
import type { Scope, Tenant } from '../scope';
import { importKind } from './import-kinds';
import { runImport } from './import-pipeline';
import { IMPORT_JOB_KIND, type ImportSettings } from './import.service';

/**
 * The job that applies an import (registered in src/app.ts). It runs with the namespace of the
 * job, as the key that created the import (for the consent history's actor), and keeps the
 * `import` row in step with the job: RUNNING when it starts, the terminal state in `settled`.
 */
export function importJobHandler(settings: ImportSettings, concurrency = 2): JobHandler<{ importId: number }> {
  return {
    kind: IMPORT_JOB_KIND,
    concurrency,
    async run(ctx) {
      const namespaceId = ctx.job.namespaceId;
      if (!namespaceId) throw new JobFailure('an import job must belong to a namespace');
      const record = await new ImportRepository(ctx.sql, namespaceId).get(ctx.job.payload.importId);
      if (!record) throw new JobFailure(`import ${ctx.job.payload.importId} no longer exists`);
      if (!record.filePath) throw new JobFailure(`import ${record.id} has no file`);
      // A kind that needs more than imports:run (forget) was checked against the creator's role when the import was created.
      const role = importKind(record.kind)?.permission ? 'CLIENT_ADMIN' : 'DATA_MANAGER';
      const scope: Scope = { sql: ctx.sql, tenant: await tenantOf(ctx.sql, namespaceId), role, actor: record.createdBy ?? `import:${record.id}` };
      const customFields = new CustomFieldService(scope);
      const kindContext = { scope, profiles: new ProfileService(scope, customFields), customFields: await customFields.types() };
      return runImport(ctx, record, kindContext, record.filePath, { batchRows: settings.batchRows });
    },
    async settled(tx, job, outcome) {
      if (!job.namespaceId) return;
      const repo = new ImportRepository(tx, job.namespaceId);
      const status = outcome.state === 'succeeded' ? 'SUCCEEDED' : outcome.state === 'failed' ? 'FAILED' : 'CANCELLED';
      await repo.finished(job.payload.importId, status, outcome.state === 'failed' ? outcome.error : null);
      const record = await repo.get(job.payload.importId);
      // The file is not needed once the import has ended (rejected rows are kept in the database).
      if (record?.filePath) await rm(record.filePath, { force: true });
    },
  };
}

/** The namespace a background job works for, as a request's scope would have it. */
export async function tenantOf(sql: Sql, namespaceId: string): Promise<Tenant> {
  const row = await sql.one<{ id: string; slug: string; default_region: string }>(`select id, slug, default_region from namespace where id = $1`, [namespaceId]);
  if (!row) throw new JobFailure('the namespace of this job no longer exists');
  return { id: row.id, slug: row.slug, defaultRegion: row.default_region };
}
