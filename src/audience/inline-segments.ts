/**
 * Segment inlining: replaces each `{segment: id}` by the referenced segment's filter, recursively,
 * so the compiler sees one self-contained filter. Fails closed: an unknown segment, a cycle, a
 * chain longer than MAX_SEGMENT_NESTING or a result larger than MAX_INLINED_CONDITIONS is an
 * error, never "everyone", reported at the top-level reference that leads to it. Inlined nodes keep
 * the origins they had in their own segment's text or JSON.
 *
 * @example
 *   // ast = `in segment "seg_vip" and x = 1`, vip = `y = 2`
 *   inlineSegments(ast, new Map([['seg_vip', vip]]));  // { ok: true, value: <y = 2 and x = 1> }
 */
import { propertyConditions, type ConditionNode, type EventNode, type FilterNode, type Origin, type SegmentNode } from './ast';
import { AudienceError, failure, originOf, success, type Result } from './errors';
import { MAX_INLINED_CONDITIONS, MAX_SEGMENT_NESTING } from './limits';
import { FilterTransformer } from './transformer';
import type { SegmentLookup } from './validation/validation-context';

class InlineSegmentsTransformer extends FilterTransformer {
  readonly errors: AudienceError[] = [];
  private readonly chain: string[] = [];
  private conditions = 0;
  private tooLarge = false;
  /** Where a size error is reported: the top-level reference being expanded, else the root. */
  private blame: Origin;

  constructor(
    private readonly segments: SegmentLookup,
    root: FilterNode,
  ) {
    super();
    this.blame = root.origin;
  }

  /** Stops expanding once the result is too large, so a fan-out of references cannot exhaust memory. */
  override transform(node: FilterNode): FilterNode {
    return this.tooLarge ? node : super.transform(node);
  }

  protected override transformCondition(node: ConditionNode): FilterNode {
    this.count(1);
    return node;
  }

  protected override transformEvent(node: EventNode): FilterNode {
    this.count(1 + propertyConditions(node.where).length);
    return node;
  }

  protected override transformSegment(node: SegmentNode): FilterNode {
    // Errors deep inside another segment are reported at the top-level reference that led there.
    const at = this.chain.length === 0 ? originOf(node.origin, '/segment') : this.blame;
    const chain = [...this.chain, node.id];
    if (this.chain.includes(node.id)) {
      this.errors.push(AudienceError.segmentCycle(chain, at));
      return node;
    }
    if (chain.length > MAX_SEGMENT_NESTING) {
      this.errors.push(AudienceError.segmentNestingTooDeep(chain, MAX_SEGMENT_NESTING, at));
      return node;
    }
    const definition = this.segments.get(node.id);
    if (!definition) {
      this.errors.push(AudienceError.unknownSegment(chain, at));
      return node;
    }
    const outer = this.blame;
    this.blame = at;
    this.chain.push(node.id);
    const inlined = this.transform(definition);
    this.chain.pop();
    this.blame = outer;
    return inlined;
  }

  private count(conditions: number): void {
    this.conditions += conditions;
    if (this.conditions > MAX_INLINED_CONDITIONS && !this.tooLarge) {
      this.tooLarge = true;
      this.errors.push(AudienceError.inlinedTooLarge(MAX_INLINED_CONDITIONS, this.blame));
    }
  }
}

/**
 * Replaces every segment reference by its definition (already validated by the caller).
 *
 * @example
 *   const inlined = inlineSegments(ast, segments);
 *   if (inlined.ok) compile(toCompileForm(inlined.value));
 */
export function inlineSegments(ast: FilterNode, segments: SegmentLookup): Result<FilterNode> {
  const transformer = new InlineSegmentsTransformer(segments, ast);
  const value = transformer.transform(ast);
  return transformer.errors.length === 0 ? success(value) : failure(transformer.errors);
}
