import type { Sql, Statement } from './sql';

/** A segment snapshot's row: what was evaluated, when, by whom, and the counts. */
export interface SnapshotRecord {
  readonly id: string;
  readonly segmentId: string;
  readonly segmentName: string;
  readonly segmentVersion: number;
  readonly definition: unknown;
  readonly text: string;
  readonly label: string;
  readonly asOf: Date;
  /** The holdout cut: members whose `email_hash_number` is below it are holdout; null without a holdout. */
  readonly holdoutPercent: number | null;
  readonly memberCount: number;
  readonly holdoutCount: number;
  readonly createdBy: string;
  readonly createdAt: Date;
}

export interface SnapshotMemberRecord {
  readonly profileId: number;
  readonly holdout: boolean;
}

/** What a snapshot freezes: the segment's identity and the compiled predicate evaluated at `asOf`. */
export type SnapshotTake = Omit<SnapshotRecord, 'memberCount' | 'holdoutCount' | 'createdAt'> & {
  /** The members' predicate over `profile p`, `$1` the namespace (`AudienceQuery.predicate`). */
  readonly predicate: Statement;
};

const SNAPSHOT_COLUMNS = `id, segment_id as "segmentId", segment_name as "segmentName", segment_version as "segmentVersion", definition, text, label,
  as_of as "asOf", holdout_percent as "holdoutPercent", member_count as "memberCount", holdout_count as "holdoutCount",
  created_by as "createdBy", created_at as "createdAt"`;

function toRecord(row: Record<string, unknown>): SnapshotRecord {
  return {
    ...(row as unknown as SnapshotRecord),
    segmentVersion: Number(row.segmentVersion),
    holdoutPercent: row.holdoutPercent === null ? null : Number(row.holdoutPercent),
    memberCount: Number(row.memberCount),
    holdoutCount: Number(row.holdoutCount),
    asOf: new Date(row.asOf as string | Date),
    createdAt: new Date(row.createdAt as string | Date),
  };
}

/**
 * `$n` placeholders numbered after a statement's own parameters, so a compiled predicate (whose
 * `$1` is the namespace) can be embedded as is.
 */
function after(statement: Statement, values: readonly unknown[]): { at: (i: number) => string; params: unknown[] } {
  const base = statement.params.length;
  return { at: (i) => `$${base + i + 1}`, params: [...statement.params, ...values] };
}

/**
 * The members' predicate of a snapshot, over `profile p` with `$1` the namespace, for exports and
 * `in snapshot`: a semi-join on the member table's primary key. `holdout` picks one side.
 */
export function snapshotPredicate(namespaceId: string, snapshotId: string, holdout: boolean | null): Statement {
  const side = holdout === null ? '' : ' and sm.holdout = $3';
  return {
    sql: `exists (select 1 from segment_snapshot_member sm where sm.namespace_id = p.namespace_id and sm.snapshot_id = $2 and sm.profile_id = p.id${side})`,
    params: holdout === null ? [namespaceId, snapshotId] : [namespaceId, snapshotId, holdout],
  };
}

/** Reads and writes of segment snapshots, every statement scoped to one namespace. */
export class SnapshotRepository {
  constructor(
    private readonly sql: Sql,
    private readonly namespaceId: string,
  ) {}

  /**
   * Takes a snapshot in one statement: the members are inserted straight from the compiled
   * predicate (`insert … select`), each marked holdout when its `email_hash_number` is below the
   * cut, and the snapshot row is written with the counts of what was inserted. Both are written by
   * this one statement, so they appear together or not at all; the member table has no foreign key
   * to the snapshot (its per-row check cost about a quarter of a take; migration 20261204110200),
   * and a trigger deletes the members of a deleted snapshot.
   */
  async take(take: SnapshotTake): Promise<SnapshotRecord> {
    const { predicate } = take;
    const { at, params } = after(predicate, [
      take.id, take.segmentId, take.segmentName, take.segmentVersion, take.definition, take.text, take.label, take.asOf, take.holdoutPercent, take.createdBy,
    ]);
    const row = await this.sql.one(
      `with m as (
         insert into segment_snapshot_member (namespace_id, snapshot_id, profile_id, holdout)
         select p.namespace_id, ${at(0)}, p.id, coalesce(p.email_hash_number < ${at(8)}::smallint, false)
         from profile p where p.namespace_id = $1 and (${predicate.sql})
         returning holdout
       )
       insert into segment_snapshot (namespace_id, id, segment_id, segment_name, segment_version, definition, text, label, as_of, holdout_percent,
         member_count, holdout_count, created_by)
       select $1, ${at(0)}, ${at(1)}, ${at(2)}, ${at(3)}::integer, ${at(4)}::jsonb, ${at(5)}, ${at(6)}, ${at(7)}::timestamptz, ${at(8)}::smallint,
         count(*), count(*) filter (where m.holdout), ${at(9)}
       from m
       returning ${SNAPSHOT_COLUMNS}`,
      params,
    );
    return toRecord(row!);
  }

