/**
 * What validation rules see (graphql-js `ValidationContext` style): the catalog, the saved
 * segments, and a way to report an error. Each rule returns a visitor that the validator calls
 * for every node, in document order.
 *
 * @example
 *   const noSegmentsRule: ValidationRule = (context) => ({
 *     segment(node) { context.report(AudienceError.unknownSegment([node.id], node.origin)); },
 *   });
 */
import type { ConditionNode, EventNode, FilterNode, SegmentNode, SnapshotNode } from '../ast';
import type { FieldCatalog } from '../catalog';
import type { AudienceError } from '../errors';
import type { SuggestionBudget } from './suggestions';

/**
 * The saved segments a filter may refer to, preloaded by the caller (validation is synchronous).
 * A `Map<string, FilterNode>` is one.
 */
export interface SegmentLookup {
  /** The parsed filter of a saved segment, or undefined when no segment has this id. */
  get(id: string): FilterNode | undefined;
}

export interface ValidationOptions {
  /**
   * The id of the segment whose filter is being validated, when it is one: references back to
   * it are cycles, and its stored (old) definition is never consulted.
   */
  readonly segmentId?: string;
  /** The work budget for "did you mean" suggestions; pass one to observe what a validation spent. */
  readonly suggestionBudget?: SuggestionBudget;
  /**
   * The segment snapshots of the namespace a filter may refer to (`in snapshot "snap_…"`),
   * preloaded by the caller. Without it every snapshot reference is unknown (fail closed).
   */
  readonly snapshots?: { has(id: string): boolean };
}

export interface ValidationContext {
  readonly catalog: FieldCatalog;
  readonly segments: SegmentLookup;
  readonly options: ValidationOptions;
  /** Shared by every rule of one validation, so the total suggestion work is bounded. */
  readonly suggestions: SuggestionBudget;
  report(error: AudienceError): void;
}

export interface FilterVisitor {
  /** Called for every node; `depth` counts the and/or/not nodes from the root down to it. */
  enter?(node: FilterNode, depth: number): void;
  condition?(node: ConditionNode): void;
  event?(node: EventNode): void;
  segment?(node: SegmentNode): void;
  snapshot?(node: SnapshotNode): void;
}

export type ValidationRule = (context: ValidationContext) => FilterVisitor;
