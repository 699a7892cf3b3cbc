import type { EntityManager } from '@mikro-orm/core';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { Sql } from '../db/sql';
import { parseInstant } from '../domain/datetime';
import { AppError } from '../domain/errors';
import type { ExportRequest, PreparedExport } from './export.service';
import { createRequestServices, type ProcessServices, type RequestServices } from './index';
import { NamespaceService } from './namespace.service';

type Input = Readonly<Record<string, unknown>>;

/** What the `export` command asks for, as JSON (the same in the CLI's process and in the server). */
export interface CliExportInput {
  readonly namespace: string;
  readonly segment: string;
  readonly format: string;
  readonly asOf?: string | null;
  readonly columns?: readonly string[] | null;
  readonly formulas?: string | null;
}

function text(input: Input, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw AppError.invalid([name], `must be a string (got ${typeof value})`);
  return value;
}

/** The request services of a namespace, as the command line acts in it (an exporting role, actor `cli`). */
async function servicesFor(em: EntityManager, shared: ProcessServices, slug: string): Promise<RequestServices> {
  const namespace = await new NamespaceService(em).bySlug(slug);
  if (!namespace) throw AppError.notFound('Namespace', slug);
  return createRequestServices({ sql: new Sql(em), tenant: { id: namespace.id, slug: namespace.slug, defaultRegion: namespace.defaultRegion }, role: 'MARKETER', actor: 'cli' }, shared);
}

/** Maps the command's options to an export request, with the same messages as the HTTP route. */
function exportRequest(input: Input): ExportRequest {
  const format = (text(input, 'format') ?? '').trim().toUpperCase();
  if (format !== 'CSV' && format !== 'JSONL') throw AppError.invalid(['format'], `must be csv or jsonl (got ${JSON.stringify(input.format)})`);
  const rawAsOf = text(input, 'asOf');
  const asOf = rawAsOf ? parseInstant(rawAsOf.trim()) : new Date();
  if (!asOf) throw AppError.invalid(['asOf'], `must be an ISO 8601 date (2026-11-28) or instant with offset (2026-11-28T00:00:00Z), got ${JSON.stringify(rawAsOf!.slice(0, 60))}`);
  const columns = input.columns ?? null;
  if (columns !== null && (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string'))) throw AppError.invalid(['columns'], 'must be a list of column names');
  const formulas = text(input, 'formulas')?.trim().toUpperCase() ?? null;
  if (formulas !== null && formulas !== 'ESCAPE' && formulas !== 'KEEP') throw AppError.invalid(['formulas'], `must be ESCAPE or KEEP (got ${JSON.stringify(input.formulas)})`);
  return { source: { kind: 'segment', segmentId: text(input, 'segment') ?? '' }, format, asOf, columns: columns as string[] | null, formulas };
}

/**
 * Prepares the export the `export` command writes: every problem (namespace, segment, columns,
 * format) is an `AppError` before the first byte. `total` is the segment's `count(asOf)`, asked
 * only when a progress bar needs it.
 */
export async function prepareCliExport(em: EntityManager, shared: ProcessServices, input: Input, withTotal: boolean): Promise<{ prepared: PreparedExport; total: number | null }> {
  const services = await servicesFor(em, shared, text(input, 'namespace') ?? '');
  const request = exportRequest(input);
  const prepared = await services.exports.prepare(request);
  const total = withTotal ? await services.segments.count(await services.segments.get((request.source as { segmentId: string }).segmentId), request.asOf) : null;
  return { prepared, total };
}

/** The code and message of a user error (bad namespace, segment, column…), for the command line; null for anything else. */
export function userError(error: unknown): { code: string; message: string } | null {
  return error instanceof AppError ? { code: error.code, message: error.message } : null;
}

export const EXPORT_ADMIN_OPERATIONS = {
  /**
   * Writes a segment's export to `path` on this machine (complete, or not at all: written beside
   * it and renamed): the `export` command's path when a running server owns the embedded database.
   */
  'export-file': async (em: EntityManager, shared: ProcessServices, input: Input) => {
    const path = input.path;
    if (typeof path !== 'string' || !isAbsolute(path)) throw AppError.invalid(['path'], 'must be an absolute path on this machine');
    const { prepared } = await prepareCliExport(em, shared, input, false);
    const partial = `${path}.${process.pid}.part`;
    try {
      const rows = await prepared.writeTo(createWriteStream(partial));
      await rename(partial, path);
      return { rows, asOf: prepared.asOf.toISOString(), columns: prepared.columns.map((c) => c.name) };
    } finally {
      await rm(partial, { force: true });
    }
  },
} as const;
