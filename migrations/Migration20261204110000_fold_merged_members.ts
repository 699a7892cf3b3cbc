import { Migration } from '@mikro-orm/migrations';

/**
 * Merges used to leave the loser's profile id in segment snapshots and stored segment memberships
 * (since then `mergeProfiles` folds them into the winner in the merge's transaction). This folds
 * the rows left behind: every loser's row becomes its current winner's (`profile_merge.winner_id`
 * follows later merges, so chains land on the survivor), once per snapshot or segment, the winner
 * keeping its own holdout mark; then every snapshot whose counts no longer match its rows is
 * recounted (one pass over the member table). The change log is history and keeps its ids.
 */
export class Migration20261204110000_fold_merged_members extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      insert into segment_snapshot_member (namespace_id, snapshot_id, profile_id, holdout)
      select sm.namespace_id, sm.snapshot_id, pm.winner_id, bool_or(sm.holdout)
      from segment_snapshot_member sm
      join profile_merge pm on pm.namespace_id = sm.namespace_id and pm.loser_id = sm.profile_id
      group by sm.namespace_id, sm.snapshot_id, pm.winner_id
      on conflict do nothing`);
    this.addSql(`
      delete from segment_snapshot_member sm using profile_merge pm
      where pm.namespace_id = sm.namespace_id and pm.loser_id = sm.profile_id`);
    this.addSql(`
      update segment_snapshot s set member_count = c.n, holdout_count = c.h
      from (select sm.namespace_id, sm.snapshot_id, count(*) as n, count(*) filter (where sm.holdout) as h
            from segment_snapshot_member sm group by sm.namespace_id, sm.snapshot_id) c
      where s.namespace_id = c.namespace_id and s.id = c.snapshot_id and (s.member_count, s.holdout_count) is distinct from (c.n, c.h)`);
    this.addSql(`
      insert into segment_membership (namespace_id, segment_id, profile_id)
      select distinct ms.namespace_id, ms.segment_id, pm.winner_id
      from segment_membership ms
      join profile_merge pm on pm.namespace_id = ms.namespace_id and pm.loser_id = ms.profile_id
      on conflict do nothing`);
    this.addSql(`
      delete from segment_membership ms using profile_merge pm
      where pm.namespace_id = ms.namespace_id and pm.loser_id = ms.profile_id`);
  }

  override async down(): Promise<void> {
    // The fold cannot be undone (which rows were the losers' is gone), and nothing needs it undone.
  }
}
