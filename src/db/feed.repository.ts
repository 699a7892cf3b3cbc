import type { Sql } from './sql';

export interface FeedRecord {
  readonly id: number;
  readonly name: string;
  readonly kind: string;
  readonly mapping: Readonly<Record<string, string | null>>;
  readonly delimiter: string;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly authMethod: 'PASSWORD' | 'PRIVATE_KEY';
  /** Encrypted (feed-secrets.ts); never leaves the service. */
  readonly secret: string;
  readonly remoteDir: string;
  readonly hostKeySha256: string | null;
  readonly pattern: string;
  readonly cron: string;
  readonly timezone: string;
  readonly enabled: boolean;
  readonly createdBy: string | null;
  readonly createdAt: Date;
}

export interface FeedRunRecord {
  readonly id: number;
  readonly feedId: number;
  readonly jobId: number | null;
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  readonly filesSeen: number;
  readonly filesImported: number;
  readonly filesSkipped: number;
  readonly filesFailed: number;
  readonly error: string | null;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
}

export type FeedFileOutcome = 'IMPORTED' | 'REJECTED_ROWS' | 'FAILED' | 'SKIPPED';

export interface FeedFileRecord {
  readonly runId: number;
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
  readonly outcome: FeedFileOutcome;
  readonly importId: number | null;
  readonly error: string | null;
}

export type NewFeed = Omit<FeedRecord, 'id' | 'createdAt'>;

const FEED_COLUMNS = `id, name, kind, mapping, delimiter, host, port, username, auth_method, secret, remote_dir, host_key_sha256,
  pattern, cron, timezone, enabled, created_by, created_at`;
const RUN_COLUMNS = 'id, feed_id, job_id, status, files_seen, files_imported, files_skipped, files_failed, error, started_at, finished_at';

function toFeed(r: Record<string, unknown>): FeedRecord {
  return {
    id: Number(r.id), name: r.name as string, kind: r.kind as string, mapping: (r.mapping ?? {}) as Record<string, string | null>, delimiter: r.delimiter as string,
    host: r.host as string, port: Number(r.port), username: r.username as string, authMethod: r.auth_method as FeedRecord['authMethod'], secret: r.secret as string,
    remoteDir: r.remote_dir as string, hostKeySha256: (r.host_key_sha256 as string | null) ?? null, pattern: r.pattern as string, cron: r.cron as string,
    timezone: r.timezone as string, enabled: Boolean(r.enabled), createdBy: (r.created_by as string | null) ?? null, createdAt: r.created_at as Date,
  };
}

function toRun(r: Record<string, unknown>): FeedRunRecord {
  return {
    id: Number(r.id), feedId: Number(r.feed_id), jobId: r.job_id === null ? null : Number(r.job_id), status: r.status as FeedRunRecord['status'],
    filesSeen: Number(r.files_seen), filesImported: Number(r.files_imported), filesSkipped: Number(r.files_skipped), filesFailed: Number(r.files_failed),
    error: (r.error as string | null) ?? null, startedAt: r.started_at as Date, finishedAt: (r.finished_at as Date | null) ?? null,
  };
}

/** Feeds, their runs and the files they have seen, always within one namespace. */
export class FeedRepository {
  constructor(
    private readonly sql: Sql,
    private readonly namespaceId: string,
  ) {}

  async create(f: NewFeed): Promise<FeedRecord> {
    const row = await this.sql.one(
      `insert into feed (namespace_id, name, kind, mapping, delimiter, host, port, username, auth_method, secret, remote_dir, host_key_sha256,
         pattern, cron, timezone, enabled, created_by)
       values ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) returning ${FEED_COLUMNS}`,
      [this.namespaceId, f.name, f.kind, JSON.stringify(f.mapping), f.delimiter, f.host, f.port, f.username, f.authMethod, f.secret, f.remoteDir,
        f.hostKeySha256, f.pattern, f.cron, f.timezone, f.enabled, f.createdBy],
    );
    return toFeed(row!);
  }

  async get(id: number): Promise<FeedRecord | undefined> {
    const row = await this.sql.one(`select ${FEED_COLUMNS} from feed where namespace_id = $1 and id = $2`, [this.namespaceId, id]);
    return row ? toFeed(row) : undefined;
  }

