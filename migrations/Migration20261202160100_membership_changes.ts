import { Migration } from '@mikro-orm/migrations';

/**
 * Membership changes of saved segments (docs/audiences.md): the membership as of the last
 * evaluation (`segment_membership`, one row per member, the primary key its only index), each
 * evaluation (`segment_evaluation`: when, which version, how many members, entered, left) and the
 * difference it found (`segment_membership_change`: who entered or left at that evaluation). All
 * three go when the segment is deleted.
 */
export class Migration20261202160100_membership_changes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table segment_membership (
        namespace_id uuid not null,
        segment_id text not null,
        profile_id bigint not null,
        primary key (namespace_id, segment_id, profile_id),
        foreign key (namespace_id, segment_id) references segment (namespace_id, id) on delete cascade
      )`);
    this.addSql(`
      create table segment_evaluation (
        namespace_id uuid not null,
        segment_id text not null,
        as_of timestamptz not null,
        segment_version integer not null,
        member_count bigint not null,
        entered_count bigint not null,
        left_count bigint not null,
        created_at timestamptz not null default now(),
        primary key (namespace_id, segment_id, as_of),
        foreign key (namespace_id, segment_id) references segment (namespace_id, id) on delete cascade
      )`);
    this.addSql(`
      create table segment_membership_change (
        namespace_id uuid not null,
        segment_id text not null,
        as_of timestamptz not null,
        profile_id bigint not null,
        entered boolean not null,
        primary key (namespace_id, segment_id, as_of, profile_id),
        foreign key (namespace_id, segment_id, as_of) references segment_evaluation (namespace_id, segment_id, as_of) on delete cascade
      )`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists segment_membership_change');
    this.addSql('drop table if exists segment_evaluation');
    this.addSql('drop table if exists segment_membership');
  }
}
