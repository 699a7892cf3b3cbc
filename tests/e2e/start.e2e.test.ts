import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../../src/cli/program';
import { loadConfig } from '../../src/config';
import { ProfilePageDocument, SegmentsDocument, ViewerDocument } from '../generated/graphql';
import { GraphQLClient } from '../support/client';
import { PROCESS_TIMEOUTS, startCli, startServer } from '../support/processes';

/** Runs a CLI command in this (jest's) process: a second process beside the server, as an operator's shell would be. */
async function cli(args: string[], env: Record<string, string>): Promise<{ ok: boolean; out: string }> {
  let out = '';
  const program = buildProgram({ config: () => loadConfig(env), out: (t) => (out += `${t}\n`), err: (t) => (out += `${t}\n`) });
  try {
    await program.parseAsync(args, { from: 'user' });
    return { ok: true, out };
  } catch (error) {
    return { ok: false, out: out + (error as Error).message };
  }
}

describe('the process: npm start on an embedded database, the CLI beside it, a crash and a restart', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let key: string | undefined;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ag-start-'));
    env = { DATA_DIR: dataDir };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test(
    'first start seeds the demo namespace; every CLI command works through the running server or is refused clearly; kill -9',
    async () => {
      const server = await startServer(env);
      key = /\b(agk_[A-Za-z0-9_-]{20,})\b/.exec(server.output())?.[1];
      expect(key).toBeDefined();
      const client = new GraphQLClient(server.url, key);
      expect((await client.data(ViewerDocument)).viewer).toMatchObject({ role: 'CLIENT_ADMIN', namespace: { slug: 'demo' } });
      expect((await client.data(ProfilePageDocument, { first: 500 })).profiles.nodes).toHaveLength(300);
      const segments = await client.data(SegmentsDocument, { first: 10 });
      expect(segments.segments.nodes.map((n) => n.name)).toEqual(['Gold and platinum', 'Holdout 10%', 'Lapsed shoe buyers', 'Subscribed buyers']);

      // The README's "lost key" recipe, as a real process: the running server issues the key, so it works at once.
      const createKey = startCli(['create-key', 'demo', 'VIEWER', 'lost key'], env);
      expect(await createKey.exited(PROCESS_TIMEOUTS.command)).toEqual({ code: 0, signal: null });
      const viewerKey = /VIEWER key for demo: (agk_\S+)/.exec(createKey.output())?.[1];
      expect((await client.withKey(viewerKey).data(ViewerDocument)).viewer).toMatchObject({ role: 'VIEWER' });

      const created = await cli(['create-namespace', 'acme', '--name', 'Acme', '--json'], env);
      expect(created.ok).toBe(true);
      const acmeKey = (JSON.parse(created.out) as { key: { secret: string } }).key.secret;
      expect((await client.withKey(acmeKey).data(ViewerDocument)).viewer).toMatchObject({ namespace: { slug: 'acme' } });

      const listed = await cli(['list-keys', 'demo', '--json'], env);
      const keys = (JSON.parse(listed.out) as { keys: { prefix: string; role: string; revokedAt: string | null }[] }).keys;
      expect(keys.map((k) => k.role)).toEqual(['CLIENT_ADMIN', 'VIEWER']);

      // Revoked through the server: its key cache is cleared, so the key stops working at once.
      const revoked = await cli(['revoke-key', 'demo', keys[1]!.prefix], env);
      expect(revoked).toMatchObject({ ok: true, out: expect.stringContaining(`Revoked ${keys[1]!.prefix}`) });
      expect((await client.withKey(viewerKey).request(ViewerDocument)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

      expect(await cli(['migrate'], env)).toEqual({ ok: true, out: expect.stringMatching(new RegExp(`^The database is up to date \\(the running server, process ${server.pid}, has applied every migration\\)`)) });
      expect((await cli(['print-schema'], env)).out).toContain('type Query');

      // A second server is refused before it opens the directory, and says how to do things meanwhile.
      const second = await cli(['serve'], { ...env, PORT: '0' });
      expect(second.ok).toBe(false);
      expect(second.out).toContain(`Cannot serve: The data directory ${dataDir} is in use by audience-graph "serve" (process ${server.pid}`);
      expect(second.out).toContain('While the server runs, use the admin commands as usual');
      expect(await cli(['create-key', 'nope'], env)).toEqual({ ok: false, out: 'create-key failed (NOT_FOUND): Namespace "nope" was not found in this namespace.' });

      // Still readable after all of it; then a crash.
      expect((await client.data(ProfilePageDocument, { first: 1 })).profiles.nodes).toHaveLength(1);
      expect(await server.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    },
    PROCESS_TIMEOUTS.start + 2 * PROCESS_TIMEOUTS.command + PROCESS_TIMEOUTS.stop,
  );

  test(
    'after kill -9 the stale lock is cleared and a restart keeps the data, prints no new key, and stops cleanly on SIGTERM',
    async () => {
      expect(key).toBeDefined();
      const again = await startServer(env);
      expect(again.output()).not.toMatch(/agk_/);
      const client = new GraphQLClient(again.url, key);
      expect((await client.data(ProfilePageDocument, { first: 500 })).profiles.nodes).toHaveLength(300);
      expect((await cli(['list-keys', 'acme'], env)).out).toMatch(/CLIENT_ADMIN {2}active/);
      expect(await again.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      // Stopped: the lock is gone, and a command opens the directory itself.
      expect(await cli(['list-keys', 'demo'], env)).toMatchObject({ ok: true, out: expect.stringMatching(/VIEWER +revoked/) });
    },
    PROCESS_TIMEOUTS.start + PROCESS_TIMEOUTS.command + PROCESS_TIMEOUTS.stop,
  );

  test(
    'a bad configuration value stops the start with a message naming the variable',
    async () => {
      const bad = startCli(['serve'], { DATA_DIR: dataDir, PORT: 'eighty' });
      expect(await bad.exited(PROCESS_TIMEOUTS.command)).toEqual({ code: 1, signal: null });
      expect(bad.output()).toContain('Invalid configuration: PORT must be a whole number from 0 to 65535 (got "eighty")');
    },
    PROCESS_TIMEOUTS.command + 5_000,
  );
});
