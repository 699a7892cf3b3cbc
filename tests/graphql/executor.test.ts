import { buildSchema, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { CompiledExecutor } from '../../src/graphql/executor';

const SCHEMA = `
  type Query { hello(name: String!, greeting: Greeting = HI): String!, fail: String, count: Int!, echo(input: In): String }
  enum Greeting { HI HELLO }
  input In { a: String, b: String = "default" }
`;

function schemaCounting(): { schema: GraphQLSchema; calls: string[] } {
  const schema = buildSchema(SCHEMA);
  const calls: string[] = [];
  const fields = schema.getQueryType()!.getFields();
  fields.hello!.resolve = (_root, args: { name: string; greeting: string }) => {
    calls.push(args.name);
    return `${args.greeting} ${args.name}`;
  };
  fields.fail!.resolve = () => {
    throw Object.assign(new Error('no'), { code: 'X' });
  };
  fields.count!.resolve = () => 'not a number';
  fields.echo!.resolve = (_root, args: { input: unknown }) => JSON.stringify(args.input);
  return { schema, calls };
}

function request(query: string, operationName: string | null, variables?: Record<string, unknown>) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition' && (operationName === null || d.name?.value === operationName))!;
  return { document, operation, operationName, queryHash: query, variables, context: {} };
}

/** A query asked twice of a new executor: the second answer is the compiled one, when it compiles. */
async function askedTwice(query: string): Promise<{ executor: CompiledExecutor; result: Awaited<ReturnType<CompiledExecutor['execute']>> }> {
  const executor = new CompiledExecutor(schemaCounting().schema);
  await executor.execute(request(query, null));
  return { executor, result: await executor.execute(request(query, null)) };
}

describe('CompiledExecutor', () => {
  test('compiles an operation on its second request and reuses it; each operation of a document is its own entry', async () => {
    const { schema, calls } = schemaCounting();
    const executor = new CompiledExecutor(schema);
    const query = 'query A($n: String!) { hello(name: $n) } query B { hello(name: "b", greeting: HELLO) }';
    expect(await executor.execute(request(query, 'A', { n: 'x' }))).toEqual({ data: { hello: 'HI x' } });
    expect(executor.size).toBe(0); // a one-off document is never compiled
    expect(await executor.execute(request(query, 'A', { n: 'y' }))).toEqual({ data: { hello: 'HI y' } });
    expect(await executor.execute(request(query, 'A', { n: 'z' }))).toEqual({ data: { hello: 'HI z' } });
    expect(executor.size).toBe(1);
    expect(await executor.execute(request(query, 'B'))).toEqual({ data: { hello: 'HELLO b' } });
    expect(await executor.execute(request(query, 'B'))).toEqual({ data: { hello: 'HELLO b' } });
    expect(executor.size).toBe(2);
    expect(calls).toEqual(['x', 'y', 'z', 'b', 'b']);
  });

  test('keeps at most its capacity', async () => {
    const { schema } = schemaCounting();
    const executor = new CompiledExecutor(schema, 2);
    for (const name of ['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd']) await executor.execute(request(`{ hello(name: "${name}") }`, null));
    expect(executor.size).toBeLessThanOrEqual(2);
    expect(executor.size).toBeGreaterThan(0);
  });

  test('operations of one document (the same parsed object, as Apollo keeps it) sharing a fragment under @include each answer in full', async () => {
    const { schema } = schemaCounting();
    const executor = new CompiledExecutor(schema);
    const document = parse('query A($on: Boolean!) { ...F @include(if: $on) } query B { ...F } fragment F on Query { hello(name: "f") }');
    const run = (operationName: string, variables?: Record<string, unknown>) => {
      const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition' && d.name?.value === operationName)!;
      return executor.execute({ document, operation, operationName, queryHash: 'same text', variables, context: {} });
    };
    for (let i = 0; i < 2; i++) expect(await run('A', { on: false })).toEqual({ data: {} });
    for (let i = 0; i < 2; i++) expect(await run('B')).toEqual({ data: { hello: 'HI f' } });
    expect(executor.size).toBe(2);
  });

  test('a variable inside an input literal is left to graphql-js: omitted, its field is absent or takes its default, never null', async () => {
    const { schema } = schemaCounting();
    const executor = new CompiledExecutor(schema);
    const query = 'query E($x: String) { echo(input: { a: $x }) }';
    for (let i = 0; i < 3; i++) expect(await executor.execute(request(query, 'E'))).toEqual({ data: { echo: '{"b":"default"}' } });
    expect(await executor.execute(request(query, 'E', { x: 'set' }))).toEqual({ data: { echo: '{"a":"set","b":"default"}' } });
    expect(executor.size).toBe(0);
  });

  test('bad variables get graphql-js errors on the variable definition; no resolver runs', async () => {
    const { schema, calls } = schemaCounting();
    const executor = new CompiledExecutor(schema);
    const result = await executor.execute(request('query A($n: String!) { hello(name: $n) }', 'A', { n: 5 }));
    expect(result.data).toBeUndefined();
    expect(result.errors!.map((e) => [e.message, e.nodes?.[0]?.kind])).toEqual([['Variable "$n" got invalid value 5; String cannot represent a non string value: 5', 'VariableDefinition']]);
    expect(calls).toEqual([]);
  });

  test('resolver errors are real GraphQLErrors: path, locations, original error and an extensions object', async () => {
    const { executor, result } = await askedTwice('{ hello(name: "a") fail }');
    expect(executor.size).toBe(1);
    expect(Object.keys(result)).toEqual(['errors', 'data']); // graphql-js's order
    expect(result.data).toEqual({ hello: 'HI a', fail: null });
    const [error] = result.errors!;
    expect(error!.toJSON()).toEqual({ message: 'no', locations: [{ line: 1, column: 20 }], path: ['fail'] });
    expect(error!.extensions).toEqual({});
    expect((error!.originalError as Error & { code: string }).code).toBe('X');
  });

  test('a field aliased __proto__ is interpreted by graphql-js, so the answer keeps it as a key', async () => {
    const { executor, result } = await askedTwice('{ __proto__: hello(name: "p") other: hello(name: "q") }');
    expect(executor.size).toBe(0);
    expect(Object.keys(result.data!)).toEqual(['__proto__', 'other']);
    expect(JSON.stringify(result.data)).toBe('{"__proto__":"HI p","other":"HI q"}');
  });

  test('a value that fails to serialize nulls its field with an error, as graphql-js does', async () => {
    const { executor, result } = await askedTwice('{ count }');
    expect(executor.size).toBe(1);
    expect(result.data).toBeNull();
    expect(result.errors!.map((e) => e.path)).toEqual([['count']]);
  });
});
