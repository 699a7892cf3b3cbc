/**
 * "Which of these saved segments does each profile of this page belong to?" in one statement:
 * a UNION ALL of one select per segment, each returning `(key, profile_id)` for the listed
 * profiles that match (each predicate in its row-by-row form: event counts as `exists (… offset n-1)`,
 * which stop at the n-th event of each listed profile). Every entry's parameters are renumbered into the one statement; the
 * namespace (`$1`) and the profile ids (`$2`) are shared.
 *
 * @example
 *   membershipStatement([{ key: 'seg_vip', query: vip }, { key: 'seg_new', query: fresh }], [10, 11, 12])
 *   // select $3::text as key, p.id as profile_id from profile p where p.namespace_id = $1
 *   //   and p.id = any($2::bigint[]) and (...) union all select $5::text as key, ...
 */
import { AudienceCompileError } from './compile-error';
import { compiledParts, statement, type AudienceQuery, type Statement } from './compile';
import { join, Numbering, Param, sql } from './sql-fragment';
import { checkText } from './text';

export interface MembershipEntry {
  /** Returned as `key` for each matching profile, e.g. a segment id. */
  readonly key: string;
  readonly query: AudienceQuery;
}

/** Rows `(key text, profile_id bigint)`: one per entry and listed profile the entry's filter matches. */
export function membershipStatement(entries: readonly MembershipEntry[], profileIds: readonly number[]): Statement {
  if (!Array.isArray(profileIds) || !profileIds.every((id) => Number.isSafeInteger(id))) {
    throw AudienceCompileError.invalidOptions('profileIds must be whole numbers.');
  }
  if (entries.length === 0) return Object.freeze({ sql: 'select null::text as key, null::bigint as profile_id where false', params: Object.freeze([]) });
  const parts = entries.map((entry) => compiledParts(entry.query));
  const namespace = parts[0].namespace;
  if (parts.some((part) => part.namespace.value !== namespace.value)) {
    throw AudienceCompileError.invalidOptions('All queries of a membership statement must belong to one namespace.');
  }
  const numbering = new Numbering();
  numbering.numberOf(namespace);
  const ids = new Param([...profileIds]);
  numbering.numberOf(ids);
  for (const part of parts) numbering.alias(part.namespace, namespace);
  const selects = entries.map((entry, i) => {
    const key = new Param(checkText(String(entry.key), 'A membership key', { path: `/${i}` }));
    return sql`select ${key}::text as key, p.id as profile_id from profile p where p.namespace_id = ${namespace} and p.id = any(${ids}::bigint[]) and (${parts[i].rows})`;
  });
  return statement(namespace, join(selects, ' union all '), numbering);
}
