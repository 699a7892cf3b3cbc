import type { EntityManager } from '@mikro-orm/core';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { isAbsolute } from 'node:path';
import type { ImportRecord } from '../../db/import.repository';
import { Sql } from '../../db/sql';
import { AppError } from '../../domain/errors';
import { CustomFieldService } from '../custom-field.service';
import { NamespaceService } from '../namespace.service';
import type { ProcessServices } from '../index';
import { ImportService } from './import.service';

/**
 * Imports for the command line (`import` command), as admin operations: the same service and job
 * as the API, run either in the CLI's own process or inside the running server (through its admin
 * socket, which only the owner of the data directory can reach). The file is named by a path on
 * this machine, never sent as JSON; the server reads it, as the CLI would.
 */
async function importService(em: EntityManager, shared: ProcessServices, slug: string): Promise<ImportService> {
  const namespace = await new NamespaceService(em).bySlug(slug);
  if (!namespace) throw AppError.notFound('Namespace', slug);
  const scope = { sql: new Sql(em), tenant: { id: namespace.id, slug: namespace.slug, defaultRegion: namespace.defaultRegion }, role: 'DATA_MANAGER' as const, actor: 'cli' };
  return new ImportService(scope, new CustomFieldService(scope), shared.jobs, shared.imports);
}

function absolutePath(value: unknown, name: string): string {
  if (typeof value !== 'string' || !isAbsolute(value)) throw AppError.invalid([name], 'must be an absolute path on this machine');
  return value;
}

/** The parts of an import the CLI prints. */
export function importSummary(r: ImportRecord) {
  return {
    id: r.id, jobId: r.jobId, kind: r.kind, status: r.status, dryRun: r.dryRun, rowsRead: r.rowsRead, rowsCreated: r.rowsCreated, rowsUpdated: r.rowsUpdated,
    rowsUnchanged: r.rowsUnchanged, rowsRejected: r.rowsRejected, bytesProcessed: r.bytesProcessed, bytesTotal: r.bytesTotal,
    unknownColumns: r.unknownColumns, error: r.error,
  };
}

export type ImportSummary = ReturnType<typeof importSummary>;

type Input = Readonly<Record<string, unknown>>;

export const IMPORT_ADMIN_OPERATIONS = {
  /** Creates an import and hands it its file (read from `path`): it is then queued. */
  'import-file': async (em: EntityManager, shared: ProcessServices, input: Input) => {
    const path = absolutePath(input.path, 'path');
    const size = await stat(path).then((s) => (s.isFile() ? s.size : undefined), () => undefined);
    if (size === undefined) throw AppError.invalid(['path'], `${path} is not a readable file`);
    const service = await importService(em, shared, String(input.namespace ?? ''));
    const mapping = (input.mapping ?? null) as Record<string, string | null> | null;
    const created = await service.create(String(input.kind ?? ''), mapping, { delimiter: (input.delimiter as string | undefined) ?? null, dryRun: input.dryRun === true, fileName: (input.fileName as string | undefined) ?? null });
    return importSummary(await service.receiveFile(created.id, createReadStream(path), size));
  },

  'import-status': async (em: EntityManager, shared: ProcessServices, input: Input) =>
    importSummary(await (await importService(em, shared, String(input.namespace ?? ''))).get(Number(input.id))),

  /** Writes the rejected rows (original row + `error`) to `path`. */
  'import-errors': async (em: EntityManager, shared: ProcessServices, input: Input) => {
    const path = absolutePath(input.path, 'path');
    const prepared = await (await importService(em, shared, String(input.namespace ?? ''))).errorsCsv(Number(input.id));
    const out = createWriteStream(path);
    const rows = await prepared.writeTo(out);
    out.end();
    await finished(out);
    return { rows, path };
  },
} as const;
