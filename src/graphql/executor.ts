import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { BREAK, execute, getVariableValues, GraphQLError, visit, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type Gateway = ApolloServerOptionsWithGateway<object>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;

/** Operations kept compiled: a bounded cache, so a client sending ever new documents cannot grow it. */
export const COMPILED_OPERATIONS = 500;

/**
 * Compiles each operation once (graphql-jit) and runs the compiled function on later requests.
 *
 * graphql-js interprets an operation on every request: for a page of 100 profiles with their
 * phones, channels and events that is thousands of field resolutions, each through the generic
 * `executeField` path (argument coercion, `info`, promise checks). A compiled operation is plain
 * JavaScript that walks the result shape it knows in advance, with the schema's own resolvers,
 * scalars and error paths.
 *
 * What stays graphql-js: parsing, validation and the query-cost rules (Apollo runs them before this),
 * variable coercion (so a bad variable gets graphql-js's message and Apollo's BAD_USER_INPUT, and input
 * fields get their defaults), and the execution of an operation graphql-jit cannot compile or would
 * answer differently (a field aliased `__proto__`).
 */
export class CompiledExecutor {
  private readonly compiled = new Map<string, CompiledQuery | null>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly capacity = COMPILED_OPERATIONS,
  ) {}

  /** Operations compiled and kept (for tests and metrics). */
  get size(): number {
    return this.compiled.size;
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
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  }

  private compiledFor(queryHash: string, document: DocumentNode, operationName: string | null): CompiledQuery | null {
    const key = `${operationName ?? ''}\u0000${queryHash}`;
    const cached = this.compiled.get(key);
    if (cached !== undefined) {
      // Least recently used goes first: move this one to the end.
      this.compiled.delete(key);
      this.compiled.set(key, cached);
      return cached;
    }
    const result = hasProtoAlias(document) ? null : compileQuery(this.schema, document, operationName ?? undefined, { disablingCapturingStackErrors: true });
    const compiled = result && isCompiledQuery(result) ? result : null;
    this.compiled.set(key, compiled);
    if (this.compiled.size > this.capacity) this.compiled.delete(this.compiled.keys().next().value!);
    return compiled;
  }
}

/**
 * Whether a field is aliased `__proto__`. graphql-jit assigns results with `object[alias] = value`,
 * which for that name sets the object's prototype instead of a key, so the field would vanish from
 * the answer; graphql-js keeps it. Such a document is interpreted.
 */
function hasProtoAlias(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
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
