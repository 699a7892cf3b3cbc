import { Migration } from '@mikro-orm/migrations';

/** Rebuilds every indexed BOOLEAN custom field's index on `expression` (same name, same predicate shape). */
export function rebuildBooleanCustomIndexes(expression: string): string {
  const quoted = expression.replace(/'/g, "''"); // inside the format() string literal below
  return `
    do $$
    declare
      f record;
      name text;
    begin
      for f in select namespace_id, key from custom_field where type = 'BOOLEAN' and indexed loop
        -- customIndexName() in src/db/custom-index.sql.ts
        name := 'profile_custom_' || left(encode(sha256(convert_to(f.namespace_id::text || '/' || f.key, 'UTF8')), 'hex'), 24) || '_idx';
        execute format('drop index if exists %I', name);
        execute format('create index %1$I on profile (${quoted}) where namespace_id = %3$L and ${quoted} is not null', name, f.key, f.namespace_id);
      end loop;
    end $$`;
}

/**
 * The audience compiler compares custom booleans as jsonb (`p.custom -> $k = 'true'::jsonb`, one
 * comparison per row instead of a type check and a cast: docs/performance.md, "the misses"), so an
 * indexed BOOLEAN field's index is on `(custom -> 'key')` now (src/db/custom-index.sql.ts).
 * Existing ones are rebuilt in the migration's transaction: writes to `profile` wait for it.
 */
export class Migration20261203120000_boolean_custom_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(rebuildBooleanCustomIndexes('(custom -> %2$L)'));
  }

  override async down(): Promise<void> {
    this.addSql(rebuildBooleanCustomIndexes(`(case when jsonb_typeof(custom -> %2$L) = 'boolean' then (custom ->> %2$L)::boolean end)`));
  }
}
