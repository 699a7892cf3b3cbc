import { createApp } from '../app';
import { createLogger } from '../observability/logger';
import { DataDirLockedError } from '../db/data-dir-lock';
import { CliError, whileServing } from './database-access';
import type { CliIo } from './program';

/** `serve`: starts the API and keeps running until SIGINT or SIGTERM. */
export async function serveCommand(io: CliIo): Promise<void> {
  const config = io.config();
  const consoleLogger = createLogger({ level: config.logLevel, pretty: config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY === true) });
  const app = await createApp(config, consoleLogger).catch((error: unknown) => {
    if (error instanceof DataDirLockedError) {
      throw new CliError(`Cannot serve: ${error.message} Stop that process first, or set DATA_DIR to another directory. ${whileServing(error.dataDir)}`);
    }
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new CliError(`Cannot serve: ${config.host}:${config.port} is already in use by another program; set PORT to a free port (0 picks one).`);
    throw error;
  });
  if (app.demoKey) {
    // For the person at the terminal, once: on stdout, not in the log (logs never carry keys).
    io.out(`\nA demo namespace was created. Its CLIENT_ADMIN API key (shown once; store it):\n\n    ${app.demoKey}\n\nPaste it into GraphiQL's "API key" field, or send "Authorization: Bearer <key>".\n`);
  }
  consoleLogger.info(`Database: ${config.database.kind === 'pglite' ? `embedded PGlite in ${config.database.dataDir}` : 'PostgreSQL server (DATABASE_URL)'}`);
  consoleLogger.info(`audience-graph is listening: GraphQL at ${app.url}/graphql, GraphiQL at ${app.url}/graphiql`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      consoleLogger.info(`${signal} again: exiting at once`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    stopping = true;
    consoleLogger.info(`${signal}: shutting down (requests in flight may finish for up to ${config.shutdownGraceMs} ms; send the signal again to exit at once)`);
    app.close(config.shutdownGraceMs).then(
      () => {
        consoleLogger.info('stopped cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        consoleLogger.error('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
