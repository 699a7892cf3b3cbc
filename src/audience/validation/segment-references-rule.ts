/**
 * Segment references: every referenced segment exists, and so does everything it refers to in
 * turn; no chain of references leads back to a segment already on it (or to the segment being
 * validated, `options.segmentId`); chains are at most `MAX_SEGMENT_NESTING` long. Fail closed:
 * a stale reference is an error, never "everyone".
 *
 * @example
 *   // validating seg_a := in segment "seg_b", where seg_b := in segment "seg_a"
 *   // SEGMENT_CYCLE: "Segment `seg_a` refers back to itself: seg_a → seg_b → seg_a."
 */
import { segmentReferences, type Origin } from '../ast';
import { AudienceError, originOf } from '../errors';
import { MAX_SEGMENT_NESTING } from '../limits';
import type { ValidationContext, ValidationRule } from './validation-context';

interface Frame {
  readonly id: string;
  readonly refs: readonly string[];
  next: number;
  /** The longest chain found below this segment so far, counting the segment itself. */
  height: number;
}

export const segmentReferencesRule: ValidationRule = (context) => {
  /** Segments already proven sound, with the length of the longest chain starting at each. */
  const heights = new Map<string, number>();
  return {
    segment(node) {
      const problem = checkChain(context, node.id, heights, originOf(node.origin, '/segment'));
      if (problem) context.report(problem);
    },
  };
};

/** Depth-first search without recursion, so a long chain of saved segments cannot overflow. */
function checkChain(context: ValidationContext, start: string, heights: Map<string, number>, at: Origin): AudienceError | undefined {
  const self = context.options.segmentId;
  const base = self === undefined ? [] : [self];
  const stack: Frame[] = [];
  const open = (id: string): AudienceError | undefined => {
    const chain = [...stack.map((frame) => frame.id), id];
    if (id === self || stack.some((frame) => frame.id === id)) return AudienceError.segmentCycle([...base, ...chain], at);
    const known = heights.get(id);
    const height = known ?? 1;
    if (stack.length + height > MAX_SEGMENT_NESTING) {
      return AudienceError.segmentNestingTooDeep([...base, ...chain], MAX_SEGMENT_NESTING, at);
    }
    if (known !== undefined) {
      if (stack.length > 0) stack[stack.length - 1].height = Math.max(stack[stack.length - 1].height, known + 1);
      return undefined;
    }
    const definition = context.segments.get(id);
    if (!definition) return AudienceError.unknownSegment(chain, at);
    const refs = [...new Set(segmentReferences(definition).map((ref) => ref.id))];
    stack.push({ id, refs, next: 0, height: 1 });
    return undefined;
  };
  const first = open(start);
  if (first) return first;
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next < top.refs.length) {
      const problem = open(top.refs[top.next++]);
      if (problem) return problem;
      continue;
    }
    stack.pop();
    heights.set(top.id, top.height);
    if (stack.length > 0) stack[stack.length - 1].height = Math.max(stack[stack.length - 1].height, top.height + 1);
  }
  return undefined;
}
