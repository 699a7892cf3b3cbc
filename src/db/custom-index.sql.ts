import { createHash } from 'node:crypto';
import type { CustomFieldType, CustomIndexState } from '../domain/custom-fields';
import type { Sql } from './sql';

/**
 * Expression indexes for custom fields flagged `indexed`: one partial btree per (namespace, key)
 * on exactly the expression the audience compiler writes for the field's type, so the planner
 * matches it. The DDL text is built by PostgreSQL's own `format()` with `%I`/`%L` quoting from
 * parameters; no key or namespace is spliced into SQL here.
 *
 * Every build is bracketed by the field's recorded index state (`custom_field.index_state`):
 * BUILDING is committed before the build starts, READY only after the index was found valid in
 * `pg_index`, FAILED with the database's message otherwise. A crash in between leaves BUILDING,
 * which `src/services/custom-index-repair.ts` rebuilds on the next start.
 */
const EXPRESSIONS: Readonly<Record<CustomFieldType, string>> = {
  STRING: '(custom ->> %2$L)',
  NUMBER: "(case when jsonb_typeof(custom -> %2$L) = 'number' then (custom ->> %2$L)::numeric end)",
  // The compiler compares booleans as jsonb (`p.custom -> $k = 'true'::jsonb`).
  BOOLEAN: '(custom -> %2$L)',
  DATETIME: '((custom ->> %2$L) collate "C")',
};

/** A stable index name of at most 63 bytes for (namespace, key). */
export function customIndexName(namespaceId: string, key: string): string {
  return `profile_custom_${createHash('sha256').update(`${namespaceId}/${key}`).digest('hex').slice(0, 24)}_idx`;
}

/** What `pg_index` says about an index: valid, present but invalid (a failed concurrent build), or absent. */
export type IndexPresence = 'VALID' | 'INVALID' | 'MISSING';

/** The presence of each named index, in one statement. */
export async function indexPresence(sql: Sql, names: readonly string[]): Promise<Map<string, IndexPresence>> {
  if (names.length === 0) return new Map();
  const rows = await sql.rows<{ name: string; valid: boolean | null }>(
    `select n.name, (select i.indisvalid and i.indisready from pg_index i where i.indexrelid = to_regclass(quote_ident(n.name))) as valid
     from unnest($1::text[]) as n(name)`,
    [names],
  );
  return new Map(rows.map((r) => [r.name, r.valid === null ? 'MISSING' : r.valid ? 'VALID' : 'INVALID']));
}

/** A field's index as recorded, and what `pg_index` says about it. */
export interface CustomIndexStatus {
  readonly namespaceId: string;
  readonly key: string;
  readonly type: CustomFieldType;
  readonly indexed: boolean;
  readonly state: CustomIndexState;
  readonly stateAt: Date | null;
  readonly error: string | null;
  readonly presence: IndexPresence;
}

type StatusRow = { namespace_id: string; key: string; type: CustomFieldType; indexed: boolean; index_state: CustomIndexState; index_state_at: Date | string | null; index_error: string | null };

const STATUS_COLUMNS = 'f.namespace_id, f.key, f.type, f.indexed, f.index_state, f.index_state_at, f.index_error';

/**
 * The recorded index state of the fields of `namespaceId` (those named in `keys`, or all) that are
 * indexed or have an index state, with what `pg_index` says about each.
 */
export async function customIndexStatuses(sql: Sql, namespaceId: string, keys?: readonly string[]): Promise<CustomIndexStatus[]> {
  const rows = await sql.rows<StatusRow>(
    `select ${STATUS_COLUMNS} from custom_field f
     where f.namespace_id = $1 and ($2::text[] is null or f.key = any($2::text[])) and (f.indexed or f.index_state <> 'NONE')
     order by f.key`,
    [namespaceId, keys ?? null],
  );
  return withPresence(sql, rows);
}

/** The same for every namespace: what the start-up repair checks. */
export async function allCustomIndexStatuses(sql: Sql): Promise<CustomIndexStatus[]> {
  const rows = await sql.rows<StatusRow>(
    `-- all namespaces: the start-up repair of custom-field indexes checks every namespace's indexed fields
     select ${STATUS_COLUMNS} from custom_field f where f.indexed or f.index_state <> 'NONE' order by f.namespace_id, f.key`,
  );
  return withPresence(sql, rows);
}

async function withPresence(sql: Sql, rows: readonly StatusRow[]): Promise<CustomIndexStatus[]> {
  const presence = await indexPresence(sql, rows.map((r) => customIndexName(r.namespace_id, r.key)));
  return rows.map((r) => ({
    namespaceId: r.namespace_id, key: r.key, type: r.type, indexed: r.indexed, state: r.index_state,
    stateAt: r.index_state_at === null ? null : new Date(r.index_state_at), error: r.index_error,
    presence: presence.get(customIndexName(r.namespace_id, r.key)) ?? 'MISSING',
  }));
}

