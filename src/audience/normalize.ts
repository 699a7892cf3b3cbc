/**
 * Normalization passes, each a separate `FilterTransformer`:
 * - `normalize` (structural): flattens nested and/or of the same kind and unwraps an
 *   and/or with a single child, outside and inside an event's `where` (whose list is an `and`).
 *   Nothing else changes; this is the "normalized JSON" users see.
 * - `toCompileForm` (for the SQL compiler): pushes `not` down to the leaves with De Morgan and
 *   each operator's negation, cancels double negation, then flattens. A `not` remains only
 *   directly around a leaf that has no complement (`lt`, `before`, an event, a segment...).
 *
 * These passes recurse along the AST; run them on validated ASTs (depth ≤ MAX_DEPTH).
 *
 * @example
 *   // with ast = the parsed text `not (a = 1 or b < 2)`:
 *   print(toCompileForm(ast))  // 'a != 1 and not b < 2'
 */
import type { AndNode, ConditionNode, EventNode, FilterNode, NotNode, OrNode, Origin, SegmentNode, SnapshotNode, WhereNode } from './ast';
import { OPERATORS } from './operators';
import { FilterTransformer } from './transformer';

/** A leaf as the compiler sees it. */
export type CompileLeaf = ConditionNode | EventNode | SegmentNode | SnapshotNode;

/** `not` in compile form: only ever directly around a leaf without a complementary operator. */
export interface CompileNot {
  readonly kind: 'not';
  readonly child: CompileLeaf;
  readonly origin: Origin;
}

export interface CompileAnd {
  readonly kind: 'and';
  readonly children: readonly CompileNode[];
  readonly origin: Origin;
}

export interface CompileOr {
  readonly kind: 'or';
  readonly children: readonly CompileNode[];
  readonly origin: Origin;
}

/** A filter in compile-normal form: flat and/or (two or more children), `not` only around leaves. */
export type CompileNode = CompileAnd | CompileOr | CompileNot | CompileLeaf;

/** Flattens `and` inside `and` (and `or` inside `or`) and unwraps single-child and/or. */
export class FlattenTransformer extends FilterTransformer {
  protected override transformAnd(node: AndNode): FilterNode {
    return this.flatten(node, this.transformChildren(node.children));
  }

  protected override transformOr(node: OrNode): FilterNode {
    return this.flatten(node, this.transformChildren(node.children));
  }

  /** Inside `where` alike: the list is an `and`, so an `and` item is spread into it. */
  protected override transformEvent(node: EventNode): FilterNode {
    if (!node.where) return node;
    const where = flattenItems(node.where, 'and');
    return sameItems(where, node.where) ? node : { ...node, where };
  }

  private flatten(node: AndNode | OrNode, children: readonly FilterNode[]): FilterNode {
    const flat = children.flatMap((child) => (child.kind === node.kind ? child.children : [child]));
    if (flat.length === 1) return flat[0];
    return sameItems(flat, node.children) ? node : { kind: node.kind, children: flat, origin: node.origin };
  }
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/** The items of an and/or of `kind` inside `where`, each flattened, with items of the same kind spread. */
function flattenItems(items: readonly WhereNode[], kind: 'and' | 'or'): WhereNode[] {
  return items.map(flattenWhere).flatMap((item) => (item.kind === kind ? item.children : [item]));
}

function flattenWhere(node: WhereNode): WhereNode {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const children = flattenItems(node.children, node.kind);
      if (children.length === 1) return children[0];
      return sameItems(children, node.children) ? node : { kind: node.kind, children, origin: node.origin };
    }
    case 'not': {
      const child = flattenWhere(node.child);
      return child === node.child ? node : { ...node, child };
    }
    default:
      return node;
  }
}

/** Replaces every `not` by the negation of its (already pushed-down) child. */
export class PushNotDownTransformer extends FilterTransformer {
  protected override transformNot(node: NotNode): FilterNode {
    return negate(this.transform(node.child));
  }
}

/** The exact complement of a node whose own `not`s are already at the leaves. */
function negate(node: FilterNode): FilterNode {
  switch (node.kind) {
    case 'and':
      return { kind: 'or', children: node.children.map(negate), origin: node.origin };
    case 'or':
      return { kind: 'and', children: node.children.map(negate), origin: node.origin };
    case 'not':
      return node.child;
    case 'condition': {
      const negation = OPERATORS[node.op].negation;
      return negation ? { ...node, op: negation } : { kind: 'not', child: node, origin: node.origin };
    }
    default:
      return { kind: 'not', child: node, origin: node.origin };
  }
}

/**
 * The structural normal form: nested and/or of the same kind flattened, single-child and/or
 * unwrapped. Double negation and everything else are kept as written.
 *
 * @example
 *   // with ast = the parsed text `a = 1 and (b = 2 and c = 3)`:
 *   encodeJson(normalize(ast))  // { and: [a = 1, b = 2, c = 3] }: one `and` with three children
 */
export function normalize(node: FilterNode): FilterNode {
  return new FlattenTransformer().transform(node);
}

/**
 * The compile-normal form the SQL compiler consumes (see `CompileNode`).
 *
 * @example
 *   // the parsed text, printed after toCompileForm:
 *   //   not not x < 1      ⇒  x < 1
 *   //   not x in (1, 2)    ⇒  x not in (1, 2)
 *   //   not x before 2026-01-01  ⇒  not x before 2026-01-01   (no complement: `not` stays on the leaf)
 */
export function toCompileForm(node: FilterNode): CompileNode {
  const result = new FlattenTransformer().transform(new PushNotDownTransformer().transform(node));
  if (!isCompileForm(result)) throw new Error('toCompileForm produced a node outside compile-normal form');
  return result;
}

function isCompileForm(node: FilterNode): node is CompileNode {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.children.every((child) => child.kind !== node.kind && isCompileForm(child));
    case 'not':
      return node.child.kind === 'event' || node.child.kind === 'segment' || node.child.kind === 'snapshot' || (node.child.kind === 'condition' && !OPERATORS[node.child.op].negation);
    default:
      return true;
  }
}
