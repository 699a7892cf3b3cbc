import type { CustomFieldType } from '../domain/custom-fields';
import type { Sql } from './sql';

/**
 * The set-based statements of the custom field lifecycle: which saved segments use a field,
 * removing a field's values, and converting them to another type. The key is always a parameter.
 */

/** A saved segment that uses a field: directly (`via` null) or through a segment it references. */
export interface SegmentUsingField {
  readonly id: string;
  readonly name: string;
  readonly via: string | null;
}

/**
 * Saved segments whose current definition names `custom.<key>`, and every segment that references
 * one of them (directly or further up), found with a JSON path over the stored definitions.
 * Direct users come first, then by name.
 */
export async function segmentsUsingField(sql: Sql, namespaceId: string, key: string): Promise<SegmentUsingField[]> {
  return sql.rows<SegmentUsingField>(
    `with recursive users (id, via) as (
       select s.id, null::text from segment s
       where s.namespace_id = $1 and jsonb_path_exists(s.definition, '$.** ? (@.field == $f)', jsonb_build_object('f', $2::text))
       union
       select d.segment_id, u.id from segment_dependency d join users u on u.id = d.depends_on_id where d.namespace_id = $1
     )
     select s.id, s.name, case when bool_or(u.via is null) then null else min(u.via) end as via
     from users u join segment s on s.namespace_id = $1 and s.id = u.id
     group by s.id, s.name order by bool_or(u.via is null) desc, s.name, s.id`,
    [namespaceId, `custom.${key}`],
  );
}

/** Locks the field's definition row for the rest of the transaction; undefined when there is none. */
export async function lockField(sql: Sql, namespaceId: string, key: string): Promise<{ type: CustomFieldType; indexed: boolean } | undefined> {
  return sql.one<{ type: CustomFieldType; indexed: boolean }>(`select f.type, f.indexed from custom_field f where f.namespace_id = $1 and f.key = $2 for update`, [namespaceId, key]);
}

/** Removes every profile's value of the field; returns how many profiles had one. */
export async function removeFieldValues(sql: Sql, namespaceId: string, key: string): Promise<number> {
  return sql.execute(`update profile p set custom = p.custom - $2, updated_at = now() where p.namespace_id = $1 and p.custom ? $2`, [namespaceId, key]);
}

export async function deleteFieldDefinition(sql: Sql, namespaceId: string, key: string): Promise<void> {
  await sql.execute(`delete from custom_field f where f.namespace_id = $1 and f.key = $2`, [namespaceId, key]);
}

/** Sets the type; an indexed field's index is recorded BUILDING in the same transaction (its rebuild for the new type follows). */
export async function setFieldType(sql: Sql, namespaceId: string, key: string, type: string): Promise<void> {
  await sql.execute(
    `update custom_field f set type = $3, updated_at = now(),
       index_state = case when f.indexed then 'BUILDING' else f.index_state end,
       index_state_at = case when f.indexed then now() else f.index_state_at end
     where f.namespace_id = $1 and f.key = $2`,
    [namespaceId, key, type],
  );
}

/**
 * Stages the field's distinct stored values (as text, with how many profiles hold each) in a
 * temporary table of the transaction, in one scan. Conversions are then decided per distinct
 * value and applied in one statement.
 */
export async function stageFieldValues(sql: Sql, namespaceId: string, key: string): Promise<void> {
  await sql.execute(`create temp table field_value_stage (v text primary key, n bigint not null, new_value jsonb, reason text) on commit drop`);
  await sql.execute(
    `insert into field_value_stage (v, n)
     select p.custom ->> $2, count(*) from profile p where p.namespace_id = $1 and p.custom ? $2 group by 1`,
    [namespaceId, key],
  );
}

/** A page of staged distinct values after `after`, in byte order. */
export async function stagedValuePage(sql: Sql, after: string | null, limit: number): Promise<{ v: string; n: number }[]> {
  const rows = await sql.rows<{ v: string; n: number | string }>(
    `select v, n from field_value_stage where ($1::text is null or v > $1::text) order by v limit $2`,
    [after, limit],
  );
  return rows.map((r) => ({ v: r.v, n: Number(r.n) }));
}

/** Records the decision for a page of values: the new JSON value, or why it does not convert. */
export async function recordConversions(sql: Sql, decisions: readonly { v: string; value: unknown; reason: string | null }[]): Promise<void> {
  if (decisions.length === 0) return;
  await sql.execute(
    `update field_value_stage s set new_value = d.value, reason = d.reason
     from jsonb_to_recordset($1::jsonb) as d(v text, value jsonb, reason text) where s.v = d.v`,
    [JSON.stringify(decisions)],
  );
}

export interface ConversionSummary {
  readonly values: number;
  readonly converted: number;
  readonly unconvertible: number;
  readonly samples: readonly { value: string; profiles: number; reason: string }[];
}

/** Totals, and up to `samples` distinct values that do not convert (the most common first). */
export async function conversionSummary(sql: Sql, samples: number): Promise<ConversionSummary> {
  const totals = await sql.one<{ values: string | number; converted: string | number }>(
    `select coalesce(sum(n), 0) as values, coalesce(sum(n) filter (where reason is null), 0) as converted from field_value_stage`,
  );
  const bad = await sql.rows<{ v: string; n: string | number; reason: string }>(
    `select v, n, reason from field_value_stage where reason is not null order by n desc, v limit $1`,
    [samples],
  );
  const values = Number(totals?.values ?? 0);
  const converted = Number(totals?.converted ?? 0);
  return { values, converted, unconvertible: values - converted, samples: bad.map((b) => ({ value: b.v, profiles: Number(b.n), reason: b.reason })) };
}

/** Rewrites every value as decided: converted values are replaced, unconvertible ones removed. */
export async function applyConversions(sql: Sql, namespaceId: string, key: string): Promise<number> {
  return sql.execute(
    `update profile p set
       custom = case when s.reason is null then jsonb_set(p.custom, array[$2::text], s.new_value) else p.custom - $2 end,
       updated_at = now()
     from field_value_stage s
     where p.namespace_id = $1 and p.custom ? $2 and s.v = p.custom ->> $2`,
    [namespaceId, key],
  );
}
