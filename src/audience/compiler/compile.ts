/**
 * The audience SQL compiler: a validated filter, with its segment references inlined, becomes a
 * boolean SQL predicate over `profile p` with every value a `$n` parameter and `$1` the namespace
 * id; the statements around it (count, keyset page, membership) are all scoped to the namespace.
 *
 * @example
 *   const query = compileAudience(inlined, { catalog, asOf: new Date(), namespaceId });
 *   const { sql, params } = query.count();
 *   // sql: 'select count(*)::bigint as count from profile p where p.namespace_id = $1 and (p.email_status = $2)'
 *   // params: [namespaceId, 'SUBSCRIBED']
 */
import { depthOf, walk, type FilterNode, type SnapshotNode } from '../ast';
import type { FieldCatalog } from '../catalog';
import { MAX_DEPTH, MAX_SEGMENT_NESTING } from '../limits';
import { toCompileForm, type CompileNode } from '../normalize';
import { OPERATORS } from '../operators';
import { AudienceCompileError } from './compile-error';
import { negate, type Predicate } from './comparisons';
import type { CompileContext } from './context';
import { compileEvent } from './event-conditions';
import { compileCondition } from './field-conditions';
import { join, Numbering, Param, render, sql, trusted, type Fragment } from './sql-fragment';
import { defaultNormalizeEmail } from './text';

export interface CompileOptions {
  readonly catalog: FieldCatalog;
  /** The instant relative operators (`within_last`, birthdays, ...) are measured from. */
  readonly asOf: Date;
  /** The namespace (a uuid) every statement is scoped to; always parameter `$1`. */
  readonly namespaceId: string;
  /** Normalizes email values of `eq`/`neq`/`in`/`not_in`; default: trim, then lower-case code point by code point. */
  readonly normalizeEmail?: (value: string) => string;
}

/** A parameterized SQL statement. Values are only ever `$n` parameters. */
export interface Statement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

export interface PageArgs {
  /** Only profiles with `id > afterId` (keyset pagination; 0 for the first page). */
  readonly afterId: number;
  /** At most this many rows. */
  readonly limit: number;
  /** The column list, e.g. `p.id, p.email`: trusted SQL from the caller's code, never user input. */
  readonly select: string;
  /**
   * Evaluate the predicate over the whole namespace first, then sort and limit:
   * `select * from (select … where … and p.id > $n offset 0) p order by p.id limit $m` (the
   * `offset 0` keeps the planner from flattening it). For segments known to be small and cheap to
   * count, whose members may sit anywhere in the id range: the planner otherwise walks the primary
   * key in id order and may read the whole namespace for a hundred recent signups. The column list
   * must include `p.id`. Default: the keyset page, which stops after `limit` members.
   */
  readonly fenced?: boolean;
}

/** A compiled audience: its predicate and the statements built on it. Frozen. */
export interface AudienceQuery {
  /** Boolean SQL over `profile p`; `params[0]` (`$1`) is the namespace id. */
  readonly predicate: Statement;
  /** `select count(*)::bigint as count from profile p where p.namespace_id = $1 and (...)` */
  count(): Statement;
  /** The members with `id > afterId`, in id order, at most `limit`. */
  page(args: PageArgs): Statement;
  /** `select exists(...) as member` for one profile. */
  member(profileId: number): Statement;
}

/** The parts of a compiled query that statements are built from (see `membershipStatement`). */
export interface CompiledParts {
  readonly namespace: Param;
  /** Evaluated over the whole namespace (counts, impact, exports): event counts grouped. */
  readonly predicate: Fragment;
  /** Tested row by row (pages, memberships of listed profiles): event counts as `exists (… offset n-1)`. */
  readonly rows: Fragment;
}

const COMPILED = new WeakMap<AudienceQuery, CompiledParts>();

/** The fragments of a query made by `compileAudience`; fails closed on any other object. */
export function compiledParts(query: AudienceQuery): CompiledParts {
  const parts = COMPILED.get(query);
  if (!parts) throw AudienceCompileError.invalidOptions('Not an AudienceQuery made by compileAudience.');
  return parts;
}

