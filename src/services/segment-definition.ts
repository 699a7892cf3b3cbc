import {
  AudienceError, decodeEnvelope, decodeJson, encodeEnvelope, inlineSegments, normalize, parseText, print, resolveSegmentNames, segmentReferences, snapshotReferences,
  validate, type FieldCatalog, type FilterEnvelopeJson, type FilterNode, type SegmentDirectory,
} from '../audience';
import { SegmentRepository } from '../db/segment.repository';
import { SnapshotRepository } from '../db/snapshot.sql';
import type { InputProblem } from '../domain/errors';
import { isSegmentId } from '../domain/ids';
import type { Scope } from './scope';

/** A definition as a client sends it: exactly one of a JSON filter or a text expression. */
export interface SegmentDefinitionInput {
  /** The JSON form: `{"version": 1, "filter": …}`, or a bare filter. */
  readonly filter?: unknown;
  /** The text form, e.g. `email_status = "SUBSCRIBED" and did purchase within last 30 days`. */
  readonly expression?: string | null;
}

export interface CheckedDefinition {
  readonly errors: readonly AudienceError[];
  /** The parsed filter (present when it parsed, even if it did not validate). */
  readonly ast?: FilterNode;
  readonly normalized?: FilterEnvelopeJson;
  readonly text?: string;
  /** The filter as it runs: every saved-segment reference replaced by its (validated) definition. */
  readonly inlined?: FilterNode;
  /** Saved segments it references directly. */
  readonly references: readonly string[];
  /** Which form it came in, for error paths. */
  readonly form: 'filter' | 'expression';
}

/** How many segment names "did you mean" compares an unknown name with. */
const MAX_SUGGESTED_NAMES = 1000;

/** How deep references are followed when loading referenced definitions. */
const MAX_REFERENCE_HOPS = 16;

/**
 * Parsing, validation and inlining of segment definitions against a namespace's catalog and its
 * saved segments. Referenced segments are loaded breadth-first, one statement per level.
 */
export class SegmentDefinitions {
  constructor(
    private readonly scope: Scope,
    private readonly catalog: () => Promise<FieldCatalog>,
  ) {}

  /** Parses and validates a definition; `selfId` is the segment being edited (for cycle checks). */
  async check(input: SegmentDefinitionInput, selfId?: string): Promise<CheckedDefinition> {
    const hasFilter = input.filter !== undefined && input.filter !== null;
    const hasExpression = input.expression !== undefined && input.expression !== null;
    if (hasFilter === hasExpression) {
      const error = hasFilter
        ? AudienceError.invalidValue('Send exactly one of `filter` (JSON) or `expression` (text), not both.', { path: '' })
        : AudienceError.missingKey('filter', 'the definition (send exactly one of `filter` or `expression`)', { path: '' });
      return { form: 'filter', references: [], errors: [error] };
    }
    const parsed = hasExpression ? parseText(input.expression!) : decodeFilter(input.filter);
    const form = hasExpression ? 'expression' : 'filter';
    if (!parsed.ok) return { form, references: [], errors: parsed.errors };
    // The text form may name segments; they are stored by id (a rename keeps the definition working).
    const resolved = hasExpression ? resolveSegmentNames(parsed.value, await this.directory(parsed.value)) : parsed;
    if (!resolved.ok) return { form, references: [], ast: parsed.value, errors: resolved.errors };
    const ast = resolved.value;
    const references = [...new Set(segmentReferences(ast).map((s) => s.id))];
    const lookup = await this.lookup(references);
    const catalog = await this.catalog();
    const snapshots = await this.snapshots([ast, ...lookup.values()]);
    const valid = validate(ast, catalog, lookup, selfId ? { segmentId: selfId, snapshots } : { snapshots });
    if (!valid.ok) return { form, references, ast, errors: valid.errors };
    // Fail closed: the definition as it will run, with every reference inlined, must validate too.
    const inlined = await this.inline(ast, lookup, catalog, snapshots);
    if (!inlined.ok) return { form, references, ast, errors: inlined.errors };
    const normalized = normalize(ast);
    return { form, references, ast, errors: [], normalized: encodeEnvelope(normalized), text: print(normalized), inlined: inlined.value };
  }

