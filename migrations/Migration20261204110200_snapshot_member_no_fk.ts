import { Migration } from '@mikro-orm/migrations';

/**
 * Snapshot takes were slowed by the member table's foreign key to `segment_snapshot`: a per-row
 * trigger that probes the snapshot row for each member inserted (about a quarter of the take,
 * docs/audiences.md, "Storage format and its cost"). Both rows are written by the one statement of
 * `SnapshotRepository.take`, so the key guarded nothing there. It is replaced by a statement-level
 * trigger on `segment_snapshot` that deletes the members of the snapshots a statement deleted (a
 * snapshot's delete, or the cascade from its namespace), in the same transaction, once per
 * statement from its transition table; member rows are then never left without their snapshot.
 */
export class Migration20261204110200_snapshot_member_no_fk extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table segment_snapshot_member drop constraint segment_snapshot_member_namespace_id_snapshot_id_fkey`);
    this.addSql(`
      create function segment_snapshot_delete_members() returns trigger language plpgsql as $$
      begin
        delete from segment_snapshot_member m using gone g where m.namespace_id = g.namespace_id and m.snapshot_id = g.id;
        return null;
      end $$`);
    this.addSql(`
      create trigger segment_snapshot_delete_members after delete on segment_snapshot
      referencing old table as gone for each statement execute function segment_snapshot_delete_members()`);
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger if exists segment_snapshot_delete_members on segment_snapshot');
    this.addSql('drop function if exists segment_snapshot_delete_members()');
    this.addSql(`alter table segment_snapshot_member add foreign key (namespace_id, snapshot_id) references segment_snapshot (namespace_id, id) on delete cascade`);
  }
}
