/**
 * The audience filter AST: one discriminated union of readonly nodes shared by the text parser
 * and the JSON decoder. Every node remembers where it came from (`origin`).
 *
 * @example
 *   // email_status = "SUBSCRIBED"
 *   const node: ConditionNode = {
 *     kind: 'condition', field: 'email_status', op: 'eq', value: 'SUBSCRIBED',
 *     origin: { line: 1, column: 1 },
 *   };
 */
import type { OperatorName } from './operators';
import type { PeriodName } from './periods';

/** Where a node came from in the JSON form: a JSON pointer such as `/filter/and/0`. */
export interface JsonOrigin {
  readonly path: string;
}

/** Where a node came from in the text form: 1-based line and column (columns count code points). */
export interface TextOrigin {
  readonly line: number;
  readonly column: number;
}

export type Origin = JsonOrigin | TextOrigin;

export type DurationUnit = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

export const DURATION_UNITS: readonly DurationUnit[] = ['minute', 'hour', 'day', 'week', 'month', 'year'];

export interface Duration {
  readonly amount: number;
  readonly unit: DurationUnit;
}

/** A single literal, kept as written: dates stay strings, numbers are JSON numbers. */
export type ScalarValue = string | number | boolean;

/** A list of literals (`in`, `not_in`); a `between` range is a two-item list `[low, high]`. */
export type ListValue = readonly (string | number)[];

export type RangeValue = readonly [string | number, string | number];

export type Value = ScalarValue | ListValue | Duration;

/** `a and b`: every child holds. The same shape serves filters and the items of `where`. */
export interface AndOf<T> {
  readonly kind: 'and';
  readonly children: readonly T[];
  readonly origin: Origin;
}

/** `a or b`: some child holds. */
export interface OrOf<T> {
  readonly kind: 'or';
  readonly children: readonly T[];
  readonly origin: Origin;
}

/** `not a`: the exact complement of the child. */
export interface NotOf<T> {
  readonly kind: 'not';
  readonly child: T;
  readonly origin: Origin;
}

export type AndNode = AndOf<FilterNode>;
export type OrNode = OrOf<FilterNode>;
export type NotNode = NotOf<FilterNode>;

/** A condition on a profile field. `value` is absent exactly for `is_set` / `is_not_set`. */
export interface ConditionNode {
  readonly kind: 'condition';
  readonly field: string;
  readonly op: OperatorName;
  readonly value?: Value;
  readonly origin: Origin;
}

export type CountOp = 'eq' | 'gt' | 'gte' | 'lt' | 'lte';

export const COUNT_OPS: readonly CountOp[] = ['eq', 'gt', 'gte', 'lt', 'lte'];

export interface EventCount {
  readonly op: CountOp;
  readonly value: number;
}

/** An aggregate function over one numeric (or, for `count_distinct`, any) event property. */
export type AggregateFunction = 'sum' | 'avg' | 'min' | 'max' | 'count_distinct';

export const AGGREGATE_FUNCTIONS: readonly AggregateFunction[] = ['sum', 'avg', 'min', 'max', 'count_distinct'];

/**
 * "The aggregate of `property` over the profile's matching events compares `op` with `value`":
 * `with sum(total) > 500`. Over no events (or no numeric values) `sum` and `count_distinct` are 0;
 * `avg`, `min` and `max` have no value, so the condition is false. Only JSON numbers enter `sum`,
 * `avg`, `min` and `max`; `count_distinct` counts distinct JSON values other than null.
 */
export interface EventAggregate {
  readonly function: AggregateFunction;
  readonly property: string;
  readonly op: CountOp;
  readonly value: number;
}

export type EventWindow =
  | { readonly kind: 'within_last'; readonly duration: Duration }
  | { readonly kind: 'between'; readonly from: string; readonly to: string }
  | { readonly kind: 'period'; readonly period: PeriodName };

/** A condition on one property of an event's free-form JSON `properties`. */
export interface PropertyCondition {
  readonly kind: 'property';
  readonly property: string;
  readonly op: OperatorName;
  readonly value?: Value;
  readonly origin: Origin;
}

/** and/or/not inside `where`, over the conditions of one event; `not` counts a missing property as not matching. */
export type WhereAnd = AndOf<WhereNode>;
export type WhereOr = OrOf<WhereNode>;
export type WhereNot = NotOf<WhereNode>;

/** One item of an event's `where`: a property condition or and/or/not of them. */
export type WhereNode = PropertyCondition | WhereAnd | WhereOr | WhereNot;

/**
 * "The profile did `event` (count) times (in the window), counting only events matching `where`."
 * The items of `where` are joined by `and`.
 */
export interface EventNode {
  readonly kind: 'event';
  readonly event: string;
  readonly count?: EventCount;
  readonly window?: EventWindow;
  readonly where?: readonly WhereNode[];
  /** Compares an aggregate of the matching events' property instead of their count (never both). */
  readonly aggregate?: EventAggregate;
  readonly origin: Origin;
}

/** Membership of a saved segment, by id. */
export interface SegmentNode {
  readonly kind: 'segment';
  readonly id: string;
  readonly origin: Origin;
}

