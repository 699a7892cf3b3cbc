import { CreateSegmentDocument, UpsertProfileDocument } from '../generated/graphql';
import { describeEachApp } from '../support/app';
import { newNamespace, type GraphQLClient } from '../support/client';

/** Query limits over real HTTP: refused before any resolver runs, with QUERY_TOO_COMPLEX and HTTP 400. */
async function post(client: GraphQLClient, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(client.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${client.key}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] }, statements: response.headers.get('x-sql-statements') };
}

const ISSUE_QUERY = '{ profiles(first: 500) { nodes { segments { members(first: 500) { nodes { segments { members(first: 500) { nodes { id } } } } } } } } }';

describeEachApp('query limits', (getApp) => {
  let client: GraphQLClient;
  beforeAll(async () => {
    ({ client } = await newNamespace(getApp().url));
    await client.data(UpsertProfileDocument, { input: { email: 'limits@example.com' } });
    await client.data(CreateSegmentDocument, { input: { name: 'Everyone with an email', definition: { expression: 'email is set' } } });
  });

  test("the issue's nested query is refused before it runs: segment evaluation inside an evaluation", async () => {
    const { status, body, statements } = await post(client, ISSUE_QUERY);
    expect(status).toBe(400);
    expect(body).toEqual({
      errors: [{
        message: 'The query is refused: Segment.members is below Profile.segments, and segments are not evaluated inside another evaluation (it multiplies evaluations by page sizes). Query the inner segments on their own, e.g. segment(id) { members }.',
        extensions: { code: 'QUERY_TOO_COMPLEX', field: 'Segment.members', under: 'Profile.segments' },
      }],
    });
    // Authentication only: no profile, segment or evaluation statement ran.
    expect(Number(statements ?? 0)).toBeLessThanOrEqual(1);
  });

  test('a query over the cost limit names its cost, the limit and the costliest field', async () => {
    const { status, body } = await post(client, 'query Counts($n: Int!) { segments(first: $n) { nodes { count } } }', { n: 100 });
    expect(status).toBe(400);
    expect(body).toEqual({
      errors: [{
        message: 'The query is refused: it costs 10101, above the limit of 10000 (QUERY_MAX_COST). The costliest field is Query.segments (× 100), which adds 10000: ask for fewer items or select less below it.',
        extensions: { code: 'QUERY_TOO_COMPLEX', cost: 10101, limit: 10000, costliestField: 'Query.segments' },
      }],
    });
  });

  test('a query that costs exactly the limit runs', async () => {
    const { status, body } = await post(client, 'query Counts($n: Int!) { segments(first: $n) { nodes { name count } } }', { n: 99 });
    expect([status, body]).toEqual([200, { data: { segments: { nodes: [{ name: 'Everyone with an email', count: 1 }] } } }]);
  });

  test('a page of 500 profiles with their segments is allowed (one membership statement per page)', async () => {
    const { status, body } = await post(client, '{ profiles(first: 500) { nodes { email segments { name } } } }');
    expect([status, body]).toEqual([200, { data: { profiles: { nodes: [{ email: 'limits@example.com', segments: [{ name: 'Everyone with an email' }] }] } } }]);
  });

  test('too many aliases and too many tokens are refused with the limit', async () => {
    const aliases = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: viewer { role }`).join(' ')} }`;
    expect(await post(client, aliases)).toMatchObject({
      status: 400,
      body: { errors: [{ message: 'The query is refused: Aliases limit of 30 exceeded, found 31. Set QUERY_MAX_ALIASES to change the limit.', extensions: { code: 'QUERY_TOO_COMPLEX', limit: 30, found: 31 } }] },
    });
    const tokens = `{ ${Array.from({ length: 10_001 }, () => '__typename').join(' ')} }`;
    expect(await post(client, tokens)).toMatchObject({
      status: 400,
      body: { errors: [{ message: 'Syntax Error: Document contains more that 10000 tokens. Parsing aborted.', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] },
    });
  });

  test('depth over the limit is refused', async () => {
    // Inline fragments count as a level each, as graphql-armor counts them.
    const deep = `{ viewer { ${'... on Viewer { '.repeat(12)}role${' }'.repeat(12)} } }`;
    expect(await post(client, deep)).toMatchObject({
      status: 400,
      body: { errors: [{ message: 'The query is refused: Query depth limit of 12 exceeded, found 14. Set QUERY_MAX_DEPTH to change the limit.', extensions: { code: 'QUERY_TOO_COMPLEX', limit: 12, found: 14 } }] },
    });
  });
});