/** How deep an inlined filter may nest: each of a chain of segments may nest MAX_DEPTH levels. */
export const COMPILE_MAX_DEPTH = MAX_DEPTH * (MAX_SEGMENT_NESTING + 1);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Renders statement text with the namespace as `$1`, then the fragment's own parameters. */
export function statement(namespace: Param, fragment: Fragment, numbering = new Numbering()): Statement {
  numbering.numberOf(namespace);
  const text = render(fragment, numbering);
  return Object.freeze({ sql: text, params: Object.freeze([...numbering.params]) });
}

function checkOptions(options: CompileOptions): void {
  if (!options || typeof options.catalog?.lookup !== 'function') throw AudienceCompileError.invalidOptions('A catalog is required.');
  if (!(options.asOf instanceof Date) || Number.isNaN(options.asOf.getTime())) throw AudienceCompileError.invalidOptions('asOf must be a valid Date.');
  if (typeof options.namespaceId !== 'string' || !UUID.test(options.namespaceId)) throw AudienceCompileError.invalidOptions('namespaceId must be a uuid.');
  if (options.normalizeEmail !== undefined && typeof options.normalizeEmail !== 'function') {
    throw AudienceCompileError.invalidOptions('normalizeEmail must be a function.');
  }
}

/** Rejects what the compiler must never see, before the normal-form pass touches it. */
function checkShape(filter: FilterNode): void {
  if (typeof filter !== 'object' || filter === null) throw AudienceCompileError.invalidOptions('A filter is required.');
  const depth = depthOf(filter);
  if (depth > COMPILE_MAX_DEPTH) throw AudienceCompileError.tooDeep(COMPILE_MAX_DEPTH, filter.origin);
  walk(filter, (node) => {
    switch (node.kind) {
      case 'segment':
        throw AudienceCompileError.segmentNotInlined(node.id, node.origin);
      case 'and':
      case 'or':
        if (!Array.isArray(node.children) || node.children.length === 0) {
          throw AudienceCompileError.invalidValue(`An \`${node.kind}\` needs at least one filter.`, node.origin);
        }
        return;
      case 'not':
        if (typeof node.child !== 'object' || node.child === null) throw AudienceCompileError.invalidValue('A `not` needs a filter.', node.origin);
        return;
      case 'condition':
        if (!Object.hasOwn(OPERATORS, node.op)) throw AudienceCompileError.operatorNotAllowed(String(node.op), `field ${JSON.stringify(node.field)}`, node.origin);
        return;
      case 'event':
        return;
      case 'snapshot':
        if (typeof node.id !== 'string') throw AudienceCompileError.invalidValue('A snapshot reference needs a snapshot id.', node.origin);
        return;
      default:
        throw AudienceCompileError.invalidValue(`Unknown filter node ${JSON.stringify((node as { kind?: unknown }).kind)}.`, (node as FilterNode).origin);
    }
  });
}

function compileNode(node: CompileNode, context: CompileContext): Predicate {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const children = node.children.map((child) => {
        const predicate = compileNode(child, context);
        return child.kind === 'and' || child.kind === 'or' ? { ...predicate, sql: sql`(${predicate.sql})` } : predicate;
      });
      return { sql: join(children.map((child) => child.sql), node.kind === 'and' ? ' and ' : ' or '), nullable: children.some((c) => c.nullable) };
    }
    case 'not':
      return node.child.kind === 'event' ? compileEvent(node.child, context, true) : negate(compileNode(node.child, context));
    case 'condition':
      return compileCondition(node, context);
    case 'event':
      return compileEvent(node, context, false);
    case 'snapshot':
      return compileSnapshot(node);
    case 'segment':
      throw AudienceCompileError.segmentNotInlined(node.id, node.origin);
  }
}

/**
 * `in snapshot "snap_…"`: a correlated probe of the snapshot's member table on its primary key
 * `(namespace_id, snapshot_id, profile_id)`; two-valued (never NULL).
 */
