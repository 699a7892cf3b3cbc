import type { AppConfig } from '../config';
import { Database } from '../db/database';
import { DataDirLock, DataDirLockedError } from '../db/data-dir-lock';
import type { AdminReply } from '../http/admin-server';
import { runAdminOperation, type AdminOperationName } from '../services/admin-operations';
import { AdminClient } from './admin-client';

/** A command failed in a way the user can act on: printed without a stack trace, exit code 1. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

/** How to do things while a server owns the directory; appended to every refusal. */
export function whileServing(dataDir: string): string {
  return (
    `While the server runs, use the admin commands as usual (create-key, create-namespace, list-keys, revoke-key): ` +
    `they are carried out by the running server through its admin socket. To run anything else on ${dataDir}, stop the server first.`
  );
}

export type Access = { readonly kind: 'remote'; readonly client: AdminClient } | { readonly kind: 'direct' };

/**
 * How a command reaches the database. On a PostgreSQL server, directly (any number of processes
 * may). On an embedded directory: through the running server when one owns it (its admin socket),
 * else directly, taking the directory's lock for the command's duration.
 */
export function accessFor(config: AppConfig): Access {
  if (config.database.kind !== 'pglite' || config.database.dataDir === 'memory://') return { kind: 'direct' };
  const { owner, state } = DataDirLock.inspect(config.database.dataDir);
  if (state === 'free' || state === 'stale' || !owner) return { kind: 'direct' };
  if (state === 'alive' && owner.adminSocket && owner.adminToken) {
    return { kind: 'remote', client: new AdminClient({ socket: owner.adminSocket, token: owner.adminToken, pid: owner.pid }) };
  }
  const hint = state === 'unknown-host' ? ` If that process is gone, delete ${config.database.dataDir}/audience-graph.lock.` : ' Wait for it to finish, or stop it.';
  throw new CliError(`${new DataDirLockedError(config.database.dataDir, owner).message}${hint}`);
}

/** Opens the database for a command of this process, with a clear refusal when another owns it. */
export async function openForCommand(config: AppConfig, command: string): Promise<Database> {
  try {
    return await Database.open(config.database, { statementTimeoutMs: config.statementTimeoutMs, command });
  } catch (error) {
    if (error instanceof DataDirLockedError) throw new CliError(`${error.message} ${whileServing(error.dataDir)}`);
    throw error;
  }
}

/** Runs an admin operation through the running server, or on a database this process opens. */
export async function runOperation(config: AppConfig, name: AdminOperationName, input: Record<string, unknown>): Promise<AdminReply & { via: string }> {
  const access = accessFor(config);
  if (access.kind === 'remote') {
    const reply = await access.client.call(name, input).catch((error: unknown) => {
      throw new CliError(`The server (process ${access.client.endpoint.pid}) owns the database, but its admin socket ${access.client.endpoint.socket} did not answer: ${(error as Error).message}`);
    });
    return { ...reply, via: `the running server (process ${access.client.endpoint.pid})` };
  }
  const db = await openForCommand(config, name);
  try {
    const applied = new Set(await db.appliedMigrations());
    const pending = Database.knownMigrations().filter((m) => !applied.has(m));
    if (pending.length && name !== 'status') throw new CliError(`The database has ${pending.length} pending migration(s) (${pending.join(', ')}): run "migrate" first (or start the server, which migrates).`);
    const reply = await runAdminOperation(name, { em: db.orm.em.fork(), appliedMigrations: () => db.appliedMigrations(), keyRevoked: () => undefined }, input);
    return { ...reply, via: 'this process' };
  } finally {
    await db.close();
  }
}
