/** Shared steps of the audience SQL tests: parse + validate + compile, and run the statements. */
import { parseText, print, validate, type FieldCatalog, type FilterNode } from '../../../src/audience';
import { compileAudience, type AudienceQuery, type Statement } from '../../../src/audience/compiler';
import type { Sql } from '../../../src/db/sql';
import { catalog as defaultCatalog } from './catalog';

/** A filter from text that must parse and validate against the catalog. */
export function filterOf(text: string, catalog: FieldCatalog = defaultCatalog): FilterNode {
  const parsed = parseText(text);
  if (!parsed.ok) throw new Error(`${text}: ${JSON.stringify(parsed.errors.map((e) => e.toJSON()))}`);
  assertValid(parsed.value, catalog);
  return parsed.value;
}

export function assertValid(filter: FilterNode, catalog: FieldCatalog = defaultCatalog, snapshots: { has(id: string): boolean } = new Set()): void {
  const valid = validate(filter, catalog, new Map<string, FilterNode>(), { snapshots });
  if (!valid.ok) throw new Error(`invalid filter ${safePrint(filter)}: ${JSON.stringify(valid.errors.map((e) => e.toJSON()))}`);
}

export function safePrint(filter: FilterNode): string {
  try {
    return print(filter);
  } catch {
    return JSON.stringify(filter);
  }
}

export function compileText(text: string, namespaceId: string, asOf: Date, catalog: FieldCatalog = defaultCatalog): AudienceQuery {
  return compileAudience(filterOf(text, catalog), { catalog, asOf, namespaceId });
}

export async function runCount(sql: Sql, query: AudienceQuery): Promise<number> {
  const statement = query.count();
  const rows = await sql.rows<{ count: number }>(statement.sql, statement.params);
  return rows[0].count;
}

/** Every member, fetched page by page with keyset pagination. */
export async function runMembers(sql: Sql, query: AudienceQuery, pageSize = 1000): Promise<number[]> {
  const ids: number[] = [];
  for (;;) {
    const statement = query.page({ afterId: ids.length === 0 ? 0 : ids[ids.length - 1], limit: pageSize, select: 'p.id' });
    const rows = await sql.rows<{ id: number }>(statement.sql, statement.params);
    ids.push(...rows.map((row) => Number(row.id)));
    if (rows.length < pageSize) return ids;
  }
}

export async function runMember(sql: Sql, query: AudienceQuery, profileId: number): Promise<boolean> {
  const statement = query.member(profileId);
  const rows = await sql.rows<{ member: boolean }>(statement.sql, statement.params);
  return rows[0].member;
}

export async function runMembership(sql: Sql, statement: Statement): Promise<string[]> {
  const rows = await sql.rows<{ key: string; profile_id: number }>(statement.sql, statement.params);
  return rows.map((row) => `${row.key}:${Number(row.profile_id)}`).sort();
}
