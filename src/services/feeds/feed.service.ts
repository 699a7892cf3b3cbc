import { FeedRepository, type FeedFileRecord, type FeedRecord, type FeedRunRecord } from '../../db/feed.repository';
import { AppError } from '../../domain/errors';
import { mappingProblems, type ImportMapping } from '../../domain/import-mapping';
import { textInputProblems } from '../../domain/storable-text';
import { cronProblem, type JobQueue, type JobRecord, type JobSchedules } from '../../jobs';
import type { CustomFieldService } from '../custom-field.service';
import { importKind, importKindNames } from '../imports/import-kinds';
import { inTransaction, requirePermission, type Scope } from '../scope';
import { encryptSecret } from './feed-secrets';

export const FEED_JOB_KIND = 'feed-run';

export interface FeedInput {
  readonly name: string;
  readonly kind: string;
  readonly mapping?: ImportMapping | null;
  readonly delimiter?: string | null;
  readonly host: string;
  readonly port?: number | null;
  readonly username: string;
  readonly password?: string | null;
  readonly privateKey?: string | null;
  readonly remoteDir?: string | null;
  readonly hostKeySha256?: string | null;
  readonly pattern?: string | null;
  readonly cron: string;
  readonly timezone?: string | null;
  readonly enabled?: boolean | null;
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** The singleton key and schedule name of a feed: one run at a time, in every process. */
export function feedKey(id: number): string {
  return `feed:${id}`;
}

/**
 * Managed feeds: a saved SFTP source that the job runner polls on a cron schedule (one run at a
 * time per feed, across processes: the schedule's name is the run's singleton key). The password
 * or private key is encrypted with FEED_SECRET_KEY before it is stored, and never returned.
 */
export class FeedService {
  constructor(
    private readonly scope: Scope,
    private readonly customFields: CustomFieldService,
    private readonly jobs: JobQueue,
    private readonly schedules: JobSchedules,
    private readonly secretKey: Buffer | null,
  ) {}

  private repository(sql = this.scope.sql): FeedRepository {
    return new FeedRepository(sql, this.scope.tenant.id);
  }

  async create(input: FeedInput): Promise<FeedRecord> {
    requirePermission(this.scope, 'imports:run', 'set up feeds');
    if (!this.secretKey) {
      throw AppError.invalid(['input'], 'this server has no FEED_SECRET_KEY, so it cannot store the SFTP password or key encrypted; set FEED_SECRET_KEY (32 bytes as 64 hex digits or base64) and restart it');
    }
    const unstorable = textInputProblems([
      [['input', 'name'], input.name], [['input', 'host'], input.host], [['input', 'username'], input.username], [['input', 'password'], input.password],
      [['input', 'privateKey'], input.privateKey], [['input', 'remoteDir'], input.remoteDir], [['input', 'pattern'], input.pattern], [['input', 'cron'], input.cron],
    ]);
    if (unstorable.length) throw AppError.invalidMany(unstorable);
    const problems: { path: string[]; message: string }[] = [];
    const problem = (path: string, message: string) => problems.push({ path: ['input', path], message });
    const name = input.name.trim();
    if (!name || name.length > 100) problem('name', 'must be 1 to 100 characters');
    const kind = importKind(input.kind);
    if (!kind) problem('kind', `${JSON.stringify(input.kind)} is not a kind of import; use one of ${importKindNames().join(', ')}`);
    else if (kind.permission) problem('kind', `${kind.name} imports cannot run as a feed (they need ${kind.permission}); upload each file with createImport`);
    const mapping = input.mapping ?? {};
    if (kind) for (const m of mappingProblems(mapping, kind.columns, new Set((await this.customFields.types()).keys()))) problem('mapping', m);
    const delimiter = input.delimiter ?? ',';
    if (![',', ';', '\t', '|'].includes(delimiter)) problem('delimiter', 'use one of ",", ";", "\\t", "|"');
    if (!input.host.trim() || /\s/.test(input.host.trim())) problem('host', 'must be a host name or address');
    const port = input.port ?? 22;
    if (!Number.isInteger(port) || port < 1 || port > 65535) problem('port', 'must be from 1 to 65535');
    if (!input.username.trim()) problem('username', 'is required');
    const secrets = [input.password, input.privateKey].filter((s) => s !== undefined && s !== null && s !== '');
    if (secrets.length !== 1) problem('password', 'give exactly one of password or privateKey');
    const hostKey = input.hostKeySha256?.trim() || null;
    if (hostKey !== null && !FINGERPRINT.test(hostKey)) problem('hostKeySha256', 'must be an OpenSSH SHA256 fingerprint, as `ssh-keygen -lf key.pub` prints it: SHA256:<43 base64 characters>');
    const pattern = input.pattern?.trim() || '*.csv';
    if (pattern.includes('/')) problem('pattern', 'matches file names in remoteDir; it cannot contain "/"');
    const timezone = input.timezone ?? 'UTC';
    const cron = cronProblem(input.cron, timezone);
    if (cron) problem('cron', cron);
    if (problems.length) throw AppError.invalidMany(problems);

    const remoteDir = (input.remoteDir?.trim() || '.').replace(/\/+$/, '') || '/';
    return inTransaction(this.scope, async (tx) => {
      if ((await this.repository(tx).list()).some((f) => f.name === name)) throw AppError.conflict(`A feed named ${JSON.stringify(name)} already exists.`);
      const feed = await this.repository(tx).create({
        name, kind: kind!.name, mapping, delimiter, host: input.host.trim(), port, username: input.username.trim(),
        authMethod: input.password ? 'PASSWORD' : 'PRIVATE_KEY', secret: encryptSecret(this.secretKey!, (input.password || input.privateKey)!),
        remoteDir, hostKeySha256: hostKey, pattern, cron: input.cron, timezone, enabled: input.enabled ?? true, createdBy: this.scope.actor,
      });
      await this.schedule(tx, feed);
      return feed;
    });
  }