/** Membership of a segment snapshot (its frozen members), by id: `in snapshot "snap_…"`. */
export interface SnapshotNode {
  readonly kind: 'snapshot';
  readonly id: string;
  readonly origin: Origin;
}

export type LeafNode = ConditionNode | EventNode | SegmentNode | SnapshotNode;

export type FilterNode = AndNode | OrNode | NotNode | LeafNode;

export function isLeaf(node: FilterNode): node is LeafNode {
  return node.kind === 'condition' || node.kind === 'event' || node.kind === 'segment' || node.kind === 'snapshot';
}

export function isDuration(value: Value | undefined): value is Duration {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The children of a node (of a filter or of a `where`), in document order (empty for leaves). */
export function childrenOf<T extends FilterNode | WhereNode>(node: T): readonly T[] {
  switch (node.kind) {
    case 'and':
    case 'or':
      return (node as AndOf<T> | OrOf<T>).children;
    case 'not':
      return [(node as NotOf<T>).child];
    default:
      return [];
  }
}

/**
 * Visits every node in document order (pre-order) without recursion, so an arbitrarily deep
 * hand-built AST cannot overflow the stack. `depth` counts the and/or/not nodes from the root
 * down to and including the node itself.
 *
 * @example
 *   walk(ast, (node, depth) => { if (node.kind === 'segment') ids.push(node.id); });
 */
export function walk(root: FilterNode, visit: (node: FilterNode, depth: number) => void): void {
  const stack: { node: FilterNode; depth: number }[] = [{ node: root, depth: isLeaf(root) ? 0 : 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    visit(node, depth);
    const children = childrenOf(node);
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      stack.push({ node: child, depth: isLeaf(child) ? depth : depth + 1 });
    }
  }
}

/**
 * Every node of an event's `where`, in document order (pre-order), without recursion; `depth`
 * counts the and/or/not nodes from the item down to and including the node itself.
 *
 * @example
 *   walkWhere(event.where ?? [], (node) => { if (node.kind === 'property') names.push(node.property); });
 */
export function walkWhere(items: readonly WhereNode[], visit: (node: WhereNode, depth: number) => void): void {
  const stack: { node: WhereNode; depth: number }[] = [];
  const push = (node: WhereNode, depth: number): void => {
    stack.push({ node, depth: node.kind === 'property' ? depth : depth + 1 });
  };
  for (let i = items.length - 1; i >= 0; i--) push(items[i], 0);
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    visit(node, depth);
    const children = childrenOf(node);
    for (let i = children.length - 1; i >= 0; i--) push(children[i], depth);
  }
}

/**
 * The property conditions of an event's `where`, in document order.
 *
 * @example
 *   propertyConditions(event.where)  // [total > 50, category = "shoes", category = "bags"] for
 *                                    // `where (total > 50 and (category = "shoes" or category = "bags"))`
 */
export function propertyConditions(items: readonly WhereNode[] | undefined): PropertyCondition[] {
  const found: PropertyCondition[] = [];
  walkWhere(items ?? [], (node) => {
    if (node.kind === 'property') found.push(node);
  });
  return found;
}

/** The most and/or/not nodes on any path through an event's `where` (0 for plain conditions). */
export function whereDepthOf(items: readonly WhereNode[] | undefined): number {
  let max = 0;
  walkWhere(items ?? [], (_node, depth) => {
    if (depth > max) max = depth;
  });
  return max;
}

/**
 * The number of conditions a filter holds, as counted by `MAX_CONDITIONS`: field conditions,
 * event conditions, segment and snapshot references and event property conditions (and/or/not
 * inside `where` count as nothing, like and/or/not outside).
 *
 * @example
 *   countConditions(parsed) // 3 for `a = 1 and did purchase where (total > 5)`
 */
export function countConditions(root: FilterNode): number {
  let count = 0;
  walk(root, (node) => {
    if (isLeaf(node)) count += 1 + (node.kind === 'event' ? propertyConditions(node.where).length : 0);
  });
  return count;
}

/**
 * The depth of a filter: the most and/or/not nodes on any path from the root to a leaf.
 *
 * @example
 *   depthOf(ast)  // 2 for `a = 1 or not b = 2`, 0 for `(((a = 1)))`
 */
export function depthOf(root: FilterNode): number {
  let max = 0;
  walk(root, (_node, depth) => {
    if (depth > max) max = depth;
  });
  return max;
}

/**
 * Every segment reference of a filter, in document order (repeats included).
 *
 * @example
 *   segmentReferences(ast).map((ref) => ref.id)  // ['seg_a', 'seg_b'] for `in segment "seg_a" or not in segment "seg_b"`
 */
export function segmentReferences(root: FilterNode): SegmentNode[] {
  const found: SegmentNode[] = [];
  walk(root, (node) => {
    if (node.kind === 'segment') found.push(node);
  });
  return found;
}

/**
 * Every snapshot reference of a filter, in document order (repeats included).
 *
 * @example
 *   snapshotReferences(ast).map((ref) => ref.id)  // ['snap_a'] for `in snapshot "snap_a" and custom.tier = "gold"`
 */
export function snapshotReferences(root: FilterNode): SnapshotNode[] {
  const found: SnapshotNode[] = [];
  walk(root, (node) => {
    if (node.kind === 'snapshot') found.push(node);
  });
  return found;
}
