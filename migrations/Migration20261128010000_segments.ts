import { Migration } from '@mikro-orm/migrations';

/**
 * Saved segments (audiences), their version history, and the references between them. A
 * reference is a foreign key, so a segment that others use cannot be deleted.
 */
export class Migration20261128010000_segments extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table segment (
        namespace_id uuid not null references namespace (id) on delete cascade,
        id text not null,
        name text not null,
        description text not null default '',
        definition jsonb not null,
        text text not null,
        version integer not null default 1,
        created_by text not null,
        updated_by text not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (namespace_id, id),
        constraint segment_id_check check (id ~ '^seg_[a-z0-9_]{1,60}$'),
        constraint segment_name_check check (length(name) between 1 and 200)
      )`);
    this.addSql(`create unique index segment_name_key on segment (namespace_id, lower(name))`);
    this.addSql(`
      create table segment_version (
        namespace_id uuid not null,
        segment_id text not null,
        version integer not null,
        name text not null,
        description text not null,
        definition jsonb not null,
        text text not null,
        created_by text not null,
        created_at timestamptz not null default now(),
        primary key (namespace_id, segment_id, version),
        foreign key (namespace_id, segment_id) references segment (namespace_id, id) on delete cascade
      )`);
    this.addSql(`
      create table segment_dependency (
        namespace_id uuid not null,
        segment_id text not null,
        depends_on_id text not null,
        primary key (namespace_id, segment_id, depends_on_id),
        foreign key (namespace_id, segment_id) references segment (namespace_id, id) on delete cascade,
        foreign key (namespace_id, depends_on_id) references segment (namespace_id, id)
      )`);
    this.addSql(`create index segment_dependency_target_idx on segment_dependency (namespace_id, depends_on_id)`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists segment_dependency');
    this.addSql('drop table if exists segment_version');
    this.addSql('drop table if exists segment');
  }
}
