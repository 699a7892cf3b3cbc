import { buildSchema, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { CompiledExecutor } from '../../src/graphql/executor';

const SCHEMA = `
  type Query { hello(name: String!, greeting: Greeting = HI): String!, fail: String, count: Int! }
  enum Greeting { HI HELLO }
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
  return { schema, calls };
}

function request(query: string, operationName: string | null, variables?: Record<string, unknown>) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition' && (operationName === null || d.name?.value === operationName))!;
  return { document, operation, operationName, queryHash: query, variables, context: {} };
}

describe('CompiledExecutor', () => {
  test('compiles an operation once and reuses it; each operation of a document is its own entry', async () => {
    const { schema, calls } = schemaCounting();
    const executor = new CompiledExecutor(schema);
    const query = 'query A($n: String!) { hello(name: $n) } query B { hello(name: "b", greeting: HELLO) }';
    expect(await executor.execute(request(query, 'A', { n: 'x' }))).toEqual({ data: { hello: 'HI x' } });
    expect(await executor.execute(request(query, 'A', { n: 'y' }))).toEqual({ data: { hello: 'HI y' } });
    expect(executor.size).toBe(1);
    expect(await executor.execute(request(query, 'B'))).toEqual({ data: { hello: 'HELLO b' } });
    expect(executor.size).toBe(2);
    expect(calls).toEqual(['x', 'y', 'b']);
  });

  test('keeps at most its capacity, dropping the least recently used', async () => {
    const { schema } = schemaCounting();
    const executor = new CompiledExecutor(schema, 2);
    for (const name of ['a', 'b', 'a', 'c']) await executor.execute(request(`{ hello(name: "${name}") }`, null));
    expect(executor.size).toBe(2);
    // "a" was used after "b", so "b" went: asking for "a" again compiles nothing new.
    await executor.execute(request('{ hello(name: "a") }', null));
    expect(executor.size).toBe(2);
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
    const { schema } = schemaCounting();
    const executor = new CompiledExecutor(schema);
    const result = await executor.execute(request('{ hello(name: "a") fail }', null));
    expect(result.data).toEqual({ hello: 'HI a', fail: null });
    const [error] = result.errors!;
    expect(error!.toJSON()).toEqual({ message: 'no', locations: [{ line: 1, column: 20 }], path: ['fail'] });
    expect(error!.extensions).toEqual({});
    expect((error!.originalError as Error & { code: string }).code).toBe('X');
  });

  test('a field aliased __proto__ is interpreted by graphql-js, so the answer keeps it as a key', async () => {
    const { schema } = schemaCounting();
    const result = await new CompiledExecutor(schema).execute(request('{ __proto__: hello(name: "p") other: hello(name: "q") }', null));
    expect(Object.keys(result.data!)).toEqual(['__proto__', 'other']);
    expect(JSON.stringify(result.data)).toBe('{"__proto__":"HI p","other":"HI q"}');
  });

  test('a value that fails to serialize nulls its field with an error, as graphql-js does', async () => {
    const { schema } = schemaCounting();
    const result = await new CompiledExecutor(schema).execute(request('{ count }', null));
    expect(result.data).toBeNull();
    expect(result.errors!.map((e) => e.path)).toEqual([['count']]);
  });
});