  async list(): Promise<FeedRecord[]> {
    return (await this.sql.rows(`select ${FEED_COLUMNS} from feed where namespace_id = $1 order by name, id`, [this.namespaceId])).map(toFeed);
  }

  async setEnabled(id: number, enabled: boolean): Promise<void> {
    await this.sql.execute(`update feed set enabled = $3, updated_at = now() where namespace_id = $1 and id = $2`, [this.namespaceId, id, enabled]);
  }

  async delete(id: number): Promise<void> {
    await this.sql.execute(`delete from feed where namespace_id = $1 and id = $2`, [this.namespaceId, id]);
  }

  async startRun(feedId: number, jobId: number): Promise<FeedRunRecord> {
    const row = await this.sql.one(`insert into feed_run (namespace_id, feed_id, job_id) values ($1, $2, $3) returning ${RUN_COLUMNS}`, [this.namespaceId, feedId, jobId]);
    return toRun(row!);
  }

  /** The run of a job that is still open (a resumed job continues it). */
  async openRunOfJob(jobId: number): Promise<FeedRunRecord | undefined> {
    const row = await this.sql.one(`select ${RUN_COLUMNS} from feed_run where namespace_id = $1 and job_id = $2 order by id desc limit 1`, [this.namespaceId, jobId]);
    return row ? toRun(row) : undefined;
  }

  async finishRun(jobId: number, status: FeedRunRecord['status'], error: string | null): Promise<void> {
    await this.sql.execute(
      `update feed_run r set status = $3, error = coalesce($4, r.error), finished_at = now(),
         files_seen = (select count(*) from feed_file f where f.namespace_id = $1 and f.run_id = r.id),
         files_imported = (select count(*) from feed_file f where f.namespace_id = $1 and f.run_id = r.id and f.outcome in ('IMPORTED', 'REJECTED_ROWS')),
         files_skipped = (select count(*) from feed_file f where f.namespace_id = $1 and f.run_id = r.id and f.outcome = 'SKIPPED'),
         files_failed = (select count(*) from feed_file f where f.namespace_id = $1 and f.run_id = r.id and f.outcome in ('FAILED', 'REJECTED_ROWS'))
       where r.namespace_id = $1 and r.job_id = $2 and r.status = 'RUNNING'`,
      [this.namespaceId, jobId, status, error],
    );
  }

  async runs(feedId: number, limit: number): Promise<FeedRunRecord[]> {
    return (await this.sql.rows(`select ${RUN_COLUMNS} from feed_run where namespace_id = $1 and feed_id = $2 order by id desc limit $3`, [this.namespaceId, feedId, limit])).map(toRun);
  }

  async filesOfRuns(runIds: readonly number[]): Promise<FeedFileRecord[]> {
    if (runIds.length === 0) return [];
    const rows = await this.sql.rows<Record<string, unknown>>(
      `select run_id, name, size, sha256, outcome, import_id, error from feed_file where namespace_id = $1 and run_id = any($2::bigint[]) order by id`,
      [this.namespaceId, runIds],
    );
    return rows.map((r) => ({
      runId: Number(r.run_id), name: r.name as string, size: Number(r.size), sha256: r.sha256 as string, outcome: r.outcome as FeedFileOutcome,
      importId: r.import_id === null ? null : Number(r.import_id), error: (r.error as string | null) ?? null,
    }));
  }

  /** Whether this exact file (name, size, content) was already taken in by the feed. */
  async seen(feedId: number, name: string, size: number, sha256: string): Promise<boolean> {
    const row = await this.sql.one(
      `select 1 as seen from feed_file where namespace_id = $1 and feed_id = $2 and name = $3 and size = $4 and sha256 = $5 and outcome <> 'SKIPPED'`,
      [this.namespaceId, feedId, name, size, sha256],
    );
    return row !== undefined;
  }

  async recordFile(feedId: number, runId: number, file: Omit<FeedFileRecord, 'runId'>): Promise<void> {
    await this.sql.execute(
      `insert into feed_file (namespace_id, feed_id, run_id, name, size, sha256, outcome, import_id, error) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [this.namespaceId, feedId, runId, file.name, file.size, file.sha256, file.outcome, file.importId, file.error],
    );
  }
}
