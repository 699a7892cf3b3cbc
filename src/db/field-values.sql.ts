/**
 * A bounded sample of the string values of custom fields (issue 13 §1, the unseen-value warning):
 * the distinct string values each field has among the namespace's most recent profiles. One
 * statement for every field a filter needs, reading at most `SAMPLE_PROFILES` profiles along the
 * primary key whatever the namespace's size, and returning at most `maxValues` values per field.
 */
import type { Sql } from './sql';

/** How many of the namespace's newest profiles the sample reads. */
export const SAMPLE_PROFILES = 10_000;

/** The sample: per custom-field key its distinct string values (sorted, at most `maxValues`), and whether it read every profile of the namespace. */
export interface FieldValueSample {
  readonly values: ReadonlyMap<string, readonly string[]>;
  readonly complete: boolean;
}

export async function sampleFieldValues(sql: Sql, namespaceId: string, keys: readonly string[], maxValues: number): Promise<FieldValueSample> {
  if (keys.length === 0) return { values: new Map(), complete: true };
  const rows = await sql.rows<{ key: string; vals: string[]; sampled: number }>(
    `with sample as materialized (
       select p.custom from profile p where p.namespace_id = $1 order by p.id desc limit $3
     )
     select k.key, array(
       select d.v from (select distinct s.custom ->> k.key as v from sample s where jsonb_typeof(s.custom -> k.key) = 'string') d
       order by d.v collate "C" limit $4
     ) as vals, (select count(*)::int from sample) as sampled
     from unnest($2::text[]) as k(key)`,
    [namespaceId, keys, SAMPLE_PROFILES, maxValues],
    { label: 'profile.sample_field_values' },
  );
  return { values: new Map(rows.map((row) => [row.key, row.vals])), complete: (rows[0]?.sampled ?? 0) < SAMPLE_PROFILES };
}
