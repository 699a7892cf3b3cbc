import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ImportRecord } from '../../services';
import type { RequestContext } from '../context';
import { parseNumericId } from '../cursors';
import { AppError } from '../../domain/errors';
import { JSONObjectScalar } from '../scalars';
import { toConnection } from '../types/connection.type';
import { Import, ImportConnection, ImportOptionsInput, ImportRejection } from '../types/import.type';

export function toImport(r: ImportRecord): Import {
  return Object.assign(new Import(), {
    id: String(r.id), kind: r.kind, status: r.status, dryRun: r.dryRun, mapping: r.mapping, delimiter: r.delimiter, fileName: r.fileName,
    uploadUrl: `/imports/${r.id}/file`, errorsUrl: `/imports/${r.id}/errors.csv`,
    bytesTotal: r.bytesTotal, bytesProcessed: r.bytesProcessed, rowsRead: r.rowsRead, rowsCreated: r.rowsCreated, rowsUpdated: r.rowsUpdated,
    rowsUnchanged: r.rowsUnchanged, rowsRejected: r.rowsRejected, headers: r.headers ? [...r.headers] : null, unknownColumns: [...r.unknownColumns],
    error: r.error, createdBy: r.createdBy, createdAt: r.createdAt, startedAt: r.startedAt, finishedAt: r.finishedAt,
  });
}

function importCursor(id: number): string {
  return Buffer.from(`i:${id}`).toString('base64url');
}

function parseImportCursor(cursor: string | null): number {
  if (!cursor) return 0;
  const m = /^i:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw AppError.invalid(['after'], 'is not a cursor from this connection; pass a pageInfo.endCursor you received');
  return Number(m[1]);
}

@Resolver(() => Import)
export class ImportResolver {
  @Mutation(() => Import, { description: 'Starts an import (DATA_MANAGER or CLIENT_ADMIN). Then upload the file: PUT it to uploadUrl with the same API key.' })
  async createImport(
    @Arg('kind', { description: 'customers, email_list, purchases, email_optins, unsubscribes or forget (CLIENT_ADMIN).' }) kind: string,
    @Arg('mapping', () => JSONObjectScalar, { nullable: true, description: 'Header → field (`email`, `first_name`, `custom.<key>`, …), or null to ignore a column. Headers not named map by name, case-insensitively.' }) mapping: Record<string, string | null> | null,
    @Arg('options', () => ImportOptionsInput, { nullable: true, description: 'Delimiter, dry run, file name.' }) options: ImportOptionsInput | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Import> {
    return toImport(await ctx.services.imports.create(kind, mapping, options ?? {}));
  }

  @Mutation(() => Import, { description: 'Cancels an import. Batches already applied stay applied.' })
  async cancelImport(@Arg('id', () => ID, { description: 'The import ID.' }) id: string, @Ctx() ctx: RequestContext): Promise<Import> {
    return toImport(await ctx.services.imports.cancel(parseNumericId(id, ['id'])));
  }

  @Query(() => Import, { description: 'An import by ID; NOT_FOUND outside this namespace.' })
  async import(@Arg('id', () => ID, { description: 'The import ID.' }) id: string, @Ctx() ctx: RequestContext): Promise<Import> {
    return toImport(await ctx.services.imports.get(parseNumericId(id, ['id'])));
  }

  @Query(() => ImportConnection, { description: 'Imports of this namespace, newest first.' })
  async imports(
    @Arg('first', () => Int, { defaultValue: 20, description: 'Page size, 1 to 100.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ImportConnection> {
    const { imports, hasMore } = await ctx.services.imports.page(first, parseImportCursor(after));
    return toConnection(imports, hasMore, (r) => importCursor(r.id), toImport);
  }

  @FieldResolver(() => [ImportRejection], { description: 'Rejected rows in row order, with row number, column and reason.' })
  async rejections(
    @Root() root: Import,
    @Arg('first', () => Int, { defaultValue: 50, description: '1 to 1000.' }) first: number,
    @Arg('afterRow', () => Int, { defaultValue: 0, description: 'Rows after this row number.' }) afterRow: number,
    @Ctx() ctx: RequestContext,
  ): Promise<ImportRejection[]> {
    const { rows } = await ctx.services.imports.rejections(Number(root.id), first, afterRow);
    return rows.map((r) => Object.assign(new ImportRejection(), { row: r.rowNumber, column: r.column, error: r.error, fields: [...r.fields] }));
  }
}
