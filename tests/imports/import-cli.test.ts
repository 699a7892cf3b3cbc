import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ProfileByEmailDocument } from '../generated/graphql';
import { TEST_ADMIN_TOKEN } from '../support/app';
import { GraphQLClient } from '../support/client';
import { createScratchPgDatabase, TEST_TARGETS } from '../support/databases';
import { PROCESS_TIMEOUTS, startCli, startServer } from '../support/processes';

const FILE = 'Email;Surname;Tier\nana@example.com;Ito;gold\nnot-an-email;X;\nben@example.com;Berg;\n';

describe.each(TEST_TARGETS)('npm run import (the CLI), on $name', ({ name }) => {
  const dirs: string[] = [];
  let env: Record<string, string>;
  let drop: (() => Promise<void>) | undefined;
  let csv: string;

  beforeAll(async () => {
    const work = mkdtempSync(join(tmpdir(), 'ag-import-cli-'));
    dirs.push(work);
    csv = join(work, 'crm.csv');
    writeFileSync(csv, FILE);
    if (name === 'postgres') {
      const scratch = await createScratchPgDatabase();
      drop = scratch.drop;
      env = { DATABASE_URL: scratch.url };
    } else {
      env = { DATA_DIR: join(work, 'data') };
    }
    env = { ...env, ADMIN_TOKEN: TEST_ADMIN_TOKEN, SEED_DEMO: 'false', IMPORT_DIR: join(work, 'files') };
  });
  afterAll(async () => {
    await drop?.();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const cli = async (args: string[]) => {
    const run = startCli(args, env);
    const { code } = await run.exited(PROCESS_TIMEOUTS.command);
    return { code, output: run.output() };
  };

  test('runs the job through the running server (or directly), prints progress lines, exits 2 with the error file on rejections', async () => {
    const server = await startServer(env);
    const created = await cli(['create-namespace', 'brand', '--json']);
    expect(created.code).toBe(0);
    const key = (JSON.parse(created.output.slice(created.output.indexOf('{'))) as { key: { secret: string } }).key.secret;
    const client = new GraphQLClient(server.url, key);
    await client.data((await import('../generated/graphql')).DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING' } });
    if (name === 'postgres') await server.stop('SIGTERM'); // on a server database the CLI works directly

    const dry = await cli(['import', '--namespace', 'brand', '--kind', 'customers', '--delimiter', ';', '--mapping', '{"Surname": "last_name"}', '--dry-run', csv]);
    expect(dry.output).toMatch(/Import \d+ SUCCEEDED: 3 rows read, 2 would be created, 0 would be updated, 0 unchanged, 1 rejected\./);
    expect(dry.code).toBe(2);

    const run = await cli(['import', '--namespace', 'brand', '--kind', 'customers', '--delimiter', ';', '--mapping', '{"Surname": "last_name"}', csv]);
    expect(run.output).toMatch(/import \d+: SUCCEEDED 3 rows, 0\.0 MB of 0\.0 MB \(100%\)/);
    expect(run.output).toMatch(/Import \d+ SUCCEEDED: 3 rows read, 2 created, 0 updated, 0 unchanged, 1 rejected\./);
    expect(run.output).toContain(`1 rows were rejected; they are in ${csv}.errors.csv (the original row plus an error column).`);
    expect(run.code).toBe(2);
    expect(existsSync(`${csv}.errors.csv`)).toBe(true);
    expect(readFileSync(`${csv}.errors.csv`, 'utf8')).toBe(
      'Email,Surname,Tier,error\nnot-an-email,X,,"Email: ""not-an-email"" is not a valid email address: it has no ""@""; send an address such as ana@example.com"\n',
    );
    if (name === 'pglite') expect(run.output).toMatch(/The running server \(process \d+\) owns the database; it runs the import\./);

    const failed = await cli(['import', '--namespace', 'brand', '--kind', 'purchases', csv]);
    expect(failed.code).toBe(1);
    expect(failed.output).toContain('The import failed: the file has no column for one of email, phone;');

    const check = name === 'postgres' ? await startServer(env) : server;
    const ana = (await new GraphQLClient(check.url, key).request(ProfileByEmailDocument, { email: 'ana@example.com' })).data!.profileByEmail!;
    expect({ last: ana.lastName, custom: ana.custom }).toEqual({ last: 'Ito', custom: { tier: 'gold' } });
    await check.stop('SIGTERM');
  }, PROCESS_TIMEOUTS.start * 2 + PROCESS_TIMEOUTS.command * 4 + PROCESS_TIMEOUTS.stop * 2);

  test('a failed import prints why: the reason of the import, and the reason of each failed attempt of the job this process ran; exit code 1', async () => {
    const created = await cli(['create-namespace', 'failing']);
    expect(created.code).toBe(0);
    const work = mkdtempSync(join(tmpdir(), 'ag-import-cli-failing-'));
    dirs.push(work);
    const header = join(work, 'nul-header.csv');
    writeFileSync(header, 'email,na\u0000me\nana@example.com,x\n');
    const unreadable = await cli(['import', '--namespace', 'failing', '--kind', 'customers', header]);
    expect(unreadable.code).toBe(1);
    expect(unreadable.output).toMatch(/Import \d+ FAILED: 0 rows read, 0 created, 0 updated, 0 unchanged, 0 rejected\./);
    expect(unreadable.output).toContain('The import failed: the header cannot be read: column 2 of the header contains a NUL character (U+0000) at position 2, which cannot be stored; remove it');
    expect(unreadable.output).not.toContain('Reasons of the failed attempts');
    if (name !== 'postgres') return;

    // An internal error (here the database refuses every profile row) is retried; its reason is only
    // in the log of the process running the job, which is this one.
    const db = new Client({ connectionString: env.DATABASE_URL });
    await db.connect();
    try {
      await db.query(`create function refuse_profiles() returns trigger language plpgsql as $$ begin raise exception 'profiles are refused by the test'; end $$`);
      await db.query('create trigger refuse_profiles before insert on profile for each statement execute function refuse_profiles()');
      const good = join(work, 'good.csv');
      writeFileSync(good, 'email\nana@example.com\n');
      const run = startCli(['import', '--namespace', 'failing', '--kind', 'customers', good], { ...env, JOB_RETRY_DELAY_MS: '1' });
      const { code } = await run.exited(PROCESS_TIMEOUTS.command);
      const output = run.output();
      expect(code).toBe(1);
      expect(output).toMatch(/Import \d+ FAILED: 0 rows read/);
      expect(output).toContain('The import failed: internal error on attempt 5 of 5; the detail is in the server log');
      const reasons = output.slice(output.indexOf('Reasons of the failed attempts (this process ran the job):')).split('\n').slice(1, 6);
      expect(reasons.map((r) => r.replace(/job \d+/, 'job N'))).toEqual([1, 2, 3, 4, 5].map((n) => `  job N (import) failed on attempt ${n} of 5: profiles are refused by the test`));
    } finally {
      await db.query('drop trigger if exists refuse_profiles on profile');
      await db.query('drop function if exists refuse_profiles()');
      await db.end();
    }
  }, PROCESS_TIMEOUTS.command * 3);
});