/** True when the recorded state and `pg_index` agree that nothing needs doing. */
export function indexIsSound(status: Pick<CustomIndexStatus, 'indexed' | 'state' | 'presence'>): boolean {
  return status.indexed ? status.state === 'READY' && status.presence === 'VALID' : status.state === 'NONE' && status.presence === 'MISSING';
}

async function dropIndex(sql: Sql, name: string, concurrently: boolean): Promise<void> {
  const ddl = await sql.one<{ ddl: string }>(`select format($1::text, $2::text) as ddl`, [`drop index ${concurrently ? 'concurrently ' : ''}if exists %I`, name]);
  await sql.execute(ddl!.ddl);
}

/**
 * Builds (or rebuilds) the field's index for its current type: records BUILDING (a new build
 * number), drops whatever index has the name (an INVALID leftover of a failed concurrent build, or
 * the index of a former type), creates it (concurrently on PostgreSQL, so writes go on; PGlite
 * cannot), checks `pg_index` and records READY, or FAILED with the database's message. Only this
 * build's number flips the state, so a slower concurrent build never overwrites a later one.
 * Runs outside any transaction. Returns the state it recorded; NONE when the field is gone or not indexed.
 */
export async function buildCustomIndex(sql: Sql, namespaceId: string, key: string): Promise<{ state: CustomIndexState; error: string | null }> {
  const build = await sql.one<{ build: number; type: CustomFieldType }>(
    `update custom_field f set index_state = 'BUILDING', index_state_at = now(), index_error = null, index_build = f.index_build + 1
     where f.namespace_id = $1 and f.key = $2 and f.indexed returning f.index_build as build, f.type`,
    [namespaceId, key],
  );
  if (!build) return { state: 'NONE', error: null };
  const name = customIndexName(namespaceId, key);
  const concurrently = !(await sql.embedded());
  const record = async (state: CustomIndexState, error: string | null) => {
    await sql.execute(
      `update custom_field f set index_state = $4, index_state_at = now(), index_error = $5
       where f.namespace_id = $1 and f.key = $2 and f.index_build = $3 and f.index_state = 'BUILDING'`,
      [namespaceId, key, build.build, state, error],
    );
    return { state, error };
  };
  try {
    await dropIndex(sql, name, concurrently);
    // Only rows with a value: every indexed comparison implies `expr is not null`, and a smaller index is cheaper to keep.
    const template = `create index ${concurrently ? 'concurrently ' : ''}if not exists %1$I on profile (${EXPRESSIONS[build.type]}) where namespace_id = %3$L and ${EXPRESSIONS[build.type]} is not null`;
    const ddl = await sql.one<{ ddl: string }>(`select format($1::text, $2::text, $3::text, $4::text) as ddl`, [template, name, key, namespaceId]);
    await sql.execute(ddl!.ddl);
    const presence = (await indexPresence(sql, [name])).get(name);
    if (presence !== 'VALID') return await record('FAILED', `the index is ${presence === 'INVALID' ? 'invalid' : 'missing'} after its build (another build of it may have run at the same time); rebuild it`);
    return await record('READY', null);
  } catch (error) {
    // A failed concurrent build leaves an INVALID index behind; the next build drops it anyway.
    await dropIndex(sql, name, concurrently).catch(() => undefined);
    return record('FAILED', buildErrorMessage(error));
  }
}

/** Drops the field's index and records NONE (when the field still exists and is not indexed). */
export async function dropCustomIndex(sql: Sql, namespaceId: string, key: string): Promise<void> {
  await dropIndex(sql, customIndexName(namespaceId, key), !(await sql.embedded()));
  await sql.execute(
    `update custom_field f set index_state = 'NONE', index_state_at = now(), index_error = null
     where f.namespace_id = $1 and f.key = $2 and not f.indexed and f.index_state <> 'NONE'`,
    [namespaceId, key],
  );
}

/**
 * Makes the field's index match its `indexed` flag: an indexed field whose index is READY and
 * valid is left alone, any other is built (see `buildCustomIndex`); a field not indexed has its
 * index dropped. What `updateCustomField` and the bench's generator call.
 */
export async function syncCustomIndex(sql: Sql, namespaceId: string, key: string, indexed: boolean): Promise<{ state: CustomIndexState; error: string | null }> {
  if (!indexed) {
    await dropCustomIndex(sql, namespaceId, key);
    return { state: 'NONE', error: null };
  }
  const [status] = await customIndexStatuses(sql, namespaceId, [key]);
  if (status && indexIsSound(status)) return { state: status.state, error: status.error };
  return buildCustomIndex(sql, namespaceId, key);
}

/**
 * The database's own message (first line, at most 300 characters) with its SQLSTATE: it names
 * what went wrong (a timeout, a full disk, a cancelled statement), never the statement's text.
 */
export function buildErrorMessage(error: unknown): string {
  const { message, code } = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as { message?: unknown; code?: unknown };
  const text = (typeof message === 'string' && message ? message : 'unknown error').split('\n')[0]!.slice(0, 300);
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? `${text} (SQLSTATE ${code})` : text;
}
