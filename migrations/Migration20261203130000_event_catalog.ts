import { Migration } from '@mikro-orm/migrations';

/**
 * The event catalog (issue 13 §1): per namespace, every event type seen (`property = ''`) and every
 * top-level property seen on it with each JSON type its values had. Kept at ingest, set-based, in
 * the event insert statement (`src/db/event-ingest.sql.ts`); backfilled here from the stored events.
 * Only property names a filter can name (`^[A-Za-z_][A-Za-z0-9_]{0,63}$`) are kept.
 */
export class Migration20261203130000_event_catalog extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table event_catalog (
        namespace_id uuid not null references namespace (id) on delete cascade,
        event_type text not null,
        property text not null,
        json_type text not null,
        first_seen_at timestamptz not null default now(),
        primary key (namespace_id, event_type, property, json_type),
        constraint event_catalog_property_check check (property = '' or property ~ '^[A-Za-z_][A-Za-z0-9_]{0,63}$'),
        constraint event_catalog_json_type_check check (json_type in ('', 'string', 'number', 'boolean', 'object', 'array', 'null'))
      )`);
    this.addSql(`
      insert into event_catalog (namespace_id, event_type, property, json_type)
      select distinct e.namespace_id, e.type, '', '' from event e
      union
      select distinct e.namespace_id, e.type, k.key, jsonb_typeof(k.value)
        from event e cross join lateral jsonb_each(e.properties) as k
       where k.key ~ '^[A-Za-z_][A-Za-z0-9_]{0,63}$'`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists event_catalog');
  }
}