  private async schedule(tx: Scope['sql'], feed: FeedRecord): Promise<void> {
    await this.schedules.upsert(tx, { name: feedKey(feed.id), namespaceId: this.scope.tenant.id, kind: FEED_JOB_KIND, payload: { feedId: feed.id }, cron: feed.cron, timezone: feed.timezone, enabled: feed.enabled, maxAttempts: 3 });
  }

  async get(id: number): Promise<FeedRecord> {
    requirePermission(this.scope, 'read', 'read feeds');
    const feed = await this.repository().get(id);
    if (!feed) throw AppError.notFound('Feed', String(id));
    return feed;
  }

  async list(): Promise<FeedRecord[]> {
    requirePermission(this.scope, 'read', 'read feeds');
    return this.repository().list();
  }

  async setEnabled(id: number, enabled: boolean): Promise<FeedRecord> {
    requirePermission(this.scope, 'imports:run', 'change feeds');
    await this.get(id);
    return inTransaction(this.scope, async (tx) => {
      await this.repository(tx).setEnabled(id, enabled);
      const feed = (await this.repository(tx).get(id))!;
      await this.schedule(tx, feed);
      return feed;
    });
  }

  async delete(id: number): Promise<void> {
    requirePermission(this.scope, 'imports:run', 'delete feeds');
    await this.get(id);
    await inTransaction(this.scope, async (tx) => {
      await this.schedules.remove(tx, this.scope.tenant.id, feedKey(id));
      await this.repository(tx).delete(id);
    });
  }

  /** Starts a run now (or returns the run already queued or running: one at a time). */
  async runNow(id: number): Promise<JobRecord> {
    requirePermission(this.scope, 'imports:run', 'run feeds');
    await this.get(id);
    const { job } = await this.jobs.enqueue(this.scope.sql, { kind: FEED_JOB_KIND, namespaceId: this.scope.tenant.id, payload: { feedId: id }, singletonKey: feedKey(id), maxAttempts: 3, createdBy: this.scope.actor });
    return job;
  }

  async runs(feedId: number, first: number): Promise<{ run: FeedRunRecord; files: FeedFileRecord[] }[]> {
    await this.get(feedId);
    if (!Number.isInteger(first) || first < 1 || first > 100) throw AppError.invalid(['first'], `must be a whole number from 1 to 100 (got ${first})`);
    const runs = await this.repository().runs(feedId, first);
    const files = await this.repository().filesOfRuns(runs.map((r) => r.id));
    return runs.map((run) => ({ run, files: files.filter((f) => f.runId === run.id) }));
  }
}
