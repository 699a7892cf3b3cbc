import { consoleLogger, createApp } from '../app';
import { DataDirLockedError } from '../db/data-dir-lock';
import { CliError, whileServing } from './database-access';
import type { CliIo } from './program';

/** `serve`: starts the API and keeps running until SIGINT or SIGTERM. */
export async function serveCommand(io: CliIo): Promise<void> {
  const config = io.config();
  const app = await createApp(config).catch((error: unknown) => {
    if (error instanceof DataDirLockedError) {
      throw new CliError(`Cannot serve: ${error.message} Stop that process first, or set DATA_DIR to another directory. ${whileServing(error.dataDir)}`);
    }
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new CliError(`Cannot serve: ${config.host}:${config.port} is already in use by another program; set PORT to a free port (0 picks one).`);
    throw error;
  });
  if (app.demoKey) {
    consoleLogger.info(`\nA demo namespace was created. Its CLIENT_ADMIN API key (shown once; store it):\n\n    ${app.demoKey}\n\nPaste it into GraphiQL's "API key" field, or send "Authorization: Bearer <key>".\n`);
  }
  consoleLogger.info(`Database: ${config.database.kind === 'pglite' ? `embedded PGlite in ${config.database.dataDir}` : 'PostgreSQL server (DATABASE_URL)'}`);
  consoleLogger.info(`audience-graph is listening: GraphQL at ${app.url}/graphql, GraphiQL at ${app.url}/graphiql`);
  const stop = async (signal: string) => {
    consoleLogger.info(`${signal}: shutting down`);
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
