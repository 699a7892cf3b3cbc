import 'reflect-metadata';
import { CommanderError } from 'commander';
import { buildProgram } from './cli/program';
import { CliError } from './cli/database-access';
import { ConfigError, loadConfig } from './config';
import { MissingDatabaseError } from './db/database';

/**
 * The process entry point, and the only place that reads `process.env` and `process.argv`.
 * `node dist/src/main.js --help` lists the commands (serve, migrate, print-schema, create-namespace,
 * create-key, list-keys, revoke-key, import, export); `src/cli/program.ts` defines them.
 */
async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram({
    config: () => loadConfig(process.env),
    out: (text) => console.log(text),
    err: (text) => console.error(text),
  });
  await program.parseAsync(argv.length ? [...argv] : ['serve'], { from: 'user' });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof ConfigError || error instanceof CliError || error instanceof MissingDatabaseError) console.error(error.message);
  else console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