  private async inline(ast: FilterNode, lookup: Map<string, FilterNode>, catalog: FieldCatalog, snapshots: ReadonlySet<string>) {
    const inlined = inlineSegments(ast, lookup);
    if (!inlined.ok) return inlined;
    return validate(inlined.value, catalog, lookup, { snapshots });
  }

  /** What the namespace has for the segment references of a text filter: by id and by name (one statement, two when one is unknown). */
  private async directory(ast: FilterNode): Promise<SegmentDirectory> {
    const refs = [...new Set(segmentReferences(ast).map((ref) => ref.id))];
    const repo = new SegmentRepository(this.scope.sql, this.scope.tenant.id);
    const found = new Map<string, { byId?: string; byName?: string }>();
    for (const row of await repo.segmentsByIdOrName(refs)) {
      const entry = found.get(row.ref) ?? {};
      found.set(row.ref, row.by_id ? { ...entry, byId: row.id } : { ...entry, byName: row.id });
    }
    const names = refs.every((ref) => found.has(ref)) ? [] : await repo.names(MAX_SUGGESTED_NAMES);
    return { find: (ref) => found.get(ref) ?? {}, names: () => names };
  }

  /** Which snapshots referenced by these filters exist in the namespace (one statement, none when there are no references). */
  private async snapshots(filters: readonly FilterNode[]): Promise<ReadonlySet<string>> {
    const ids = [...new Set(filters.flatMap((f) => snapshotReferences(f).map((ref) => ref.id)))];
    return new Set(await new SnapshotRepository(this.scope.sql, this.scope.tenant.id).existing(ids));
  }

  /**
   * Loads every segment reachable from `ids`, decoded. A stored definition that no longer decodes
   * is left out (and so reported as unknown), and so is an ID not of the documented shape, which
   * is never sent to the database.
   */
  private async lookup(ids: readonly string[]): Promise<Map<string, FilterNode>> {
    const repo = new SegmentRepository(this.scope.sql, this.scope.tenant.id);
    const found = new Map<string, FilterNode>();
    let frontier = ids.filter(isSegmentId);
    for (let hop = 0; frontier.length && hop < MAX_REFERENCE_HOPS; hop++) {
      const rows = await repo.definitions(frontier);
      const next: string[] = [];
      for (const row of rows) {
        const decoded = decodeEnvelope(row.definition);
        if (!decoded.ok) continue;
        found.set(row.id, decoded.value);
        for (const ref of segmentReferences(decoded.value)) if (!found.has(ref.id)) next.push(ref.id);
      }
      frontier = [...new Set(next)].filter(isSegmentId);
    }
    return found;
  }
}

function decodeFilter(json: unknown) {
  const isEnvelope = typeof json === 'object' && json !== null && !Array.isArray(json) && 'version' in json;
  return isEnvelope ? decodeEnvelope(json) : decodeJson(json);
}

/**
 * Audience errors (or warnings) as input problems under `base`, then the form's key (JSON pointers
 * become path segments); a `null` form for pointers into a stored envelope (`/filter/...`).
 */
export function toProblems(errors: readonly { readonly code: string; readonly message: string; readonly path?: string; readonly line?: number; readonly column?: number }[], base: readonly (string | number)[], form: 'filter' | 'expression' | null): InputProblem[] {
  return errors.map((e) => {
    const pointer = e.path === undefined ? [] : e.path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    return {
      path: [...base, ...(form === null ? [] : [form]), ...pointer],
      message: e.message,
      code: e.code,
      ...(e.line !== undefined ? { line: e.line, column: e.column } : {}),
    };
  });
}
