import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { AppError } from '../../domain/errors';
import type { ExportJobRecord, FormulaHandling } from '../../services';
import type { RequestContext } from '../context';
import { ExportFormatEnum, FormulaHandlingEnum } from '../enums';
import { DateTimeScalar } from '../scalars';
import { toConnection } from '../types/connection.type';
import { AudienceExport, AudienceExportConnection } from '../types/export.type';

function toExport(row: ExportJobRecord): AudienceExport {
  const live = row.status === 'SUCCEEDED' && (!row.expiresAt || row.expiresAt.getTime() > Date.now());
  return Object.assign(new AudienceExport(), {
    id: row.id, segmentId: row.segmentId, format: row.format, gzip: row.gzip, asOf: row.asOf, columns: row.columns ? [...row.columns] : null, formulas: row.formulas,
    // Past its expiry it is gone, whether or not the sweep has deleted the file yet.
    status: row.status === 'SUCCEEDED' && !live ? 'EXPIRED' : row.status,
    rows: row.rows, bytes: row.bytes, error: row.error, downloadUrl: live ? `/exports/files/${row.id}` : null,
    createdBy: row.createdBy, createdAt: row.createdAt, startedAt: row.startedAt, finishedAt: row.finishedAt,
    durationMs: row.startedAt && row.finishedAt ? row.finishedAt.getTime() - row.startedAt.getTime() : null, expiresAt: row.expiresAt,
  });
}

function exportCursor(row: ExportJobRecord): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');
}

function parseExportCursor(cursor: string | null): { createdAt: Date; id: string } | null {
  if (!cursor) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [unknown, unknown];
    const createdAt = typeof at === 'string' ? new Date(at) : undefined;
    if (createdAt && !Number.isNaN(createdAt.getTime()) && typeof id === 'string' && /^exp_[0-9a-f]{16}$/.test(id)) return { createdAt, id };
  } catch {
    // fall through
  }
  throw AppError.invalid(['after'], 'is not a cursor from this connection; pass a pageInfo.endCursor you received');
}

/** Export jobs (MARKETER and above): create, read, list, cancel. The file is downloaded at downloadUrl (src/http/exports.route.ts). */
@Resolver(() => AudienceExport)
export class ExportResolver {
  @Mutation(() => AudienceExport, {
    description: 'Queues an export of a saved segment\'s members at asOf to a file (MARKETER and above). Everything wrong with the request (segment, columns) is an error now; the job then writes the file through the same COPY path as GET /exports/segments/{id}.csv. Poll export(id) until SUCCEEDED, then download downloadUrl with the same API key.',
  })
  async createExport(
    @Arg('segmentId', () => ID, { description: 'The saved segment (seg_…).' }) segmentId: string,
    @Arg('format', () => ExportFormatEnum, { description: 'CSV or JSONL.' }) format: 'CSV' | 'JSONL',
    @Arg('asOf', () => DateTimeScalar, { nullable: true, description: 'The instant to evaluate at; default now (the request\'s start).' }) asOf: Date | null,
    @Arg('columns', () => [String], { nullable: true, description: 'Column names in order (email, custom.tier, …); default every exportable column. Dimensions are refused.' }) columns: string[] | null,
    @Arg('formulas', () => FormulaHandlingEnum, { nullable: true, description: 'CSV only: ESCAPE (default) or KEEP.' }) formulas: FormulaHandling | null,
    @Arg('gzip', () => Boolean, { defaultValue: false, description: 'Compress the file with gzip.' }) gzip: boolean,
    @Ctx() ctx: RequestContext,
  ): Promise<AudienceExport> {
    return toExport(await ctx.services.exportJobs.create({ segmentId, format, asOf: asOf ?? ctx.startedAt, columns, formulas, gzip }));
  }

  @Mutation(() => AudienceExport, {
    description: 'Cancels a QUEUED or RUNNING export job (MARKETER and above): it becomes CANCELLED at once, never gets a file, and a partial file is deleted. Another state is a CONFLICT.',
  })
  async cancelExport(@Arg('id', () => ID, { description: 'The export ID (exp_…).' }) id: string, @Ctx() ctx: RequestContext): Promise<AudienceExport> {
    return toExport(await ctx.services.exportJobs.cancel(id));
  }

  @Query(() => AudienceExport, { description: 'An export job by ID (MARKETER and above); NOT_FOUND outside this namespace.' })
  async export(@Arg('id', () => ID, { description: 'The export ID (exp_…).' }) id: string, @Ctx() ctx: RequestContext): Promise<AudienceExport> {
    return toExport(await ctx.services.exportJobs.get(id));
  }

  @Query(() => AudienceExportConnection, { description: 'Export jobs of this namespace, newest first (MARKETER and above).' })
  async exports(
    @Arg('first', () => Int, { defaultValue: 20, description: 'Page size, 1 to 100.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<AudienceExportConnection> {
    const { exports, hasMore } = await ctx.services.exportJobs.page(first, parseExportCursor(after));
    return toConnection(exports, hasMore, exportCursor, toExport, after);
  }
}
