import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProfileByEmailDocument, UpsertProfileDocument } from '../generated/graphql';
import { TEST_ADMIN_TOKEN } from '../support/app';
import { GraphQLClient, newNamespace } from '../support/client';
import { createScratchPgDatabase, TEST_TARGETS } from '../support/databases';
import { PROCESS_TIMEOUTS, startServer } from '../support/processes';

/**
 * Graceful shutdown of the real process: a request in flight when SIGTERM arrives completes, new
 * connections are refused, the process exits 0 and the database reopens with the data. A second
 * signal exits at once.
 */

/** A GraphQL POST whose body is sent in two halves: the request is in flight between them. */
function slowRequest(url: string, key: string, query: string) {
  const body = Buffer.from(JSON.stringify({ query }));
  let req!: ClientRequest;
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: `Bearer ${key}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  response.catch(() => undefined);
  req.write(body.subarray(0, 10));
  return { response, finish: () => req.end(body.subarray(10)) };
}

const STOP_TIMEOUT = PROCESS_TIMEOUTS.stop;

describe.each(TEST_TARGETS)('graceful shutdown on $name', ({ name }) => {
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    if (name === 'pglite') {
      const dataDir = mkdtempSync(join(tmpdir(), 'ag-shutdown-'));
      env = { DATA_DIR: dataDir };
      cleanup = async () => rmSync(dataDir, { recursive: true, force: true });
    } else {
      const scratch = await createScratchPgDatabase();
      env = { DATABASE_URL: scratch.url };
      cleanup = () => scratch.drop();
    }
    env = { ...env, SEED_DEMO: 'false', ADMIN_TOKEN: TEST_ADMIN_TOKEN, SHUTDOWN_GRACE_MS: '60000' };
  });
  afterAll(async () => cleanup?.());

  let client: GraphQLClient;

  test(
    'SIGTERM: the request in flight completes, new connections are refused, exit 0, and the data is there after a restart',
    async () => {
      const server = await startServer(env);
      ({ client } = await newNamespace(server.url));
      await client.data(UpsertProfileDocument, { input: { email: 'inflight@example.com', firstName: 'Before' } });

      const slow = slowRequest(server.url, client.key!, 'mutation { upsertProfile(input: { email: "inflight@example.com", firstName: "During" }) { profile { firstName } } }');
      // The server must have the request's headers before the signal (a connection without a request is idle and closed).
      await sleep(500);
      server.child.kill('SIGTERM');
      await server.waitFor(/SIGTERM: shutting down/, STOP_TIMEOUT);
      await expect(fetch(server.url, { method: 'POST' })).rejects.toThrow();
      slow.finish();
      expect(await slow.response).toEqual({ status: 200, body: `${JSON.stringify({ data: { upsertProfile: { profile: { firstName: 'During' } } } })}\n` });
      expect(await server.exited(STOP_TIMEOUT)).toEqual({ code: 0, signal: null });
      expect(server.output()).toContain('stopped cleanly');
      expect(server.output()).not.toMatch(/aborted|Error/);

      const again = await startServer(env);
      const reopened = new GraphQLClient(again.url, client.key);
      expect((await reopened.request(ProfileByEmailDocument, { email: 'inflight@example.com' })).data!.profileByEmail).toMatchObject({ firstName: 'During' });
      expect(await again.stop('SIGTERM', STOP_TIMEOUT)).toEqual({ code: 0, signal: null });
    },
    2 * PROCESS_TIMEOUTS.start + 3 * STOP_TIMEOUT,
  );

  test(
    'a second signal exits at once, and the database still reopens',
    async () => {
      const server = await startServer(env);
      const slow = slowRequest(server.url, client.key!, '{ viewer { role } }');
      await sleep(500);
      server.child.kill('SIGINT');
      await server.waitFor(/SIGINT: shutting down/, STOP_TIMEOUT);
      expect(await server.stop('SIGINT', STOP_TIMEOUT)).toEqual({ code: 130, signal: null });
      expect(server.output()).toContain('SIGINT again: exiting at once');
      await expect(slow.response).rejects.toThrow();

      const again = await startServer(env);
      const reopened = new GraphQLClient(again.url, client.key);
      expect((await reopened.request(ProfileByEmailDocument, { email: 'inflight@example.com' })).data!.profileByEmail).toMatchObject({ firstName: 'During' });
      expect(await again.stop('SIGTERM', STOP_TIMEOUT)).toEqual({ code: 0, signal: null });
    },
    2 * PROCESS_TIMEOUTS.start + 3 * STOP_TIMEOUT,
  );
});
