import type { Sql, Statement } from './sql';

/** One evaluation of a segment's membership. */
export interface EvaluationRecord {
  readonly segmentId: string;
  readonly asOf: Date;
  readonly segmentVersion: number;
  readonly memberCount: number;
  readonly enteredCount: number;
  readonly leftCount: number;
}

/** A profile that entered (or left) a segment at an evaluation. */
export interface MembershipChangeRecord {
  readonly profileId: number;
  readonly entered: boolean;
  readonly asOf: Date;
}

const EVALUATION_COLUMNS = `segment_id as "segmentId", as_of as "asOf", segment_version as "segmentVersion", member_count as "memberCount",
  entered_count as "enteredCount", left_count as "leftCount"`;

function toEvaluation(row: Record<string, unknown>): EvaluationRecord {
  return {
    segmentId: row.segmentId as string,
    asOf: new Date(row.asOf as string | Date),
    segmentVersion: Number(row.segmentVersion),
    memberCount: Number(row.memberCount),
    enteredCount: Number(row.enteredCount),
    leftCount: Number(row.leftCount),
  };
}

/** Stored evaluations of saved segments and the membership differences between them, scoped to one namespace. */
export class MembershipRepository {
  constructor(
    private readonly sql: Sql,
    private readonly namespaceId: string,
  ) {}

  /**
   * One evaluation in one statement: the members now (the compiled predicate at `asOf`) are
   * compared with the stored membership; who is new is inserted into it and logged as entered, who
   * is gone is deleted from it and logged as left, and the evaluation row records the counts.
   * Every part reads the membership as it was before the statement (one snapshot), so the insert
   * and the delete never see each other's rows.
   *
   * The difference is a full join of the members now and the stored ones: PostgreSQL plans a full
   * join as a hash or merge join, never a nested loop, so it stays linear in both sides even when
   * the statistics of `segment_membership` predate this segment's rows (estimating one stored
   * member, the former `not exists` anti-joins looped over one side for each row of the other:
   * 130 s for a second evaluation of 30,000 members in issue 10's bench). The delete is a semi-join
   * of the stored rows with the ids that left (a hash join or primary-key probes).
   */
  async evaluate(segmentId: string, segmentVersion: number, asOf: Date, predicate: Statement): Promise<EvaluationRecord> {
    const base = predicate.params.length;
    const at = (i: number) => `$${base + i + 1}`;
    const [seg, when, version] = [at(0), at(1), at(2)];
    const row = await this.sql.one(
      `with cur as materialized (
         select p.id from profile p where p.namespace_id = $1 and (${predicate.sql})
       ), was as materialized (
         select m.profile_id as id from segment_membership m where m.namespace_id = $1 and m.segment_id = ${seg}
       ), diff as materialized (
         select coalesce(c.id, w.id) as profile_id, w.id is null as entered
         from cur c full join was w on w.id = c.id
         where c.id is null or w.id is null
       ), entered as (
         insert into segment_membership (namespace_id, segment_id, profile_id)
         select $1, ${seg}, d.profile_id from diff d where d.entered
         returning profile_id
       ), gone as (
         delete from segment_membership m
         where m.namespace_id = $1 and m.segment_id = ${seg} and m.profile_id in (select d.profile_id from diff d where not d.entered)
         returning m.profile_id
       ), changes as (
         insert into segment_membership_change (namespace_id, segment_id, as_of, profile_id, entered)
         select $1, ${seg}, ${when}::timestamptz, e.profile_id, true from entered e
         union all
         select $1, ${seg}, ${when}::timestamptz, g.profile_id, false from gone g
         returning entered
       )
       insert into segment_evaluation (namespace_id, segment_id, as_of, segment_version, member_count, entered_count, left_count)
       select $1, ${seg}, ${when}::timestamptz, ${version}::integer, (select count(*) from cur), count(*) filter (where ch.entered), count(*) filter (where not ch.entered)
       from changes ch
       returning ${EVALUATION_COLUMNS}`,
      [...predicate.params, segmentId, asOf, segmentVersion],
    );
    return toEvaluation(row!);
  }

  /** Locks the segment row for the rest of the transaction (one evaluation of a segment at a time) and returns the last evaluation's asOf. */
  async lockForEvaluation(segmentId: string): Promise<{ exists: boolean; lastAsOf: Date | null }> {
    const locked = await this.sql.one(`select id from segment where namespace_id = $1 and id = $2 for update`, [this.namespaceId, segmentId]);
    if (!locked) return { exists: false, lastAsOf: null };
    const last = await this.sql.one<{ as_of: string | Date | null }>(
      `select max(as_of) as as_of from segment_evaluation where namespace_id = $1 and segment_id = $2`,
      [this.namespaceId, segmentId],
    );
    return { exists: true, lastAsOf: last?.as_of ? new Date(last.as_of) : null };
  }

  /** Changes with `since < asOf <= until`, in (asOf, profile id) order, after the given position. */
  async changes(segmentId: string, since: Date, until: Date, after: { asOf: Date; profileId: number } | null, limit: number): Promise<MembershipChangeRecord[]> {
    const rows = await this.sql.rows<{ profile_id: string | number; entered: boolean; as_of: string | Date }>(
      `select c.profile_id, c.entered, c.as_of from segment_membership_change c
       where c.namespace_id = $1 and c.segment_id = $2 and c.as_of > $3::timestamptz and c.as_of <= $4::timestamptz
         and ($5::timestamptz is null or (c.as_of, c.profile_id) > ($5::timestamptz, $6::bigint))
       order by c.as_of, c.profile_id limit $7`,
      [this.namespaceId, segmentId, since, until, after?.asOf ?? null, after?.profileId ?? null, limit],
    );
    return rows.map((r) => ({ profileId: Number(r.profile_id), entered: r.entered, asOf: new Date(r.as_of) }));
  }

  /**
   * Removes profiles from the stored memberships and change logs of every segment of the namespace
   * (for forgetting a profile), in one statement. Evaluation counts stay as they were measured.
   */
  async removeProfiles(profileIds: readonly number[]): Promise<number> {
    if (profileIds.length === 0) return 0;
    const row = await this.sql.one<{ removed: string | number }>(
      `with m as (
         delete from segment_membership m where m.namespace_id = $1 and m.profile_id = any($2::bigint[]) returning 1
       ), c as (
         delete from segment_membership_change c where c.namespace_id = $1 and c.profile_id = any($2::bigint[]) returning 1
       )
       select (select count(*) from m) + (select count(*) from c) as removed`,
      [this.namespaceId, profileIds],
    );
    return Number(row?.removed ?? 0);
  }

  /** The latest evaluations, newest first. */
  async evaluations(segmentId: string, limit: number): Promise<EvaluationRecord[]> {
    const rows = await this.sql.rows(
      `select ${EVALUATION_COLUMNS} from segment_evaluation where namespace_id = $1 and segment_id = $2 order by as_of desc limit $3`,
      [this.namespaceId, segmentId, limit],
    );
    return rows.map(toEvaluation);
  }
}
