import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { parse, specifiedRules, validate, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { buildAppSchema } from '../../src/graphql/schema';
import { DEFAULT_QUERY_LIMITS, FIELD_COSTS, OperationCosts, operationCost, queryLimits } from '../../src/graphql/query-limits';

/** The cost model and the static limits, checked on the real schema (no database needed). */
let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildAppSchema();
});

const cost = (query: string, variables: Record<string, unknown> = {}) => operationCost(schema, parse(query), variables);

describe('cost model', () => {
  test('a scalar costs 0, an object 1, and `first` multiplies what is selected below it', () => {
    expect(cost('{ viewer { role } }').cost).toBe(1);
    expect(cost('{ profiles(first: 10) { nodes { id email } } }').cost).toBe(1 + 10 * 1);
    expect(cost('{ profiles(first: 10) { nodes { id dimensions { emailStatus } events(first: 3) { nodes { type } } } } }').cost).toBe(1 + 10 * (1 + 1 + (1 + 3 * 1)));
    // Defaults count: profiles' `first` defaults to 50.
    expect(cost('{ profiles { nodes { id } } }').cost).toBe(1 + 50 * 1);
  });

  test('variables count, and the costliest field is the one that multiplies most', () => {
    expect(cost('query($n: Int!) { segments(first: $n) { nodes { count } } }', { n: 99 })).toEqual({ cost: 1 + 99 * (1 + 100), costliest: { coordinate: 'Query.segments', adds: 1 + 98 * 101, multiplier: 99 } });
  });

  test("the issue's nested query costs millions", () => {
    const report = cost('{ profiles(first: 500) { nodes { segments { members(first: 500) { nodes { segments { members(first: 500) { nodes { id } } } } } } } } }');
    // members(500){nodes{id}} = 100 + 500; segments = 10 + 20 × that; and so on up.
    const inner = 10 + 20 * (100 + 500 * 1);
    const outer = 10 + 20 * (100 + 500 * (1 + inner));
    expect(report).toEqual({ cost: 1 + 500 * (1 + outer), costliest: { coordinate: 'Query.profiles', adds: 1 + 499 * (1 + outer), multiplier: 500 } });
  });

  test('every priced field exists in the schema', () => {
    for (const coordinate of Object.keys(FIELD_COSTS)) {
      const [type, field] = coordinate.split('.') as [string, string];
      const named = schema.getType(type) as { getFields?: () => Record<string, unknown> } | undefined;
      expect([coordinate, Boolean(named?.getFields?.()[field])]).toEqual([coordinate, true]);
    }
  });

  const VARIABLES = { first: 100, events: 5, sampleSize: 10, id: 'x', email: 'a@example.com', phone: '+14155552671', from: 1, to: 2, definition: { expression: 'x' }, namespace: 'x', key: 'x', segmentId: 'x', since: '2026-11-01T00:00:00Z' };
  test('every committed query, with the page sizes the bench and tests use, is within the default limit', () => {
    const dir = join(__dirname, '../../schema/operations');
    const costs: Record<string, number> = {};
    for (const file of readdirSync(dir)) {
      const document = parse(readFileSync(join(dir, file), 'utf8'));
      for (const definition of document.definitions) {
        if (definition.kind !== 'OperationDefinition' || definition.operation !== 'query') continue;
        const name = (definition as OperationDefinitionNode).name!.value;
        costs[name] = operationCost(schema, document, VARIABLES, name).cost;
      }
    }
    expect(Object.keys(costs).length).toBeGreaterThan(20);
    expect(Object.entries(costs).filter(([, c]) => c > DEFAULT_QUERY_LIMITS.maxCost)).toEqual([]);
  });

  test("GraphiQL's starting query is within the default limit", () => {
    const script = readFileSync(join(__dirname, '../../src/http/static/graphiql-app.js'), 'utf8');
    const lines = runInNewContext(/var defaultQuery = (\[[\s\S]*?\])\.join/.exec(script)![1]!) as string[];
    expect(cost(lines.join('\n')).cost).toBeLessThan(DEFAULT_QUERY_LIMITS.maxCost / 10);
  });
});

