import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSegmentDocument, DefineCustomFieldDocument, UpsertProfilesDocument } from '../generated/graphql';
import { TEST_ADMIN_TOKEN } from '../support/app';
import { GraphQLClient } from '../support/client';
import { createScratchPgDatabase, TEST_TARGETS } from '../support/databases';
import { download } from '../support/download';
import { PROCESS_TIMEOUTS, startCli, startServer } from '../support/processes';

const AS_OF = '2026-11-28T12:00:00.000Z';

describe.each(TEST_TARGETS)('npm run export (the CLI), on $name', ({ name }) => {
  const dirs: string[] = [];
  let env: Record<string, string>;
  let work: string;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'ag-export-cli-'));
    dirs.push(work);
    if (name === 'postgres') {
      const scratch = await createScratchPgDatabase();
      drop = scratch.drop;
      env = { DATABASE_URL: scratch.url };
    } else {
      env = { DATA_DIR: join(work, 'data') };
    }
    env = { ...env, ADMIN_TOKEN: TEST_ADMIN_TOKEN, SEED_DEMO: 'false', EXPORT_DIR: join(work, 'exports') };
  });
  afterAll(async () => {
    await drop?.();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the real CLI; stdout and stderr apart (stdout must hold the data and nothing else). */
  const cli = async (args: string[]) => {
    const run = startCli(args, env);
    const out: Buffer[] = [];
    let err = '';
    run.child.stdout!.on('data', (d: Buffer) => out.push(d));
    run.child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const { code } = await run.exited(PROCESS_TIMEOUTS.command);
    return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: err };
  };

  test('stdout holds exactly the export the API streams; the summary and errors go to stderr; exit codes say whether it is complete', async () => {
    const server = await startServer(env);
    const created = await cli(['create-namespace', 'brand', '--json']);
    expect(created.code).toBe(0);
    const key = (JSON.parse(created.stdout.slice(created.stdout.indexOf('{'))) as { key: { secret: string } }).key.secret;
    const client = new GraphQLClient(server.url, key);
    await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING' } });
    await client.data(UpsertProfilesDocument, {
      inputs: [
        { email: 'ana@example.com', firstName: 'Ana "the boss", Jr.', custom: { tier: 'gold' } },
        { email: 'ben@example.com', firstName: 'Zoë 李小龙 🎉', custom: { tier: 'gold' } },
        { email: 'cy@example.com', firstName: '=cmd|\' /C calc\'!A0', custom: { tier: 'gold' } },
        { email: 'dee@example.com', firstName: 'Dee', custom: { tier: 'silver' } },
      ],
    });
    const segment = (await client.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } })).createSegment.id;
    const base = server.url.replace(/\/graphql$/, '');
    const streamed = await download(base, `/exports/segments/${segment}.csv?asOf=${AS_OF}`, { key });
    const expectedCsv = streamed.text;
    const rows = streamed.trailers['x-export-rows'];
    expect(rows).toBe('3');
    const expectedJsonl = (await download(base, `/exports/segments/${segment}.jsonl?asOf=${AS_OF}&columns=email,first_name`, { key })).text;
    expect(expectedCsv.split('\n')[0]).toContain('profile_id,email');

    const args = ['export', '--namespace', 'brand', '--segment', segment, '--as-of', AS_OF];
    // While the server runs: on PGlite it owns the data directory and writes the export; on PostgreSQL the CLI reads directly.
    const live = await cli([...args, '--format', 'csv']);
    expect(live.code).toBe(0);
    expect(live.stdout).toBe(expectedCsv);
    if (name === 'pglite') expect(live.stderr).toMatch(/The running server \(process \d+\) owns the database; it writes the export\./);
    expect(live.stderr).toMatch(new RegExp(`Exported 3 rows \\(0\\.0 MB\\) of ${segment} at ${AS_OF.replace(/\./g, '\\.')} in \\d+\\.\\d s\\.`));
    // stderr is not a terminal here: no progress bar.
    expect(live.stderr).not.toMatch(/[█░]|ETA/);
    await server.stop('SIGTERM');

    // No server: the CLI opens the database itself.
    const direct = await cli([...args, '--format', 'csv']);
    expect(direct.code).toBe(0);
    expect(direct.stdout).toBe(expectedCsv);
    const jsonl = await cli([...args, '--format', 'jsonl', '--columns', 'email,first_name']);
    expect(jsonl.code).toBe(0);
    expect(jsonl.stdout).toBe(expectedJsonl);
    const file = join(work, 'gold.csv');
    const toFile = await cli([...args, '--output', file]);
    expect(toFile.code).toBe(0);
    expect(toFile.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(expectedCsv);

    // Clear errors, exit code 1, nothing on stdout, no file left behind.
    const failures: [string[], string][] = [
      [['export', '--namespace', 'nope', '--segment', segment], 'The export failed (NOT_FOUND): Namespace "nope" was not found in this namespace.'],
      [['export', '--namespace', 'brand', '--segment', 'seg_0123456789abcdef'], 'The export failed (NOT_FOUND): Segment "seg_0123456789abcdef" was not found in this namespace.'],
      [[...args, '--columns', 'email,email_status'], 'The export failed (BAD_USER_INPUT): columns[1]: "email_status" is a dimension: it can be used to build segments, but dimensions are never exported'],
      [[...args, '--format', 'xml'], 'The export failed (BAD_USER_INPUT): format: must be csv or jsonl (got "xml")'],
      [[...args, '--as-of', 'yesterday'], 'The export failed (BAD_USER_INPUT): asOf: must be an ISO 8601 date (2026-11-28) or instant with offset (2026-11-28T00:00:00Z), got "yesterday"'],
      [['export', '--namespace', 'brand'], "error: required option '--segment <id>' not specified"],
    ];
    for (const [failing, message] of failures) {
      const failed = await cli([...failing, '--output', join(work, 'failed.csv')]);
      expect({ code: failed.code, stdout: failed.stdout, stderr: failed.stderr.trim().split('\n')[0] }).toEqual({ code: 1, stdout: '', stderr: message });
    }
    expect(readdirSync(work).filter((f) => f.startsWith('failed.csv'))).toEqual([]);
    expect(existsSync(file)).toBe(true);
  }, PROCESS_TIMEOUTS.start + PROCESS_TIMEOUTS.stop + PROCESS_TIMEOUTS.command * 11);
});
