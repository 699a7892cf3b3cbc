/**
 * The base of every normalization pass (kysely `OperationNodeTransformer` style): by default it
 * rebuilds nothing and returns the very same node objects; a pass overrides only the node kinds
 * it changes. Nodes are never mutated.
 *
 * @example
 *   class UpperCaseFields extends FilterTransformer {
 *     protected override transformCondition(node: ConditionNode): FilterNode {
 *       return { ...node, field: node.field.toUpperCase() };
 *     }
 *   }
 *   new UpperCaseFields().transform(ast);
 */
import type { AndNode, ConditionNode, EventNode, FilterNode, NotNode, OrNode, SegmentNode, SnapshotNode } from './ast';

export class FilterTransformer {
  transform(node: FilterNode): FilterNode {
    switch (node.kind) {
      case 'and':
        return this.transformAnd(node);
      case 'or':
        return this.transformOr(node);
      case 'not':
        return this.transformNot(node);
      case 'condition':
        return this.transformCondition(node);
      case 'event':
        return this.transformEvent(node);
      case 'segment':
        return this.transformSegment(node);
      case 'snapshot':
        return this.transformSnapshot(node);
    }
  }

  protected transformAnd(node: AndNode): FilterNode {
    const children = this.transformChildren(node.children);
    return children === node.children ? node : { ...node, children };
  }

  protected transformOr(node: OrNode): FilterNode {
    const children = this.transformChildren(node.children);
    return children === node.children ? node : { ...node, children };
  }

  protected transformNot(node: NotNode): FilterNode {
    const child = this.transform(node.child);
    return child === node.child ? node : { ...node, child };
  }

  protected transformCondition(node: ConditionNode): FilterNode {
    return node;
  }

  protected transformEvent(node: EventNode): FilterNode {
    return node;
  }

  protected transformSegment(node: SegmentNode): FilterNode {
    return node;
  }

  protected transformSnapshot(node: SnapshotNode): FilterNode {
    return node;
  }

  /** The transformed children, or the same array when no child changed. */
  protected transformChildren(children: readonly FilterNode[]): readonly FilterNode[] {
    const transformed = children.map((child) => this.transform(child));
    return transformed.every((child, i) => child === children[i]) ? children : transformed;
  }
}
