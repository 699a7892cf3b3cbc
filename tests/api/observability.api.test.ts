import { Writable } from 'node:stream';
import { print } from 'graphql';
import { CreateSegmentDocument, SegmentCountDocument, UpsertProfileDocument, ViewerDocument } from '../generated/graphql';
import { QueryStats, Sql } from '../../src/db/sql';
import { createLogger } from '../../src/observability/logger';
import { describeEachApp } from '../support/app';
import { newNamespace, type GraphQLClient } from '../support/client';

/**
 * What an operator sees: one JSON log line per request (pino, the real logger), every SQL statement
 * with LOG_QUERIES (values left out), /readyz, and Prometheus metrics behind a token.
 */
const lines: Record<string, unknown>[] = [];
const capture = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const text of chunk.toString('utf8').split('\n')) if (text.trim()) lines.push(JSON.parse(text) as Record<string, unknown>);
    done();
  },
});
const logger = createLogger({ level: 'info', pretty: false, destination: capture });
const METRICS_TOKEN = 'metrics-token-for-tests-0123';

async function post(client: GraphQLClient, query: string, variables: Record<string, unknown>, reqId: string, key = client.key) {
  const response = await fetch(client.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-request-id': reqId },
    body: JSON.stringify({ query, variables }),
  });
  await response.text();
  // The request's line is written once the server has finished the response: wait for it.
  for (let i = 0; i < 200 && requestLine(reqId).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  return { statements: Number(response.headers.get('x-sql-statements')), reqId: response.headers.get('x-request-id') };
}

const requestLine = (reqId: string) => lines.filter((l) => l.msg === 'request' && l.reqId === reqId);

describeEachApp(
  'observability',
  (getApp) => {
    let client: GraphQLClient;
    let slug: string;
    let run = 0;
    const id = (what: string) => `${what}-${getApp().app.db.target.kind}-${++run}`;
    beforeAll(async () => {
      ({ client, slug } = await newNamespace(getApp().url));
    });

    test('one line per GraphQL request: request ID, operation, namespace, role, status, duration, SQL count, error code', async () => {
      const reqId = id('viewer');
      const { statements, reqId: echoed } = await post(client, print(ViewerDocument), {}, reqId);
      expect(echoed).toBe(reqId);
      expect(requestLine(reqId)).toEqual([
        { level: 30, time: expect.any(String), msg: 'request', reqId, method: 'POST', route: '/graphql', operation: 'Viewer', namespace: slug, role: 'CLIENT_ADMIN', status: 200, durationMs: expect.any(Number), sqlStatements: statements, errorCode: null },
      ]);

      const bad = id('bad-key');
      await post(client, print(ViewerDocument), {}, bad, 'agk_not-a-real-key-000000000000');
      expect(requestLine(bad)).toEqual([expect.objectContaining({ operation: 'Viewer', namespace: null, role: null, status: 200, errorCode: 'UNAUTHENTICATED' })]);
    });

    test('LOG_QUERIES: every statement of the request, raw SQL included, with its request ID and without its values', async () => {
      const reqId = id('upsert');
      const { statements } = await post(client, print(UpsertProfileDocument), { input: { email: 'Observed.Person@example.com', phones: ['+14155550123'] } }, reqId);
      const sql = lines.filter((l) => l.msg === 'sql' && l.reqId === reqId);
      expect(statements).toBeGreaterThan(0);
      expect(sql).toHaveLength(statements);
      expect(sql.some((l) => /\$1/.test(String(l.sql)))).toBe(true);
      for (const l of sql) expect(Object.keys(l).sort()).toEqual(expect.arrayContaining(['durationMs', 'level', 'msg', 'paramCount', 'reqId', 'sql', 'time']));
      const all = JSON.stringify(lines).toLowerCase();
      expect(all).not.toContain('observed.person');
      expect(all).not.toContain('4155550123');
      expect(all).not.toContain(client.key!.toLowerCase());
    });

    test('/healthz and /readyz', async () => {
      const base = getApp().app.url;
      expect([(await fetch(`${base}/healthz`)).status, await (await fetch(`${base}/readyz`)).json()]).toEqual([200, { status: 'ready' }]);
    });

    test('/healthz during a long statement: answers at once on PostgreSQL; waits for it on PGlite (one thread)', async () => {
      const { db, url } = getApp().app;
      const stop = new AbortController();
      const sql = new Sql(db.orm.em.fork(), new QueryStats('long', stop.signal));
      let sleepDone = false;
      const long = sql.one(`select pg_sleep(${db.target.kind === 'postgres' ? 30 : 0.3}) as slept`).then(
        () => (sleepDone = true),
        () => (sleepDone = true),
      );
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      // PostgreSQL: another pooled connection answers while the sleep runs. PGlite: the one connection is busy until it ends.
      expect(sleepDone).toBe(db.target.kind === 'pglite');
      stop.abort(new Error('done'));
      await long;
    });

    test('/metrics needs its token and counts requests, SQL and segment evaluations', async () => {
      const base = getApp().app.url;
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      const segment = await client.data(CreateSegmentDocument, { input: { name: 'Observed', definition: { expression: 'email is set' } } });
      await client.data(SegmentCountDocument, { id: segment.createSegment.id });
      const response = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const text = await response.text();
      expect(text).toContain('audience_graph_requests_total{route="/graphql",operation="Viewer",code="OK"} 1\n');
      expect(text).toContain('audience_graph_requests_total{route="/graphql",operation="Viewer",code="UNAUTHENTICATED"} 1\n');
      expect(text).toContain('audience_graph_requests_total{route="/graphql",operation="SegmentCount",code="OK"} 1\n');
      expect(text).toContain('audience_graph_segment_evaluation_duration_seconds_count{kind="count"} 1\n');
      expect(text).toMatch(/audience_graph_sql_duration_seconds_count\{outcome="ok"\} [1-9]\d*\n/);
      expect(text).toMatch(/audience_graph_db_pool_size [1-9]\d*\n/);
    });
  },
  { logQueries: true, metrics: { enabled: true, token: METRICS_TOKEN } },
  logger,
);
