import { Client } from 'pg';
import type { Sql } from '../db/sql';

/**
 * Session-level advisory locks, one per running job. A worker holds its job's lock for the whole
 * run, so the lock says "a live process is running this job": when the process dies, PostgreSQL
 * ends its session and the lock is gone, and another worker can tell the job is orphaned and resume
 * it, at once and without waiting for a lease to expire.
 *
 * On a PostgreSQL server the locks live on one dedicated connection per process (outside the
 * pool, so a pooled connection never carries a job's lock back into the pool). On the embedded
 * PGlite there is exactly one session, owned by this process, so the same statements run on it
 * through the ordinary runner: they always succeed, and only one process can have the database
 * open, so the worker's own list of running jobs is what tells orphans apart.
 */
export interface LockSession {
  /**
   * Takes the job's lock if no other session holds it. `via` is the transaction the caller is in:
   * on the embedded database it must carry the statement (its one connection is busy with it).
   */
  tryLock(jobId: number, via?: Sql): Promise<boolean>;
  unlock(jobId: number, via?: Sql): Promise<void>;
  /** False once the session's connection has failed: every lock it held is gone. */
  readonly healthy: boolean;
  close(): Promise<void>;
}

/** The advisory-lock class of job locks ('JOB'), so they never collide with other advisory locks. */
const LOCK_CLASS = 0x4a4f42;
const LOCK = 'pg_try_advisory_lock($1::int, $2::int)';
const UNLOCK = 'pg_advisory_unlock($1::int, $2::int)';

function lockKey(jobId: number): [number, number] {
  return [LOCK_CLASS, jobId % 2_147_483_647];
}

/** Locks on the embedded database's one session. */
export class EmbeddedLockSession implements LockSession {
  readonly healthy = true;
  constructor(private readonly sql: Sql) {}

  async tryLock(jobId: number, via?: Sql): Promise<boolean> {
    const row = await (via ?? this.sql).one<{ ok: boolean }>(`select ${LOCK} as ok`, lockKey(jobId));
    return row?.ok === true;
  }

  async unlock(jobId: number, via?: Sql): Promise<void> {
    await (via ?? this.sql).one(`select ${UNLOCK} as ok`, lockKey(jobId));
  }

  async close(): Promise<void> {}
}

/** Locks on a dedicated connection to a PostgreSQL server. */
export class ServerLockSession implements LockSession {
  private ok = true;
  private constructor(private readonly client: Client) {
    client.on('error', () => {
      this.ok = false;
    });
    client.on('end', () => {
      this.ok = false;
    });
  }

  static async connect(url: string): Promise<ServerLockSession> {
    const client = new Client({ connectionString: url, application_name: 'audience-graph-jobs' });
    await client.connect();
    return new ServerLockSession(client);
  }

  get healthy(): boolean {
    return this.ok;
  }

  async tryLock(jobId: number): Promise<boolean> {
    if (!this.ok) return false;
    const result = await this.client.query<{ ok: boolean }>(`select ${LOCK} as ok`, lockKey(jobId));
    return result.rows[0]?.ok === true;
  }

  async unlock(jobId: number): Promise<void> {
    if (!this.ok) return;
    await this.client.query(`select ${UNLOCK} as ok`, lockKey(jobId));
  }

  async close(): Promise<void> {
    this.ok = false;
    await this.client.end().catch(() => undefined);
  }

  /** For tests: drops the connection the way a dying process would, without unlocking anything. */
  destroyForTest(): void {
    this.ok = false;
    (this.client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
  }
}
