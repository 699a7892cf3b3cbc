/**
 * Segment references by name in the text form: `in segment "Holdout 10%"` names a saved segment of
 * the caller's namespace by its id or by its name (names are unique ignoring case). Resolution
 * replaces each name by the segment's id, so the definition is stored by id and a rename does not
 * break it; the printer prints ids. Unknown names fail with "did you mean" over the namespace's
 * segment names; a text that is one segment's id and another's name is ambiguous and fails too.
 *
 * @example
 *   resolveSegmentNames(parsed, directory)
 *   // in segment "holdout 10%"  ⇒  { kind: 'segment', id: 'seg_3f2a…', origin }  (named "Holdout 10%")
 */
import type { FilterNode, SegmentNode } from './ast';
import { AudienceError, failure, originOf, success, type Result } from './errors';
import { FilterTransformer } from './transformer';
import { SuggestionBudget, suggestionList } from './validation/suggestions';

/** What the caller knows of its namespace's saved segments, preloaded (resolution is synchronous). */
export interface SegmentDirectory {
  /** The segment whose id is `ref`, and the one whose name is `ref` ignoring case; either may be absent. */
  find(ref: string): { readonly byId?: string; readonly byName?: string };
  /** The namespace's segment names, for suggestions (asked only when a reference is unknown). */
  names(): readonly string[];
}

class SegmentNameResolver extends FilterTransformer {
  readonly errors: AudienceError[] = [];

  constructor(
    private readonly directory: SegmentDirectory,
    private readonly budget: SuggestionBudget,
  ) {
    super();
  }

  protected override transformSegment(node: SegmentNode): FilterNode {
    const { byId, byName } = this.directory.find(node.id);
    const at = originOf(node.origin, '/segment');
    if (byId !== undefined && byName !== undefined && byName !== byId) {
      this.errors.push(AudienceError.ambiguousSegment(node.id, byId, byName, at));
      return node;
    }
    if (byId !== undefined) return node;
    if (byName !== undefined) return { ...node, id: byName };
    this.errors.push(AudienceError.unknownSegmentName(node.id, suggestionList(node.id, this.directory.names(), this.budget), at));
    return node;
  }
}

/**
 * Replaces every segment reference given by name with the segment's id; references by id stay.
 * Run it on a parsed text filter before validation (the JSON form references segments by id only).
 *
 * @example
 *   resolveSegmentNames(parseText('in segment "Holdot 10%"').value, directory)
 *   // { ok: false, errors: [{ code: 'UNKNOWN_SEGMENT', message: 'No segment has the id or name "Holdot 10%". Did you mean "Holdout 10%"?', line: 1, column: 1 }] }
 */
export function resolveSegmentNames(ast: FilterNode, directory: SegmentDirectory, budget: SuggestionBudget = new SuggestionBudget()): Result<FilterNode> {
  const resolver = new SegmentNameResolver(directory, budget);
  const resolved = resolver.transform(ast);
  return resolver.errors.length === 0 ? success(resolved) : failure(resolver.errors);
}
