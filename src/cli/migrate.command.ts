import { Database } from '../db/database';
import { accessFor, CliError, openForCommand } from './database-access';
import type { CliIo } from './program';

/**
 * `migrate`: applies pending migrations. While a server owns an embedded database it never
 * migrates under it: it asks the server what is applied, and says so when nothing is pending,
 * or refuses (a newer version's migrations must not change the schema under an older server).
 */
export async function migrateCommand(io: CliIo): Promise<void> {
  const config = io.config();
  const access = accessFor(config);
  if (access.kind === 'remote') {
    const reply = await access.client.call('status', {});
    if (!reply.ok) throw new CliError(`The running server did not report its migrations: ${reply.message}`);
    const applied = new Set((reply.result as { migrations: string[] }).migrations);
    const pending = Database.knownMigrations().filter((m) => !applied.has(m));
    const pid = access.client.endpoint.pid;
    if (!pending.length) return io.out(`The database is up to date (the running server, process ${pid}, has applied every migration).`);
    throw new CliError(
      `${pending.length} migration(s) are pending (${pending.join(', ')}), and the server (process ${pid}) owns the database. ` +
        `Migrations never run under a running server: stop it, then run "migrate" (or start the new version, which migrates on start unless AUTO_MIGRATE=false).`,
    );
  }
  const db = await openForCommand(config, 'migrate');
  try {
    const applied = await db.migrate();
    io.out(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
  } finally {
    await db.close();
  }
}
