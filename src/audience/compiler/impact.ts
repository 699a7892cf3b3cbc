/**
 * "What changes if I save this?" in one statement: two compiled audiences of one namespace (the
 * saved definition `before`, the proposed one `after`) are compared in a single scan of the
 * profiles matching either predicate. Each candidate gets two flags, and the figures are filtered
 * aggregates over them (`count(*) filter (where m.after and not m.before)`); the samples are the
 * lowest profile ids of each side. It is not two full evaluations: the `or` of both predicates
 * drives the scan (so indexes and semi-joins still apply), and the flags are computed only for
 * the candidates.
 *
 * @example
 *   const { sql, params } = impactStatement(saved, proposed, 5);
 *   // with m as materialized (select p.id, coalesce((…), false) as before, coalesce((…), false) as after
 *   //   from profile p where p.namespace_id = $1 and ((…) or (…)))
 *   // select c.before_count, c.after_count, c.added_count, c.removed_count,
 *   //   array(select m.id from m where m.after and not m.before order by m.id limit $n) as added_sample, …
 *   // rows: [{ before_count, after_count, added_count, removed_count, added_sample: number[], removed_sample: number[] }]
 */
import { AudienceCompileError } from './compile-error';
import { compiledParts, statement, type AudienceQuery, type Statement } from './compile';
import { Numbering, Param, sql } from './sql-fragment';

/** The row an impact statement returns. Counts are bigint (numbers once parsed). */
export interface ImpactRow {
  readonly before_count: number;
  readonly after_count: number;
  readonly added_count: number;
  readonly removed_count: number;
  /** Up to `sampleSize` ids in `after` but not in `before`, ascending. */
  readonly added_sample: readonly number[];
  /** Up to `sampleSize` ids in `before` but not in `after`, ascending. */
  readonly removed_sample: readonly number[];
}

/** One statement comparing the members of `before` and `after` (see the module comment). */
export function impactStatement(before: AudienceQuery, after: AudienceQuery, sampleSize: number): Statement {
  if (!Number.isSafeInteger(sampleSize) || sampleSize < 0) throw AudienceCompileError.invalidOptions('sampleSize must be a whole number of at least 0.');
  const a = compiledParts(before);
  const b = compiledParts(after);
  if (a.namespace.value !== b.namespace.value) throw AudienceCompileError.invalidOptions('Both queries of an impact statement must belong to one namespace.');
  const numbering = new Numbering();
  numbering.numberOf(a.namespace);
  numbering.alias(b.namespace, a.namespace);
  const limit = new Param(sampleSize);
  const ns = a.namespace;
  const text = sql`with m as materialized (
  select p.id, coalesce((${a.predicate}), false) as before, coalesce((${b.predicate}), false) as after
  from profile p where p.namespace_id = ${ns} and ((${a.predicate}) or (${b.predicate}))
)
select c.before_count, c.after_count, c.added_count, c.removed_count,
  array(select m.id from m where m.after and not m.before order by m.id limit ${limit}) as added_sample,
  array(select m.id from m where m.before and not m.after order by m.id limit ${limit}) as removed_sample
from (select count(*) filter (where m.before)::bigint as before_count, count(*) filter (where m.after)::bigint as after_count,
  count(*) filter (where m.after and not m.before)::bigint as added_count, count(*) filter (where m.before and not m.after)::bigint as removed_count
  from m) c`;
  return statement(ns, text, numbering);
}
