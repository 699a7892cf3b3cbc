import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { BREAK, execute, getVariableValues, GraphQLError, visit, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type Gateway = ApolloServerOptionsWithGateway<object>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;

/** Operations kept compiled: a bounded cache, so a client sending ever new documents cannot grow it. */
export const COMPILED_OPERATIONS = 500;

/**
 * Compiles each operation once, on its second request (graphql-jit), and runs the compiled function
 * from then on.
 *
 * graphql-js interprets an operation on every request: for a page of 100 profiles with their
 * phones, channels and events that is thousands of field resolutions, each through the generic
 * `executeField` path (argument coercion, `info`, promise checks). A compiled operation is plain
 * JavaScript that walks the result shape it knows in advance, with the schema's own resolvers,
 * scalars and error paths.
 *
 * What stays graphql-js: parsing, validation and the query-cost rules (Apollo runs them before this),
 * variable coercion (so a bad variable gets graphql-js's message and Apollo's BAD_USER_INPUT, and input
 * fields get their defaults), the first request of each operation, and the execution of an operation
 * graphql-jit cannot compile or would answer differently (`interpretedOnly`).
 */
export class CompiledExecutor {
  /** Per operation: compiled, `null` (interpreted for good) or `SEEN` (asked once, not compiled yet). */
  private readonly compiled = new Map<string, CompiledQuery | null | typeof SEEN>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly capacity = COMPILED_OPERATIONS,
  ) {}

  /** Operations compiled and kept (for tests and metrics). */
  get size(): number {
    let size = 0;
    for (const entry of this.compiled.values()) if (entry !== SEEN && entry !== null) size++;
    return size;
  }

  async execute(request: {
    readonly document: DocumentNode;
    readonly operation: OperationDefinitionNode;
    readonly operationName: string | null;
    readonly queryHash: string;
    readonly variables: Readonly<Record<string, unknown>> | undefined;
    readonly context: unknown;
  }): Promise<ExecutionResult> {
    const variables = request.variables ?? {};
    const coerced = getVariableValues(this.schema, request.operation.variableDefinitions ?? [], variables);
    if (coerced.errors) return { errors: coerced.errors };
    const compiled = this.compiledFor(request.queryHash, request.document, request.operationName);
    if (!compiled) {
      return execute({ schema: this.schema, document: request.document, operationName: request.operationName, variableValues: variables, contextValue: request.context });
    }
    // The values graphql-js coerced, with the defaults of input fields filled in: graphql-jit's own
    // coercion leaves them out (a `source: ConsentSource! = API` would be "not provided"). Coercing
    // coerced values again is the identity for this schema's enums (names are values) and scalars.
    const result = await compiled.query(undefined, request.context, coerced.coerced);
    // graphql-js answers `{ errors, data }` in that order; Apollo serializes what it is given.
    return result.errors ? { errors: result.errors.map(asGraphQLError), data: result.data } : result;
  }

  /**
   * The compiled operation, or null to interpret it. An operation is compiled on its second
   * request: compiling costs 1.5–13 ms, which a one-off document (values written inline rather
   * than as variables) would pay on every request without ever reusing it.
   */
  private compiledFor(queryHash: string, document: DocumentNode, operationName: string | null): CompiledQuery | null {
    const key = `${operationName ?? ''}\u0000${queryHash}`;
    const cached = this.compiled.get(key);
    // Least recently used goes first: a hit moves to the end.
    if (cached !== undefined) this.compiled.delete(key);
    let entry: CompiledQuery | null | typeof SEEN;
    if (cached === undefined) entry = SEEN;
    else if (cached !== SEEN) entry = cached;
    else if (interpretedOnly(document)) entry = null;
    else {
      // graphql-jit marks the nodes it compiles (`@include`/`@skip` conditions on fields), and
      // Apollo hands every request of a query text the same document, whose fragments other
      // operations of it share: compile a copy of its own.
      const result = compileQuery(this.schema, copyOf(document), operationName ?? undefined, { disablingCapturingStackErrors: true });
      entry = isCompiledQuery(result) ? result : null;
    }
    this.compiled.set(key, entry);
    if (this.compiled.size > this.capacity) this.compiled.delete(this.compiled.keys().next().value!);
    return entry === SEEN ? null : entry;
  }
}

const SEEN = Symbol('seen once');

/** A copy of an AST: new nodes and lists, the same (immutable) locations. */
function copyOf<T>(node: T): T {
  if (Array.isArray(node)) return node.map(copyOf) as T;
  if (node === null || typeof node !== 'object') return node;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) copy[key] = key === 'loc' ? value : copyOf(value);
  return copy as T;
}

/**
 * Documents graphql-jit would answer differently, which are interpreted by graphql-js:
 * - a variable inside an object or list literal (`input: { email: $e, firstName: $fn }`,
 *   `custom: { tier: $t }`). graphql-jit builds such a literal when it compiles: a variable the
 *   request leaves out becomes `null` (where graphql-js leaves the field out, so a profile's name
 *   would be cleared, or takes its default), and inside a JSON literal every variable is dropped;
 * - a field aliased `__proto__`: graphql-jit assigns results with `object[alias] = value`, which
 *   for that name sets the object's prototype, so the field would vanish from the answer.
 */
function interpretedOnly(document: DocumentNode): boolean {
  let found = false;
  let literals = 0;
  const enterLiteral = () => void literals++;
  const leaveLiteral = () => void literals--;
  visit(document, {
    ObjectValue: { enter: enterLiteral, leave: leaveLiteral },
    ListValue: { enter: enterLiteral, leave: leaveLiteral },
    Variable() {
      if (literals > 0) found = true;
      return found ? BREAK : undefined;
    },
    Field(node) {
      if (node.alias?.value === '__proto__') found = true;
      return found ? BREAK : undefined;
    },
  });
  return found;
}

/**
 * graphql-jit's errors pass `instanceof GraphQLError` but are not built by its constructor: they have
 * no `extensions` object, on which Apollo's error formatting relies. Rebuilt here with the same
 * message, locations, path and original error.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const rebuilt = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined, extensions: error.extensions ?? undefined });
  (rebuilt as { locations: GraphQLError['locations'] }).locations = error.locations;
  return rebuilt;
}

/**
 * The executor as an Apollo gateway: Apollo Server's one hook for replacing execution. It serves the
 * app's own schema and never changes it.
 */
export function compiledGateway(schema: GraphQLSchema, executor = new CompiledExecutor(schema)): Gateway {
  const run: GatewayExecutor = (rc) =>
    executor.execute({
      document: rc.document,
      operation: rc.operation,
      operationName: rc.operationName,
      queryHash: rc.queryHash,
      variables: rc.request.variables,
      context: rc.context,
    }) as ReturnType<GatewayExecutor>;
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    load: async () => ({ executor: run }),
    stop: async () => undefined,
  };
}
