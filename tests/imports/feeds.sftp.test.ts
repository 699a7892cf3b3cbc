import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CreateFeedDocument, FeedDocument, type FeedQuery, ProfileByEmailDocument, RunFeedNowDocument, SetFeedEnabledDocument } from '../generated/graphql';
import { describeEachApp } from '../support/app';
import { newNamespace, type GraphQLClient } from '../support/client';
import { sshdMissing, startSftpServer, type TestSftpServer } from './sshd';

const missing = sshdMissing();
if (missing) console.warn(missing);
const maybe = missing ? describe.skip : describe;

const importDir = mkdtempSync(join(tmpdir(), 'ag-feed-files-'));
afterAll(() => rmSync(importDir, { recursive: true, force: true }));

type Run = FeedQuery['feed']['runs'][number];

/** Polls the feed's history until `done` holds for its runs. */
async function waitForRuns(client: GraphQLClient, id: string, done: (runs: Run[]) => boolean, timeoutMs = 90_000): Promise<Run[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const runs = (await client.data(FeedDocument, { id })).feed.runs;
    if (done(runs)) return runs;
    if (Date.now() > until) throw new Error(`the feed did not get there within ${timeoutMs} ms: ${JSON.stringify(runs, null, 1)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Every file of the history, oldest run first, each run's files in the order seen. */
const files = (runs: Run[]) => [...runs].reverse().flatMap((r) => r.files);

maybe('managed feeds against a real OpenSSH SFTP server', () => {
  let sftp: TestSftpServer;
  beforeAll(async () => {
    sftp = await startSftpServer();
  });
  afterAll(async () => {
    await sftp?.stop();
  });

  describeEachApp('feeds', (getApp) => {
    const inbox = () => join(sftp.root, 'inbox');
    const feedInput = (name: string, extra: Record<string, unknown> = {}) => ({
      name, kind: 'customers', host: '127.0.0.1', port: sftp.port, username: sftp.user, privateKey: sftp.privateKey, remoteDir: `/inbox/${name}`,
      hostKeySha256: sftp.hostKeySha256, pattern: 'customers-*.csv', cron: '*/2 * * * * *', ...extra,
    });

    test('scheduled runs import new files, move them to processed/ or failed/, and never import the same file twice', async () => {
      const { client, namespaceId } = await newNamespace(getApp().url);
      const name = `crm-${randomBytes(3).toString('hex')}`;
      const dir = join(inbox(), name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'customers-1.csv'), 'email,first_name\nana@example.com,Ana\nben@example.com,Ben\n');
      writeFileSync(join(dir, 'ignored.txt'), 'not matching the pattern');
      const { createFeed } = await client.data(CreateFeedDocument, { input: feedInput(name) });
      expect(createFeed).toMatchObject({ name, source: `sftp://${sftp.user}@127.0.0.1:${sftp.port}/inbox/${name}`, authMethod: 'PRIVATE_KEY', hostKeySha256: sftp.hostKeySha256, enabled: true });
      expect(JSON.stringify(createFeed)).not.toContain('PRIVATE KEY');

      let runs = await waitForRuns(client, createFeed.id, (r) => files(r).length >= 1 && r.every((x) => x.status !== 'RUNNING'));
      expect(files(runs).map((f) => [f.name, f.outcome, f.error])).toEqual([['customers-1.csv', 'IMPORTED', null]]);
      expect((await client.request(ProfileByEmailDocument, { email: 'ben@example.com' })).data!.profileByEmail?.firstName).toBe('Ben');
      expect(readdirSync(join(dir, 'processed'))).toEqual(['customers-1.csv']);
      expect(existsSync(join(dir, 'customers-1.csv'))).toBe(false);

      // The same file again: skipped (and moved away). A bad file and a file with a bad row go to failed/ with their errors.
      writeFileSync(join(dir, 'customers-1.csv'), 'email,first_name\nana@example.com,Ana\nben@example.com,Ben\n');
      writeFileSync(join(dir, 'customers-2.csv'), 'name\nnobody\n');
      writeFileSync(join(dir, 'customers-3.csv'), 'email,first_name\ncid@example.com,Cid\nnot-an-email,X\n');
      runs = await waitForRuns(client, createFeed.id, (r) => files(r).length >= 4 && r.every((x) => x.status !== 'RUNNING'));
      expect(files(runs).map((f) => [f.name, f.outcome])).toEqual([
        ['customers-1.csv', 'IMPORTED'], ['customers-1.csv', 'SKIPPED'], ['customers-2.csv', 'FAILED'], ['customers-3.csv', 'REJECTED_ROWS'],
      ]);
      expect(readdirSync(join(dir, 'processed')).sort()).toHaveLength(2);
      expect(readdirSync(join(dir, 'failed')).sort()).toEqual(['customers-2.csv', 'customers-2.csv.error.txt', 'customers-3.csv', 'customers-3.csv.errors.csv']);
      expect(readFileSync(join(dir, 'failed', 'customers-2.csv.error.txt'), 'utf8')).toBe('the file has no column for one of email, phone; headers found: "name"\n');
      expect(readFileSync(join(dir, 'failed', 'customers-3.csv.errors.csv'), 'utf8')).toBe(
        'email,first_name,error\nnot-an-email,X,"email: ""not-an-email"" is not a valid email address: it has no ""@""; send an address such as ana@example.com"\n');
      expect((await client.request(ProfileByEmailDocument, { email: 'cid@example.com' })).data!.profileByEmail?.firstName).toBe('Cid');
      expect(readdirSync(dir).sort()).toEqual(['failed', 'ignored.txt', 'processed']);
      await client.data(SetFeedEnabledDocument, { id: createFeed.id, enabled: false });

      // The key is stored encrypted.
      const stored = await getApp().app.db.orm.em.fork().getConnection().execute<{ secret: string }[]>('select secret from feed where namespace_id = ? and id = ?', [namespaceId, createFeed.id]);
      expect(stored[0]!.secret).toMatch(/^v1:/);
      expect(stored[0]!.secret).not.toContain('PRIVATE KEY');
    }, 240_000);

    test('a host key that does not match the pinned one fails the run; other namespaces cannot see or run the feed', async () => {
      const { client } = await newNamespace(getApp().url);
      const name = `pinned-${randomBytes(3).toString('hex')}`;
      mkdirSync(join(inbox(), name), { recursive: true });
      const wrong = `SHA256:${Buffer.alloc(32, 7).toString('base64').replace(/=+$/, '')}`;
      const { createFeed } = await client.data(CreateFeedDocument, { input: feedInput(name, { hostKeySha256: wrong, cron: '0 0 1 1 *' }) });
      expect((await client.data(RunFeedNowDocument, { id: createFeed.id })).runFeedNow.state).toMatch(/queued|running/);
      const runs = await waitForRuns(client, createFeed.id, (r) => r.some((x) => x.status === 'FAILED'));
      expect(runs[0]!.error).toBe(`the SFTP server's host key is ${sftp.hostKeySha256}, not the pinned ${wrong}; refusing to connect`);

      const other = await newNamespace(getApp().url);
      expect((await other.client.request(FeedDocument, { id: createFeed.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect((await other.client.request(RunFeedNowDocument, { id: createFeed.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect((await other.client.request(SetFeedEnabledDocument, { id: createFeed.id, enabled: false })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }, 120_000);
  }, { feedSecretKey: randomBytes(32), imports: { dir: importDir, maxBytes: 1024 * 1024, batchRows: 100 } });
});

describeEachApp('feeds without FEED_SECRET_KEY', (getApp) => {
  test('a feed is refused, since its credentials could not be stored encrypted', async () => {
    const { client } = await newNamespace(getApp().url);
    const refused = await client.request(CreateFeedDocument, { input: { name: 'x', kind: 'customers', host: 'h', username: 'u', password: 'p', cron: '0 * * * *' } });
    expect(refused.errors?.[0]?.message).toBe('input: this server has no FEED_SECRET_KEY, so it cannot store the SFTP password or key encrypted; set FEED_SECRET_KEY (32 bytes as 64 hex digits or base64) and restart it');
  });
});