function compileSnapshot(node: SnapshotNode): Predicate {
  return {
    sql: sql`exists (select 1 from segment_snapshot_member sm where sm.namespace_id = p.namespace_id and sm.snapshot_id = ${new Param(node.id)} and sm.profile_id = p.id)`,
    nullable: false,
  };
}

function checkId(value: number, what: string): Param {
  if (!Number.isSafeInteger(value)) throw AudienceCompileError.invalidOptions(`${what} must be a whole number.`);
  return new Param(value);
}

const SELECTS_ID = /(^|,)\s*p\.id\s*(,|$)/;

function makeQuery(namespace: Param, predicate: Fragment, rows: Fragment): AudienceQuery {
  const scoped = (where: Fragment, extra?: Fragment): Fragment => (extra ? sql`p.namespace_id = ${namespace} and (${where}) and ${extra}` : sql`p.namespace_id = ${namespace} and (${where})`);
  const query: AudienceQuery = Object.freeze({
    predicate: statement(namespace, predicate),
    count: () => statement(namespace, sql`select count(*)::bigint as count from profile p where ${scoped(predicate)}`),
    page: ({ afterId, limit, select, fenced }: PageArgs) => {
      const after = checkId(afterId, 'afterId');
      if (!Number.isSafeInteger(limit) || limit < 1) throw AudienceCompileError.invalidOptions('limit must be a whole number of at least 1.');
      const columns = trusted(select);
      if (fenced) {
        if (!SELECTS_ID.test(select)) throw AudienceCompileError.invalidOptions('A fenced page needs `p.id` in its column list.');
        // Every member is found first, so the set form (grouped event counts) serves it best.
        return statement(namespace, sql`select * from (select ${columns} from profile p where ${scoped(predicate, sql`p.id > ${after}`)} offset 0) p order by p.id limit ${new Param(limit)}`);
      }
      return statement(namespace, sql`select ${columns} from profile p where ${scoped(rows, sql`p.id > ${after}`)} order by p.id limit ${new Param(limit)}`);
    },
    member: (profileId: number) =>
      statement(namespace, sql`select exists (select 1 from profile p where ${scoped(rows, sql`p.id = ${checkId(profileId, 'profileId')}`)}) as member`),
  });
  COMPILED.set(query, { namespace, predicate, rows });
  return query;
}

/**
 * Compiles a validated filter whose segment references are inlined (`inlineSegments`). It is
 * brought to compile-normal form (`toCompileForm`) here. Throws `AudienceCompileError` on
 * anything it cannot compile exactly: fail closed, never "everyone".
 *
 * @example
 *   compileAudience(parse('custom.tier in ("gold", "silver")'), options).predicate
 *   // { sql: 'p.custom ->> $2 = any($3::text[])', params: [namespaceId, 'tier', ['gold', 'silver']] }
 */
export function compileAudience(filter: FilterNode, options: CompileOptions): AudienceQuery {
  checkOptions(options);
  checkShape(filter);
  const namespace = new Param(options.namespaceId);
  const context: CompileContext = {
    catalog: options.catalog,
    asOfMs: options.asOf.getTime(),
    namespace,
    normalizeEmail: options.normalizeEmail ?? defaultNormalizeEmail,
    purpose: 'set',
  };
  const normal = toCompileForm(filter);
  const predicate = compileNode(normal, context).sql;
  // Only event counts other than "at least one" / "none" differ between the two forms.
  const rows = hasGroupedCount(normal) ? compileNode(normal, { ...context, purpose: 'rows' }).sql : predicate;
  return makeQuery(namespace, predicate, rows);
}

/** Whether an event condition counts to another threshold than 1, or aggregates (the forms differ only then). */
function hasGroupedCount(node: CompileNode): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.children.some(hasGroupedCount);
    case 'not':
      return hasGroupedCount(node.child);
    case 'event': {
      if (node.aggregate !== undefined) return true;
      const count = node.count;
      return count !== undefined && !(count.op === 'gte' && count.value <= 1) && !(count.op === 'gt' && count.value === 0) && !(count.op === 'lt' && count.value <= 1) &&
        !(count.op === 'lte' && count.value === 0) && !(count.op === 'eq' && count.value === 0);
    }
    default:
      return false;
  }
}