  async get(id: string): Promise<SnapshotRecord | undefined> {
    const row = await this.sql.one(`select ${SNAPSHOT_COLUMNS} from segment_snapshot where namespace_id = $1 and id = $2`, [this.namespaceId, id]);
    return row ? toRecord(row) : undefined;
  }

  /** Which of `ids` exist (for validating `in snapshot` references). */
  async existing(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.sql.rows<{ id: string }>(`select id from segment_snapshot where namespace_id = $1 and id = any($2::text[])`, [this.namespaceId, ids]);
    return rows.map((r) => r.id);
  }

  /** Newest first, after the (createdAt, id) position; of one segment when `segmentId` is given. */
  async page(after: { createdAt: Date; id: string } | null, segmentId: string | null, limit: number): Promise<SnapshotRecord[]> {
    const rows = await this.sql.rows(
      `select ${SNAPSHOT_COLUMNS} from segment_snapshot
       where namespace_id = $1 and ($2::text is null or segment_id = $2)
         and ($3::timestamptz is null or (created_at, id) < ($3::timestamptz, $4::text))
       order by created_at desc, id desc limit $5`,
      [this.namespaceId, segmentId, after?.createdAt ?? null, after?.id ?? null, limit],
    );
    return rows.map(toRecord);
  }

  /** Members in profile-id order after `afterId`; only one side when `holdout` is given. */
  async members(id: string, afterId: number, holdout: boolean | null, limit: number): Promise<SnapshotMemberRecord[]> {
    const rows = await this.sql.rows<{ profile_id: string | number; holdout: boolean }>(
      `select m.profile_id, m.holdout from segment_snapshot_member m
       where m.namespace_id = $1 and m.snapshot_id = $2 and m.profile_id > $3 and ($4::boolean is null or m.holdout = $4)
       order by m.profile_id limit $5`,
      [this.namespaceId, id, afterId, holdout, limit],
    );
    return rows.map((r) => ({ profileId: Number(r.profile_id), holdout: r.holdout }));
  }

  /** Saved segments whose definition refers to the snapshot (`{"snapshot": id}` anywhere in it). */
  usedBy(id: string): Promise<{ id: string; name: string }[]> {
    return this.sql.rows(
      `select s.id, s.name from segment s
       where s.namespace_id = $1 and jsonb_path_exists(s.definition, '$.** ? (@.snapshot == $id)', jsonb_build_object('id', $2::text))
       order by s.name, s.id`,
      [this.namespaceId, id],
    );
  }

  /** Deletes a snapshot and (by the statement-level trigger `segment_snapshot_delete_members`, in this statement) its members; false when there was none. */
  async delete(id: string): Promise<boolean> {
    return (await this.sql.execute(`delete from segment_snapshot where namespace_id = $1 and id = $2`, [this.namespaceId, id])) > 0;
  }

  /**
   * Removes profiles from every snapshot of the namespace and keeps the counts in step, in one
   * statement (for forgetting a profile). Each snapshot is probed on its primary key.
   */
  async removeProfiles(profileIds: readonly number[]): Promise<number> {
    if (profileIds.length === 0) return 0;
    const rows = await this.sql.rows<{ removed: string | number }>(
      `with d as (
         delete from segment_snapshot_member m
         where m.namespace_id = $1 and m.snapshot_id in (select s.id from segment_snapshot s where s.namespace_id = $1) and m.profile_id = any($2::bigint[])
         returning m.snapshot_id, m.holdout
       ), c as (
         select d.snapshot_id, count(*) as n, count(*) filter (where d.holdout) as h from d group by d.snapshot_id
       ), u as (
         update segment_snapshot s set member_count = s.member_count - c.n, holdout_count = s.holdout_count - c.h
         from c where s.namespace_id = $1 and s.id = c.snapshot_id
         returning c.n
       )
       select coalesce(sum(u.n), 0) as removed from u`,
      [this.namespaceId, profileIds],
    );
    return Number(rows[0]?.removed ?? 0);
  }
}
