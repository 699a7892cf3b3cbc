import { reservedFold } from './reserved-fields.sql';
import type { Sql } from './sql';

/** One merge: the loser's data moves to the winner, which wins every conflict. */
export interface MergePair {
  readonly loserId: number;
  readonly winnerId: number;
}

const PAIRS = 'unnest($2::bigint[], $3::bigint[]) as m(loser_id, winner_id)';

/**
 * Merges profiles set-based: any number of pairs, each winner at most once per call (callers
 * split larger sets into rounds with `mergeRounds`). Records each merge with a snapshot of the
 * loser, moves phones, events, consent history and earlier merges to the winner, then deletes
 * the loser.
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
