import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  getNamedType,
  GraphQLError,
  isCompositeType,
  isLeafType,
  Kind,
  type DocumentNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ArgumentNode,
  type ASTNode,
  type ValidationRule,
  visit,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';

/** The limits every GraphQL request is checked against before anything runs (QUERY_* variables). */
export interface QueryLimits {
  /** Highest cost of one operation (see `FIELD_COSTS` and docs/operations.md). */
  readonly maxCost: number;
  /** Deepest field nesting. Introspection (`__schema`) is not counted. */
  readonly maxDepth: number;
  /** Most aliases in one operation. */
  readonly maxAliases: number;
  /** Most directives in one operation. */
  readonly maxDirectives: number;
  /** Most lexical tokens in one document; the parser stops there. */
  readonly maxTokens: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxCost: 10_000, maxDepth: 12, maxAliases: 30, maxDirectives: 30, maxTokens: 10_000 };

/**
 * Fields whose work is more than reading a row: `cost` is what one call adds (a full segment
 * evaluation is 100), `listSize` how many items a list without a `first` argument is taken to
 * hold. Every other field costs 1 when it returns an object and 0 when it returns a scalar; a
 * field with `first` (or `sampleSize`) multiplies the cost of its selection by that number.
 */
export const FIELD_COSTS: Readonly<Record<string, { readonly cost?: number; readonly listSize?: number }>> = {
  'Segment.count': { cost: 100 },
  'Segment.members': { cost: 100 },
  'Profile.segments': { cost: 10, listSize: 20 },
  'Query.previewSegment': { cost: 200 },
  'Query.explainSegment': { cost: 200 },
  'Query.segmentImpact': { cost: 300 },
  'Query.segmentVersionDiff': { cost: 300 },
};

/**
 * Fields that evaluate segments. One of them below another (`members { nodes { segments } }`,
 * `segments { members }` of a profile) is refused whatever its cost: it multiplies evaluations by
 * page sizes, and no screen needs it.
 */
const EVALUATING_FIELDS: ReadonlySet<string> = new Set(['Segment.count', 'Segment.members', 'Profile.segments']);

/** A request refused by a limit: QUERY_TOO_COMPLEX, HTTP 400, with what was found and the limit. */
export class QueryLimitError extends GraphQLError {
  constructor(
    message: string,
    readonly details: Readonly<Record<string, unknown>>,
  ) {
    super(message, { extensions: { code: 'QUERY_TOO_COMPLEX', ...details, http: { status: 400 } } });
    this.name = 'QueryLimitError';
  }
}

interface CostReport {
  readonly cost: number;
  /** The field that adds most: its own cost plus what it multiplies below it. */
  readonly costliest: { readonly coordinate: string; readonly adds: number; readonly multiplier: number } | null;
}

/**
 * The cost of one operation with its variables (graphql-query-complexity with this service's
 * estimator).
 *
 * @example operationCost(schema, parse('{ profiles(first: 10) { nodes { id } } }')).cost // 1 + 10 × 1 = 11
 */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> = {}, operationName?: string): CostReport {
  let costliest: CostReport['costliest'] = null;
  const estimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
    const coordinate = `${type.name}.${field.name}`;
    const spec = FIELD_COSTS[coordinate];
    const own = spec?.cost ?? (isLeafType(getNamedType(field.type)) ? 0 : 1);
    const multiplier = Math.max(0, typeof args.first === 'number' ? args.first : typeof args.sampleSize === 'number' ? args.sampleSize : (spec?.listSize ?? 1));
    const total = own + multiplier * childComplexity;
    const adds = total - childComplexity;
    if (!costliest || adds > costliest.adds) costliest = { coordinate, adds, multiplier };
    return total;
  };
  const cost = getComplexity({ schema, query: document, variables, operationName, estimators: [estimator] });
  return { cost, costliest };
}

/** The arguments whose value scales a field's cost (see the estimator in `operationCost`). */
const COST_ARGUMENTS: ReadonlySet<string> = new Set(['first', 'sampleSize']);

/**
 * The variables an operation's cost can depend on: those given to `first` or `sampleSize`, or to
 * the `if` of `@include` and `@skip` (graphql-query-complexity skips what they leave out). Every
 * other variable (a cursor, a definition, an ID) leaves the cost as it is.
 */
function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  let depth = 0;
  // An argument's owner is the last ancestor: a field or a directive.
  const scales = (node: ArgumentNode, ancestors: readonly (ASTNode | readonly ASTNode[])[]) => {
    const owner = ancestors[ancestors.length - 1];
    if (owner && 'kind' in owner && owner.kind === Kind.DIRECTIVE) return owner.name.value === 'include' || owner.name.value === 'skip';
    return COST_ARGUMENTS.has(node.name.value);
  };
  visit(document, {
    Argument: {
      enter: (node, _key, _parent, _path, ancestors) => void (scales(node, ancestors) && depth++),
      leave: (node, _key, _parent, _path, ancestors) => void (scales(node, ancestors) && depth--),
    },
    Variable(node) {
      if (depth > 0) names.add(node.name.value);
    },
  });
  return [...names].sort();
}

/** Costs kept per document: most of a client's requests repeat an operation with other cursors. */
const COSTS_PER_DOCUMENT = 100;

interface DocumentCosts {
  readonly variables: readonly string[];
  readonly nested: Map<string, [string, string] | null>;
  readonly costs: Map<string, CostReport>;
}

/**
 * `operationCost` and the nested-evaluation check, kept per parsed document (Apollo keeps one
 * `DocumentNode` per query text) and, for the cost, per value of the variables it depends on: a
 * `ProfilePage` walking pages with new cursors is priced once, not on every request, and the
 * pricing walk costs about as much as executing a small operation. A cost that could not be
 * computed (variables that do not coerce) is never kept.
 */
