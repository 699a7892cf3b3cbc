import { createHash } from 'node:crypto';
import type { CustomFieldType } from '../domain/custom-fields';
import type { Sql } from './sql';

/**
 * Expression indexes for custom fields flagged `indexed`: one partial btree per (namespace, key)
 * on exactly the expression the audience compiler writes for the field's type, so the planner
 * matches it. The DDL text is built by PostgreSQL's own `format()` with `%I`/`%L` quoting from
 * parameters; no key or namespace is spliced into SQL here.
 */
const EXPRESSIONS: Readonly<Record<CustomFieldType, string>> = {
  STRING: '(custom ->> %2$L)',
  NUMBER: "(case when jsonb_typeof(custom -> %2$L) = 'number' then (custom ->> %2$L)::numeric end)",
  BOOLEAN: "(case when jsonb_typeof(custom -> %2$L) = 'boolean' then (custom ->> %2$L)::boolean end)",
  DATETIME: '((custom ->> %2$L) collate "C")',
};

/** A stable index name of at most 63 bytes for (namespace, key). */
export function customIndexName(namespaceId: string, key: string): string {
  return `profile_custom_${createHash('sha256').update(`${namespaceId}/${key}`).digest('hex').slice(0, 24)}_idx`;
}

/**
 * Creates the index (concurrently where the database allows it, so writes go on) or drops it.
 * Runs outside any transaction.
 */
export async function syncCustomIndex(sql: Sql, namespaceId: string, key: string, type: CustomFieldType, indexed: boolean): Promise<void> {
  const name = customIndexName(namespaceId, key);
  if (!indexed) {
    const ddl = await sql.one<{ ddl: string }>(`select format('drop index if exists %I', $1::text) as ddl`, [name]);
    await sql.execute(ddl!.ddl);
    return;
  }
  const build = async (concurrently: boolean) => {
    // Only rows with a value: every indexed comparison implies `expr is not null`, and a smaller index is cheaper to keep.
    const template = `create index ${concurrently ? 'concurrently ' : ''}if not exists %1$I on profile (${EXPRESSIONS[type]}) where namespace_id = %3$L and ${EXPRESSIONS[type]} is not null`;
    const ddl = await sql.one<{ ddl: string }>(`select format($1::text, $2::text, $3::text, $4::text) as ddl`, [template, name, key, namespaceId]);
    await sql.execute(ddl!.ddl);
  };
  // Embedded PGlite cannot build concurrently (it has one connection anyway).
  await build(!(await sql.embedded()));
}
