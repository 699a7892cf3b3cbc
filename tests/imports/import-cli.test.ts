import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
