/**
 * The audience SQL compiler (see `docs/audience-sql.md`): a validated, segment-inlined filter
 * becomes frozen `{ sql, params }` statements over `profile p`, scoped to one namespace (`$1`).
 * Pure: imports nothing outside `src/audience` and runs no SQL itself.
 *
 * @example
 *   const query = compileAudience(inlined, { catalog, asOf: new Date(), namespaceId });
 *   const [{ count }] = await sql.rows(query.count().sql, query.count().params);
 *   const page = query.page({ afterId: 0, limit: 100, select: 'p.id, p.email' });
 */
export {
  compileAudience,
  COMPILE_MAX_DEPTH,
  type AudienceQuery,
  type CompileOptions,
  type PageArgs,
  type Statement,
} from './compile';
export { AudienceCompileError, COMPILE_ERROR_CODES, type CompileErrorCode } from './compile-error';
export { impactStatement, type ImpactRow } from './impact';
export { membershipStatement, type MembershipEntry } from './membership';
export { defaultNormalizeEmail } from './text';
