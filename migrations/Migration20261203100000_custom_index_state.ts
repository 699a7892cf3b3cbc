import { Migration } from '@mikro-orm/migrations';

/**
 * The truthful state of each custom field's expression index (docs/performance.md, "Custom fields
 * flagged indexed"): NONE, BUILDING (recorded before the build starts), READY (flipped after it
 * finished and was found valid) or FAILED, when the state was entered, the last build error (a
 * database message, never SQL), and a build counter so that only the latest build may flip the
 * state. Existing indexed fields start READY when their index exists and is valid, otherwise
 * BUILDING, which the next start rebuilds. The name is `customIndexName` (src/db/custom-index.sql.ts).
 */
export class Migration20261203100000_custom_index_state extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table custom_field
        add column index_state text not null default 'NONE',
        add column index_state_at timestamptz,
        add column index_error text,
        add column index_build integer not null default 0,
        add constraint custom_field_index_state_check check (index_state in ('NONE', 'BUILDING', 'READY', 'FAILED'))`);
    this.addSql(`
      update custom_field f set
        index_state = case when exists (
          select 1 from pg_index i
          where i.indexrelid = to_regclass('profile_custom_' || left(encode(sha256(convert_to(f.namespace_id::text || '/' || f.key, 'UTF8')), 'hex'), 24) || '_idx')
            and i.indisvalid
        ) then 'READY' else 'BUILDING' end,
        index_state_at = now()
      where f.indexed`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table custom_field drop constraint custom_field_index_state_check, drop column index_build, drop column index_error, drop column index_state_at, drop column index_state`);
  }
}
