import { Migration } from '@mikro-orm/migrations';

/**
 * Segment snapshots (docs/audiences.md): the exact members of a saved segment at one instant,
 * frozen. `segment_snapshot` keeps what was evaluated (segment, version, definition, asOf, who)
 * and the holdout cut; `segment_snapshot_member` keeps one row per member, keyed by
 * (namespace_id, snapshot_id, profile_id): the primary key is the only index, it serves counts,
 * keyset pages, membership probes and `in snapshot` semi-joins alike. No foreign key to
 * `segment`: a snapshot outlives the segment it was taken of (an audit record).
 */
export class Migration20261202160000_snapshots extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table segment_snapshot (
        namespace_id uuid not null references namespace (id) on delete cascade,
        id text not null,
        segment_id text not null,
        segment_name text not null,
        segment_version integer not null,
        definition jsonb not null,
        text text not null,
        label text not null default '',
        as_of timestamptz not null,
        holdout_percent smallint,
        member_count bigint not null,
        holdout_count bigint not null,
        created_by text not null,
        created_at timestamptz not null default now(),
        primary key (namespace_id, id),
        constraint segment_snapshot_id_check check (id ~ '^snap_[a-z0-9_]{1,60}$'),
        constraint segment_snapshot_label_check check (length(label) <= 200),
        constraint segment_snapshot_holdout_check check (holdout_percent between 1 and 99),
        constraint segment_snapshot_counts_check check (member_count >= 0 and holdout_count between 0 and member_count)
      )`);
    this.addSql(`create index segment_snapshot_list_idx on segment_snapshot (namespace_id, created_at desc, id desc)`);
    this.addSql(`create index segment_snapshot_segment_idx on segment_snapshot (namespace_id, segment_id, created_at desc, id desc)`);
    this.addSql(`
      create table segment_snapshot_member (
        namespace_id uuid not null,
        snapshot_id text not null,
        profile_id bigint not null,
        holdout boolean not null,
        primary key (namespace_id, snapshot_id, profile_id),
        foreign key (namespace_id, snapshot_id) references segment_snapshot (namespace_id, id) on delete cascade
      )`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists segment_snapshot_member');
    this.addSql('drop table if exists segment_snapshot');
  }
}
