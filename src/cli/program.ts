import { Command, Option } from 'commander';
import type { AppConfig } from '../config';
import { ROLES } from '../domain/permissions';
import { printAppSchema } from '../graphql/schema';
import type { KeySummary } from '../services/admin-operations';
import { CliError, runOperation } from './database-access';
import { exportCommand } from './export.command';
import { importCommand } from './import.command';
import { migrateCommand } from './migrate.command';
import { serveCommand } from './serve.command';

/** What a command may use: the configuration (read lazily: print-schema needs none) and the output. */
export interface CliIo {
  config(): AppConfig;
  out(text: string): void;
  err(text: string): void;
}

function keyLine(k: KeySummary): string {
  return `${k.id}  ${k.prefix}…  ${k.role.padEnd(12)}  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}  ${JSON.stringify(k.name)}  created ${k.createdAt}${k.createdBy ? ` by ${k.createdBy}` : ''}`;
}

/** Runs an admin operation and prints its result, as JSON with --json, else with `human`. */
async function admin(io: CliIo, name: Parameters<typeof runOperation>[1], input: Record<string, unknown>, json: boolean, human: (result: never) => string): Promise<void> {
  const reply = await runOperation(io.config(), name, input);
  if (!reply.ok) throw new CliError(`${name} failed (${reply.code}): ${reply.message}`);
  io.out(json ? JSON.stringify(reply.result, null, 2) : human(reply.result as never));
}

/**
 * The command line: `serve` (the default), `migrate`, `print-schema` and the admin commands. Every
 * admin command works whether or not a server owns an embedded database: with one running, the
 * server carries it out (see `database-access.ts`). Other modules add commands with
 * `program.command(…)` on the returned program; `runOperation` and `accessFor` give them the same
 * "through the running server, else directly" behaviour.
 *
 * @example await buildProgram(io).parseAsync(['node', 'main', 'create-key', 'demo', '--role', 'VIEWER'])
 */
export function buildProgram(io: CliIo): Command {
  const program = new Command('audience-graph')
    .description('GraphQL service for customer profiles and audience segmentation. Configuration comes from environment variables (see README).')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) })
    .exitOverride();
  const json = new Option('--json', 'print the result as JSON');

  program.command('serve').description('start the API (the default command; migrates first unless AUTO_MIGRATE=false)').action(() => serveCommand(io));
  program.command('migrate').description('apply pending migrations and exit').action(() => migrateCommand(io));
  program
    .command('print-schema')
    .description('print the GraphQL SDL')
    .action(async () => io.out((await printAppSchema()).replace(/\n$/, '')));

  program
    .command('create-namespace')
    .description('create a namespace (brand) and its first CLIENT_ADMIN key')
    .argument('<slug>', 'lower-case letters, digits and hyphens, starting with a letter')
    .option('--name <name>', 'display name (default: the slug)')
    .option('--region <code>', 'default phone region, ISO 3166 (default US)')
    .addOption(json)
    .action((slug: string, o: { name?: string; region?: string; json?: boolean }) =>
      admin(io, 'create-namespace', { slug, name: o.name ?? slug, region: o.region }, !!o.json, (r: { slug: string; id: string; key: { secret: string } }) => `Created namespace ${r.slug} (${r.id}). Its CLIENT_ADMIN key (shown once; store it):\n\n    ${r.key.secret}\n`),
    );
  program
    .command('create-key')
    .description('issue an API key for a namespace (the secret is shown once)')
    .argument('<namespace>', 'namespace slug')
    .argument('[role]', `one of ${ROLES.join(', ')}`)
    .argument('[name]', 'what the key is for')
    .addOption(new Option('--role <role>', 'the key role').choices(ROLES))
    .option('--name <name>', 'what the key is for')
    .addOption(json)
    .action((namespace: string, roleArg: string | undefined, nameArg: string | undefined, o: { role?: string; name?: string; json?: boolean }) =>
      admin(io, 'create-key', { namespace, role: o.role ?? roleArg ?? 'CLIENT_ADMIN', name: o.name ?? nameArg ?? 'cli key' }, !!o.json, (r: KeySummary & { secret: string }) => `${r.role} key for ${namespace}: ${r.secret}`),
    );
  program
    .command('list-keys')
    .description('list the API keys of a namespace (never their secrets)')
    .argument('<namespace>', 'namespace slug')
    .addOption(json)
    .action((namespace: string, o: { json?: boolean }) =>
      admin(io, 'list-keys', { namespace }, !!o.json, (r: { keys: KeySummary[] }) => (r.keys.length ? r.keys.map(keyLine).join('\n') : `Namespace ${namespace} has no keys.`)),
    );
  program
    .command('revoke-key')
    .description('revoke an API key at once')
    .argument('<namespace>', 'namespace slug')
    .argument('<key>', 'the key ID, or its prefix as list-keys shows it (agk_…)')
    .addOption(json)
    .action((namespace: string, key: string, o: { json?: boolean }) =>
      admin(io, 'revoke-key', { namespace, key: key.replace(/…$/, '') }, !!o.json, (r: KeySummary) => `Revoked ${r.prefix}… (${r.id}, ${r.role}) of ${namespace}.`),
    );
  program
    .command('import')
    .description('import a CSV file into a namespace (the same job as the API); exits 2 when rows were rejected, 1 when the import failed')
    .argument('<file>', 'the CSV file')
    .requiredOption('--namespace <slug>', 'namespace slug')
    .requiredOption('--kind <kind>', 'customers, email_list, purchases, email_optins, unsubscribes or forget')
    .option('--mapping <json|file>', 'header → field as JSON (or a file holding it), e.g. \'{"Surname":"last_name","Tier":"custom.tier"}\'')
    .option('--delimiter <char>', 'field delimiter: , ; | or tab')
    .option('--dry-run', 'check the whole file and report what would happen, writing nothing')
    .action(async (file: string, o: { namespace: string; kind: string; mapping?: string; delimiter?: string; dryRun?: boolean }) => {
      const delimiter = o.delimiter === 'tab' || o.delimiter === '\\t' ? '\t' : o.delimiter;
      process.exitCode = await importCommand(io, file, { ...o, delimiter, tty: Boolean(process.stdout.isTTY) });
    });
  program
    .command('export')
    .description('write a saved segment\'s members to stdout (or --output) as CSV or JSON Lines; a progress bar on stderr when it is a terminal; exits 1 on any failure')
    .requiredOption('--namespace <slug>', 'namespace slug')
    .requiredOption('--segment <id>', 'the saved segment (seg_…)')
    .option('--format <format>', 'csv or jsonl', 'csv')
    .option('--as-of <instant>', 'evaluate at this instant (ISO 8601, e.g. 2026-11-28T00:00:00Z); default now')
    .option('--columns <names>', 'comma-separated columns, e.g. email,first_name,custom.tier; default all exportable columns')
    .option('--formulas <mode>', 'CSV: ESCAPE (default) or KEEP')
    .option('--output <file>', 'write to this file (complete, or not at all) instead of stdout')
    .action(async (o: { namespace: string; segment: string; format: string; asOf?: string; columns?: string; formulas?: string; output?: string }) => {
      process.exitCode = await exportCommand(io, { ...o, progress: Boolean(process.stderr.isTTY) }, process.stdout);
    });
  return program;
}
