import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProfilePageDocument, SegmentsDocument, ViewerDocument } from '../generated/graphql';
import { GraphQLClient } from '../support/client';

const ROOT = join(__dirname, '../..');

interface Started {
  child: ChildProcess;
  output: () => string;
  url: string;
}

const running = new Set<ChildProcess>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts the real entry point (`src/main.ts serve`) as its own node process, as `npm start` does. */
function start(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts', 'serve'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 90 s:\n${text}`)), 90_000);
    const check = () => {
      const m = /GraphQL at (http:\/\/\S+)\/graphql/.exec(text);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve({ child, output: () => text, url: `${m[1]}/graphql` });
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${text}`));
    });
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('the process: npm start on an embedded database', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ag-start-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test('first start seeds the demo namespace and prints its key; a restart keeps the data and prints no new key', async () => {
    const first = await start({ DATA_DIR: dataDir, PORT: '0' });
    const key = /\b(agk_[A-Za-z0-9_-]{20,})\b/.exec(first.output())?.[1];
    expect(key).toBeDefined();
    const client = new GraphQLClient(first.url, key);
    expect((await client.data(ViewerDocument)).viewer).toMatchObject({ role: 'CLIENT_ADMIN', namespace: { slug: 'demo' } });
    const page = await client.data(ProfilePageDocument, { first: 500 });
    expect(page.profiles.nodes).toHaveLength(300);
    const segments = await client.data(SegmentsDocument, { first: 10 });
    expect(segments.segments.nodes.map((n) => n.name)).toEqual(['Gold and platinum', 'Holdout 10%', 'Lapsed shoe buyers', 'Subscribed buyers']);
    expect(await stop(first.child)).toBe(0);

    const second = await start({ DATA_DIR: dataDir, PORT: '0' });
    expect(second.output()).not.toMatch(/agk_/);
    const again = await new GraphQLClient(second.url, key).data(ProfilePageDocument, { first: 1 });
    expect(again.profiles.nodes).toHaveLength(1);
    expect(await stop(second.child)).toBe(0);
    // Two process starts, each allowed 90 s above: on a loaded 2-core machine one start through
    // ts-node takes 20-30 s, more than jest's default 60 s for the pair.
  }, 200_000);

  test('a bad configuration value stops the start with a message naming the variable', async () => {
    await expect(start({ DATA_DIR: dataDir, PORT: 'eighty' })).rejects.toThrow('Invalid configuration: PORT must be a whole number from 0 to 65535 (got "eighty")');
  });
});
