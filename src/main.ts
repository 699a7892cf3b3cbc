import 'reflect-metadata';
import { consoleLogger, createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { Database } from './db/database';
import { printAppSchema } from './graphql/schema';
import { ApiKeyService } from './services/api-key.service';
import { NamespaceService } from './services/namespace.service';
import { ROLES, type Role } from './domain/permissions';

/**
 * The process entry point, and the only place that reads `process.env` and `process.argv`.
 *
 *   node dist/src/main.js serve          start the API (default)
 *   node dist/src/main.js migrate        apply pending migrations and exit
 *   node dist/src/main.js print-schema   print the GraphQL SDL
 *   node dist/src/main.js create-key <namespace-slug> [role] [name]   issue an API key
 */
async function main(argv: readonly string[]): Promise<void> {
  const [command = 'serve', ...args] = argv;
  if (command === 'print-schema') {
    process.stdout.write(await printAppSchema());
    return;
  }
  const config = loadConfig(process.env);
  if (command === 'migrate') {
    const db = await Database.open(config.database, { statementTimeoutMs: config.statementTimeoutMs });
    try {
      const applied = await db.migrate();
      consoleLogger.info(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
    } finally {
      await db.close();
    }
    return;
  }
  if (command === 'create-key') {
    const [slug, role = 'CLIENT_ADMIN', name = 'cli key'] = args;
    if (!slug || !(ROLES as readonly string[]).includes(role)) throw new Error(`usage: create-key <namespace-slug> [${ROLES.join('|')}] [name]`);
    const db = await Database.open(config.database);
    try {
      const em = db.orm.em.fork();
      const namespace = await new NamespaceService(em).bySlug(slug);
      if (!namespace) throw new Error(`no namespace with slug "${slug}"`);
      const key = await new ApiKeyService(em).issue(namespace.id, name, role as Role, 'cli');
      consoleLogger.info(`${role} key for ${slug}: ${key.secret}`);
    } finally {
      await db.close();
    }
    return;
  }
  if (command !== 'serve') throw new Error(`unknown command "${command}"; use serve, migrate, print-schema or create-key`);

  const app = await createApp(config);
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

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
