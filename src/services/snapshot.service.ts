import { randomBytes } from 'node:crypto';
import { snapshotPredicate, SnapshotRepository, type SnapshotMemberRecord, type SnapshotRecord } from '../db/snapshot.sql';
import type { Statement } from '../db/sql';
import { AppError } from '../domain/errors';
import { SNAPSHOT_ID } from '../domain/ids';
import { requireStorableText } from '../domain/storable-text';
import { requirePermission, type Scope } from './scope';
import { MAX_SEGMENT_PAGE, type SegmentService } from './segment.service';

/** Which members of a snapshot: all of them, only the holdout, or only the rest (who was sent to). */
export type SnapshotGroup = 'ALL' | 'HOLDOUT' | 'TREATMENT';

export interface SnapshotOptions {
  readonly asOf: Date;
  readonly label?: string | null;
  /** Marks `percent` % of the members (by `email_hash_number`) as holdout. */
  readonly holdout?: { readonly percent: number } | null;
}

const MAX_LABEL = 200;

function holdoutOf(group: SnapshotGroup | null | undefined): boolean | null {
  const value = typeof group === 'string' ? group.trim().toUpperCase() : group;
  if (value === undefined || value === null || value === '' || value === 'ALL') return null;
  if (value === 'HOLDOUT') return true;
  if (value === 'TREATMENT') return false;
  throw AppError.invalid(['group'], `must be ALL, HOLDOUT or TREATMENT (got ${JSON.stringify(group)})`);
}

/**
 * Segment snapshots: the exact members of a saved segment at one instant, frozen, with the segment
 * version, definition, asOf and who took it (docs/audiences.md). Taken in one `insert … select`
 * from the compiled predicate; a holdout split marks members whose `email_hash_number` (0–99, from
 * a hash of the email) is below the cut `percent`, so the same people are holdout in every
 * snapshot with the same cut. Counts are stored with the snapshot.
 */
export class SnapshotService {
  constructor(
    private readonly scope: Scope,
    private readonly segments: SegmentService,
  ) {}

  private get repo(): SnapshotRepository {
    return new SnapshotRepository(this.scope.sql, this.scope.tenant.id);
  }

  async take(segmentId: string, options: SnapshotOptions): Promise<SnapshotRecord> {
    requirePermission(this.scope, 'segments:write', 'take segment snapshots');
    if (!(options.asOf instanceof Date) || Number.isNaN(options.asOf.getTime())) throw AppError.invalid(['asOf'], 'must be an ISO 8601 instant, e.g. 2026-11-28T00:00:00Z');
    requireStorableText([[['label'], options.label]]);
    const label = (options.label ?? '').trim();
    if (label.length > MAX_LABEL) throw AppError.invalid(['label'], `must be at most ${MAX_LABEL} characters (got ${label.length})`);
    const percent = options.holdout ? options.holdout.percent : null;
    if (percent !== null && (!Number.isInteger(percent) || percent < 1 || percent > 99)) {
      throw AppError.invalid(['holdout', 'percent'], `must be a whole number from 1 to 99 (got ${percent})`);
    }
    const segment = await this.segments.current(segmentId);
    const { query, text } = await this.segments.prepared(segment, options.asOf, { fresh: true });
    return this.repo.take({
      id: `snap_${randomBytes(8).toString('hex')}`,
      segmentId: segment.id,
      segmentName: segment.name,
      segmentVersion: segment.version,
      definition: segment.definition,
      text,
      label,
      asOf: options.asOf,
      holdoutPercent: percent,
      createdBy: this.scope.actor,
      predicate: query.predicate,
    });
  }

  async get(id: string): Promise<SnapshotRecord> {
    requirePermission(this.scope, 'read', 'read segment snapshots');
    // Another shape cannot exist: NOT_FOUND without a query (a NUL never reaches SQL).
    const row = SNAPSHOT_ID.test(id) ? await this.repo.get(id) : undefined;
    if (!row) throw AppError.notFound('Snapshot', id);
    return row;
  }

  async page(first: number, after: { createdAt: Date; id: string } | null, segmentId: string | null): Promise<{ snapshots: SnapshotRecord[]; hasMore: boolean }> {
    requirePermission(this.scope, 'read', 'read segment snapshots');
    checkFirst(first);
    const rows = await this.repo.page(after, segmentId, first + 1);
    return { snapshots: rows.slice(0, first), hasMore: rows.length > first };
  }

  /** Members in profile-ID order after `afterId` (keyset pages). */
  async members(id: string, first: number, afterId: number, group?: SnapshotGroup | null): Promise<{ members: SnapshotMemberRecord[]; hasMore: boolean }> {
    requirePermission(this.scope, 'read', 'read segment snapshots');
    checkFirst(first);
    const holdout = holdoutOf(group);
    const rows = await this.repo.members(id, afterId, holdout, first + 1);
    return { members: rows.slice(0, first), hasMore: rows.length > first };
  }

  async delete(id: string): Promise<SnapshotRecord> {
    requirePermission(this.scope, 'segments:write', 'delete segment snapshots');
    const row = await this.get(id);
    const users = await this.repo.usedBy(id);
    if (users.length) {
      throw AppError.conflict(
        `Snapshot "${id}" is used by ${users.map((s) => `"${s.name}" (${s.id})`).join(', ')}; change or delete those segments first.`,
        { usedBy: users.map((s) => s.id) },
      );
    }
    await this.repo.delete(id);
    return row;
  }

  /** The members' predicate of a snapshot (for the export path), after checking it exists here. */
  async predicate(id: string, group?: SnapshotGroup | null): Promise<{ snapshot: SnapshotRecord; predicate: Statement }> {
    const holdout = holdoutOf(group);
    const snapshot = await this.get(id);
    return { snapshot, predicate: snapshotPredicate(this.scope.tenant.id, snapshot.id, holdout) };
  }
}

function checkFirst(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > MAX_SEGMENT_PAGE) throw AppError.invalid(['first'], `must be a whole number from 1 to ${MAX_SEGMENT_PAGE} (got ${first})`);
}