export class OperationCosts {
  private readonly documents = new WeakMap<DocumentNode, DocumentCosts>();

  constructor(private readonly compute: typeof operationCost = operationCost) {}

  nestedEvaluation(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): [string, string] | null {
    const kept = this.of(document).nested;
    const key = operation.name?.value ?? '';
    if (!kept.has(key)) kept.set(key, nestedEvaluation(schema, document, operation));
    return kept.get(key)!;
  }

  cost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, operationName?: string): CostReport {
    const kept = this.of(document);
    const key = JSON.stringify([operationName ?? null, ...kept.variables.map((name) => (name in variables ? variables[name] : { absent: true }))]);
    const hit = kept.costs.get(key);
    if (hit) return hit;
    const report = this.compute(schema, document, variables, operationName);
    if (kept.costs.size >= COSTS_PER_DOCUMENT) kept.costs.clear();
    kept.costs.set(key, report);
    return report;
  }

  private of(document: DocumentNode): DocumentCosts {
    let kept = this.documents.get(document);
    if (!kept) this.documents.set(document, (kept = { variables: costVariables(document), nested: new Map(), costs: new Map() }));
    return kept;
  }
}

/** The first evaluating field found below another one, as `[outer, inner]`. */
function nestedEvaluation(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): [string, string] | null {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType, outer: string | null, seen: Set<string>): [string, string] | null => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!('getFields' in parent)) continue;
        const field = parent.getFields()[selection.name.value];
        if (!field || !selection.selectionSet) {
          if (field && outer && EVALUATING_FIELDS.has(`${parent.name}.${field.name}`)) return [outer, `${parent.name}.${field.name}`];
          continue;
        }
        const coordinate = `${parent.name}.${field.name}`;
        const evaluates = EVALUATING_FIELDS.has(coordinate);
        if (evaluates && outer) return [outer, coordinate];
        const type = getNamedType(field.type);
        const found = isCompositeType(type) ? walk(selection.selectionSet, type, evaluates ? coordinate : outer, new Set()) : null;
        if (found) return found;
        continue;
      }
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
      if (!fragment || (selection.kind === Kind.FRAGMENT_SPREAD && seen.has(selection.name.value))) continue;
      if (selection.kind === Kind.FRAGMENT_SPREAD) seen.add(selection.name.value);
      const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
      const found = condition && isCompositeType(condition) ? walk(fragment.selectionSet, condition, outer, seen) : null;
      if (found) return found;
    }
    return null;
  };
  const root = schema.getRootType(operation.operation);
  return root ? walk(operation.selectionSet, root, null, new Set()) : null;
}

function rejectWith(kind: string, limit: number) {
  return (context: ValidationContext | null, error: GraphQLError) => {
    const message = error.message.replace(/^Syntax Error: /, '');
    const found = Number(/found (\d+)/.exec(message)?.[1]);
    context?.reportError(new QueryLimitError(`The query is refused: ${message} Set ${kind} to change the limit.`, { limit, ...(Number.isFinite(found) ? { found } : {}) }));
  };
}

/**
 * Everything Apollo needs to enforce `limits`: parse options (tokens), validation rules (depth,
 * aliases, directives; graphql-armor) and a plugin that prices the resolved operation with its
 * variables and refuses nested segment evaluation.
 */
export function queryLimits(limits: QueryLimits): { parseOptions: { maxTokens: number }; validationRules: ValidationRule[]; plugin: ApolloServerPlugin } {
  const common = { propagateOnRejection: false, exposeLimits: true };
  const costs = new OperationCosts();
  return {
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: [
      maxDepthRule({ ...common, n: limits.maxDepth, onReject: [rejectWith('QUERY_MAX_DEPTH', limits.maxDepth)] }),
      maxAliasesRule({ ...common, n: limits.maxAliases, onReject: [rejectWith('QUERY_MAX_ALIASES', limits.maxAliases)] }),
      maxDirectivesRule({ ...common, n: limits.maxDirectives, onReject: [rejectWith('QUERY_MAX_DIRECTIVES', limits.maxDirectives)] }),
    ],
    plugin: {
      async requestDidStart() {
        return {
          async didResolveOperation({ schema, document, operation, request }) {
            if (!operation) return;
            const nested = costs.nestedEvaluation(schema, document, operation);
            if (nested) {
              throw new QueryLimitError(
                `The query is refused: ${nested[1]} is below ${nested[0]}, and segments are not evaluated inside another evaluation (it multiplies evaluations by page sizes). Query the inner segments on their own, e.g. segment(id) { members }.`,
                { field: nested[1], under: nested[0] },
              );
            }
            let report: CostReport;
            try {
              report = costs.cost(schema, document, request.variables ?? {}, operation.name?.value);
            } catch {
              return; // Variables that do not coerce: execution reports them before any resolver runs.
            }
            if (report.cost > limits.maxCost) {
              const top = report.costliest;
              const hint = top ? ` The costliest field is ${top.coordinate}${top.multiplier > 1 ? ` (× ${top.multiplier})` : ''}, which adds ${top.adds}: ask for fewer items or select less below it.` : '';
              throw new QueryLimitError(`The query is refused: it costs ${report.cost}, above the limit of ${limits.maxCost} (QUERY_MAX_COST).${hint}`, {
                cost: report.cost,
                limit: limits.maxCost,
                ...(top ? { costliestField: top.coordinate } : {}),
              });
            }
          },
        };
      },
    },
  };
}
