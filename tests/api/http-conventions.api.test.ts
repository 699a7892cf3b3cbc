import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { describeEachApp } from '../support/app';
import { newNamespace, type GraphQLClient } from '../support/client';

/** CORS for a listed origin, gzip of GraphQL responses and assets, and introspection switched off. */
const BUILDER = 'https://builder.example.com';

/** A raw HTTP exchange (fetch would hide Content-Encoding by decompressing). */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describeEachApp(
  'HTTP conventions',
  (getApp) => {
    let client: GraphQLClient;
    beforeAll(async () => {
      ({ client } = await newNamespace(getApp().url));
    });

    test('CORS: a listed origin gets its preflight and its headers; another origin gets neither', async () => {
      const preflight = await raw(getApp().url, { method: 'OPTIONS', headers: { origin: BUILDER, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers).toMatchObject({
        'access-control-allow-origin': BUILDER,
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': 'authorization, content-type, x-request-id, apollo-require-preflight',
        'access-control-max-age': '600',
        vary: 'Origin',
      });
      expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();

      const other = await raw(getApp().url, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
      expect([other.status, other.headers['access-control-allow-origin']]).toEqual([403, undefined]);

      const body = JSON.stringify({ query: '{ viewer { role } }' });
      const call = await raw(getApp().url, { method: 'POST', headers: { origin: BUILDER, 'content-type': 'application/json', authorization: `Bearer ${client.key}` }, body });
      expect([call.status, call.headers['access-control-allow-origin'], JSON.parse(call.body.toString())]).toEqual([200, BUILDER, { data: { viewer: { role: 'CLIENT_ADMIN' } } }]);
      const stranger = await raw(getApp().url, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json', authorization: `Bearer ${client.key}` }, body });
      expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
    });

    test('a large GraphQL response is gzipped for a client that accepts it, a small one is not', async () => {
      const body = JSON.stringify({ query: '{ profileFields { name graphqlName description } }' });
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${client.key}` };
      const plain = await raw(getApp().url, { method: 'POST', headers, body });
      const packed = await raw(getApp().url, { method: 'POST', headers: { ...headers, 'accept-encoding': 'gzip, br' }, body });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.length).toBeGreaterThan(1024);
      expect(packed.headers).toMatchObject({ 'content-encoding': 'gzip', vary: 'Accept-Encoding' });
      expect(packed.body.length).toBeLessThan(plain.body.length);
      expect(gunzipSync(packed.body).toString()).toBe(plain.body.toString());

      const small = await raw(getApp().url, { method: 'POST', headers: { ...headers, 'accept-encoding': 'gzip' }, body: JSON.stringify({ query: '{ viewer { role } }' }) });
      expect(small.headers['content-encoding']).toBeUndefined();
      const refused = await raw(getApp().url, { method: 'POST', headers: { ...headers, 'accept-encoding': 'gzip;q=0' }, body });
      expect(refused.headers['content-encoding']).toBeUndefined();
    });

    test("GraphiQL's bundle is served gzipped", async () => {
      const base = getApp().app.url;
      const plain = await raw(`${base}/graphiql/assets/graphiql.min.js`, {});
      const packed = await raw(`${base}/graphiql/assets/graphiql.min.js`, { headers: { 'accept-encoding': 'gzip' } });
      expect(packed.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(packed.body).equals(plain.body)).toBe(true);
    });

    test('INTROSPECTION=false refuses introspection with a validation error', async () => {
      const response = await fetch(getApp().url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${client.key}` }, body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }) });
      const json = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(json.errors.map((e) => [e.message, e.extensions.code])).toEqual([
        ['GraphQL introspection is not allowed by Apollo Server, but the query contained __schema or __type. To enable introspection, pass introspection: true to ApolloServer in production', 'GRAPHQL_VALIDATION_FAILED'],
      ]);
    });
  },
  { corsOrigins: { anyOrigin: false, origins: new Set([BUILDER]) }, introspection: false },
);