describe('static limits', () => {
  const limits = queryLimits({ ...DEFAULT_QUERY_LIMITS, maxDepth: 3, maxAliases: 2, maxDirectives: 1 });
  const errors = (query: string) => validate(schema, parse(query), [...specifiedRules, ...limits.validationRules]).map((e) => [e.message, e.extensions]);

  test('depth, aliases and directives over their limits are QUERY_TOO_COMPLEX with the limit and what was found', () => {
    expect(errors('{ profiles { nodes { dimensions { emailStatus } } } }')).toEqual([
      ['The query is refused: Query depth limit of 3 exceeded, found 4. Set QUERY_MAX_DEPTH to change the limit.', { code: 'QUERY_TOO_COMPLEX', limit: 3, found: 4, http: { status: 400 } }],
    ]);
    expect(errors('{ a: viewer { role } b: viewer { role } c: viewer { role } }')).toEqual([
      ['The query is refused: Aliases limit of 2 exceeded, found 3. Set QUERY_MAX_ALIASES to change the limit.', { code: 'QUERY_TOO_COMPLEX', limit: 2, found: 3, http: { status: 400 } }],
    ]);
    expect(errors('{ viewer @include(if: true) { role @skip(if: false) } }')).toEqual([
      ['The query is refused: Directives limit of 1 exceeded, found 2. Set QUERY_MAX_DIRECTIVES to change the limit.', { code: 'QUERY_TOO_COMPLEX', limit: 1, found: 2, http: { status: 400 } }],
    ]);
  });

  test('queries at the limits pass', () => {
    expect(errors('{ profiles { nodes { id } } a: viewer { role } b: viewer { role @skip(if: false) } }')).toEqual([]);
  });

  test('the parser stops at the token limit', () => {
    const many = `{ ${Array.from({ length: 200 }, () => '__typename').join(' ')} }`;
    expect(() => parse(many, { maxTokens: 100 })).toThrow('Syntax Error: Document contains more that 100 tokens. Parsing aborted.');
    expect(limits.parseOptions).toEqual({ maxTokens: DEFAULT_QUERY_LIMITS.maxTokens });
  });
});

describe('costs kept per document', () => {
  const PAGE = `query Page($first: Int!, $after: String, $events: Int = 5, $withEvents: Boolean!) {
    profiles(first: $first, after: $after) { nodes { id events(first: $events) @include(if: $withEvents) { nodes { type } } } }
  }`;

  function counting() {
    const calls: Record<string, unknown>[] = [];
    const costs = new OperationCosts((s, d, variables, name) => {
      calls.push(variables ?? {});
      return operationCost(s, d, variables, name);
    });
    return { costs, calls };
  }

  test('a new cursor reuses the price; a new page size, events count or @include condition is priced again, and correctly', () => {
    const { costs, calls } = counting();
    const document = parse(PAGE);
    const price = (variables: Record<string, unknown>) => costs.cost(schema, document, variables, 'Page').cost;
    expect(price({ first: 10, after: null, withEvents: true })).toBe(1 + 10 * (1 + (1 + 5)));
    expect(price({ first: 10, after: 'YWZ0ZXI', withEvents: true })).toBe(1 + 10 * (1 + (1 + 5)));
    expect(calls).toHaveLength(1);
    expect(price({ first: 20, after: 'YWZ0ZXI', withEvents: true })).toBe(1 + 20 * (1 + (1 + 5)));
    expect(price({ first: 20, events: 9, withEvents: true })).toBe(1 + 20 * (1 + (1 + 9)));
    expect(price({ first: 20, events: 9, withEvents: false })).toBe(1 + 20 * 1);
    expect(calls).toHaveLength(4);
    // An omitted variable takes its default: the price of the request that omitted it too.
    expect(price({ first: 20, withEvents: true })).toBe(1 + 20 * (1 + (1 + 5)));
    expect(calls).toHaveLength(4);
    expect(price({ first: 20, events: 5, withEvents: true })).toBe(1 + 20 * (1 + (1 + 5)));
    expect(calls).toHaveLength(5);
  });

  test('variables that fail to coerce are never kept: the next request is priced for itself', () => {
    const { costs, calls } = counting();
    const document = parse(PAGE);
    expect(() => costs.cost(schema, document, { first: 10, after: 5, withEvents: true }, 'Page')).toThrow();
    expect(costs.cost(schema, document, { first: 10, after: 'x', withEvents: true }, 'Page').cost).toBe(71);
    expect(calls).toHaveLength(2);
  });

  test('through the plugin: a costly request is refused after cheap ones of the same document', async () => {
    const plugin = queryLimits({ ...DEFAULT_QUERY_LIMITS, maxCost: 100 }).plugin;
    const document = parse(PAGE);
    const operation = document.definitions[0] as OperationDefinitionNode;
    const check = async (variables: Record<string, unknown>) => {
      const listener = await plugin.requestDidStart!({} as never);
      await listener!.didResolveOperation!({ schema, document, operation, request: { variables } } as never);
    };
    await check({ first: 2, withEvents: true });
    await check({ first: 2, after: 'x', withEvents: true });
    await expect(check({ first: 50, after: 'x', withEvents: true })).rejects.toThrow('it costs 351, above the limit of 100');
  });
});
