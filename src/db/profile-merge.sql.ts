import { reservedFold } from './reserved-fields.sql';
import type { Sql } from './sql';

/** One merge: the loser's data moves to the winner, which wins every conflict. */
export interface MergePair {
  readonly loserId: number;
  readonly winnerId: number;
}

const PAIRS = 'unnest($2::bigint[], $3::bigint[]) as m(loser_id, winner_id)';

/**
 * Folds the losers' rows in segment snapshots and stored segment memberships into their winners,
 * in one statement: a loser's row becomes the winner's (inserted, or kept when the winner is
 * already there, `on conflict do nothing`), the loser's row is deleted, and each snapshot's
 * `member_count` and `holdout_count` follow what was inserted and deleted, so a snapshot taken
 * before a merge lists and counts the survivor once. The winner keeps its own holdout mark; a
 * winner that was not in the snapshot takes the loser's. Each side is joined on the tables'
 * primary keys: the namespace's snapshot (or segment) ids crossed with the pairs. The change log
 * (`segment_membership_change`) is history and keeps the ids as they were at each evaluation.
 */
async function foldMergedMembers(sql: Sql, params: readonly unknown[]): Promise<void> {
  await sql.execute(
    `with m as (select * from ${PAIRS}),
     sm_old as (
       select sm.snapshot_id, sm.profile_id, m.winner_id, sm.holdout
       from segment_snapshot s cross join m
       join segment_snapshot_member sm on sm.namespace_id = $1 and sm.snapshot_id = s.id and sm.profile_id = m.loser_id
       where s.namespace_id = $1
     ), sm_ins as (
       insert into segment_snapshot_member (namespace_id, snapshot_id, profile_id, holdout)
       select $1, o.snapshot_id, o.winner_id, bool_or(o.holdout) from sm_old o group by o.snapshot_id, o.winner_id
       on conflict do nothing
       returning snapshot_id, holdout
     ), sm_del as (
       delete from segment_snapshot_member sm using sm_old o
       where sm.namespace_id = $1 and sm.snapshot_id = o.snapshot_id and sm.profile_id = o.profile_id
       returning sm.snapshot_id, sm.holdout
     ), delta as (
       select d.snapshot_id, sum(d.n) as n, sum(d.n) filter (where d.holdout) as h
       from (select snapshot_id, holdout, 1 as n from sm_ins union all select snapshot_id, holdout, -1 from sm_del) d
       group by d.snapshot_id
     ), counts as (
       update segment_snapshot s set member_count = s.member_count + d.n, holdout_count = s.holdout_count + coalesce(d.h, 0)
       from delta d where s.namespace_id = $1 and s.id = d.snapshot_id and (d.n <> 0 or coalesce(d.h, 0) <> 0)
       returning 1
     ), ms_old as (
       select ms.segment_id, ms.profile_id, m.winner_id
       from segment g cross join m
       join segment_membership ms on ms.namespace_id = $1 and ms.segment_id = g.id and ms.profile_id = m.loser_id
       where g.namespace_id = $1
     ), ms_ins as (
       insert into segment_membership (namespace_id, segment_id, profile_id)
       select distinct $1::uuid, o.segment_id, o.winner_id from ms_old o
       on conflict do nothing
       returning 1
     ), ms_del as (
       delete from segment_membership ms using ms_old o
       where ms.namespace_id = $1 and ms.segment_id = o.segment_id and ms.profile_id = o.profile_id
       returning 1
     )
     select (select count(*) from counts) + (select count(*) from ms_ins) + (select count(*) from ms_del) as touched`,
    params,
  );
}

/**
 * Merges profiles set-based: any number of pairs, each winner at most once per call (callers
 * split larger sets into rounds with `mergeRounds`). Records each merge with a snapshot of the
 * loser, moves phones, events, consent history, earlier merges, snapshot members and stored
 * segment memberships to the winner (`foldMergedMembers`), then deletes the loser, all in the
 * caller's transaction.
 */
export async function mergeProfiles(sql: Sql, namespaceId: string, pairs: readonly MergePair[], reason: string): Promise<void> {
  if (pairs.length === 0) return;
  const params = [namespaceId, pairs.map((p) => p.loserId), pairs.map((p) => p.winnerId)];
  await sql.execute(
    `insert into profile_merge (namespace_id, loser_id, winner_id, reason, loser_snapshot)
     select $1, l.id, m.winner_id, $4,
            (to_jsonb(l) - 'namespace_id') || jsonb_build_object('phones',
              (select coalesce(jsonb_agg(pp.phone order by pp.phone), '[]'::jsonb) from profile_phone pp
               where pp.namespace_id = $1 and pp.profile_id = l.id))
     from ${PAIRS}
     join profile l on l.namespace_id = $1 and l.id = m.loser_id`,
    [...params, reason],
  );
  await sql.execute(
    `update profile w set
      first_name = coalesce(w.first_name, l.first_name),
      last_name = coalesce(w.last_name, l.last_name),
      birthday_day = case when w.birthday_day is null and w.birthday_month is null then l.birthday_day else w.birthday_day end,
      birthday_month = case when w.birthday_day is null and w.birthday_month is null then l.birthday_month else w.birthday_month end,
      custom = l.custom || w.custom,
      first_identified_at = least(w.first_identified_at, l.first_identified_at),
      ${reservedFold('w', 'l')},
      updated_at = now()
     from ${PAIRS}
     join profile l on l.namespace_id = $1 and l.id = m.loser_id
     where w.namespace_id = $1 and w.id = m.winner_id`,
    params,
  );
  for (const table of ['profile_phone', 'event', 'consent_change'] as const) {
    await sql.execute(
      `update ${table} t set profile_id = m.winner_id from ${PAIRS} where t.namespace_id = $1 and t.profile_id = m.loser_id`,
      params,
    );
  }
  await foldMergedMembers(sql, params);
  await sql.execute(`update profile_merge t set winner_id = m.winner_id from ${PAIRS} where t.namespace_id = $1 and t.winner_id = m.loser_id`, params);
  await sql.execute(`delete from profile p using ${PAIRS} where p.namespace_id = $1 and p.id = m.loser_id`, params);
}

/** Splits pairs into rounds in which each winner appears once, and merges round by round. */
export async function mergeRounds(sql: Sql, namespaceId: string, pairs: readonly MergePair[], reason: string): Promise<void> {
  const rounds: MergePair[][] = [];
  const seen = new Map<number, number>();
  for (const pair of pairs) {
    const round = seen.get(pair.winnerId) ?? 0;
    seen.set(pair.winnerId, round + 1);
    (rounds[round] ??= []).push(pair);
  }
  for (const round of rounds) await mergeProfiles(sql, namespaceId, round, reason);
}
