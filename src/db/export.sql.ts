import type { Writable } from 'node:stream';
import { csvRecord, FORMULA_PREFIXES } from '../domain/csv';
import type { ExportColumn } from '../domain/export-columns';
import type { Sql, Statement } from './sql';
import { writeChunk } from './stream-sink';

/**
 * The SQL of an audience export: the segment's own compiled predicate (the statement `count`
 * runs, `p.namespace_id = $1 and (<predicate>)`) with the export's column list. Every value is
 * rendered to text by PostgreSQL, so the COPY path and the paged path produce the same bytes:
 * CSV columns are text (timestamps as ISO 8601 UTC with milliseconds, booleans `true`/`false`,
 * phones joined by `;`), and a JSON Lines row is one JSON object built in SQL.
 *
 * Column expressions come only from the fixed table below (keyed by catalog name); a custom key
 * enters only as a `$n` parameter.
 */
export type ExportFormat = 'CSV' | 'JSONL';

export interface ExportSqlOptions {
  readonly columns: readonly ExportColumn[];
  readonly format: ExportFormat;
  /** Prefix free-text CSV values that a spreadsheet would run as a formula with `'`. */
  readonly escapeFormulas: boolean;
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const isoText = (expr: string) => `to_char(${expr} at time zone 'UTC', ${ISO})`;
const PHONES_WHERE = 'from profile_phone pp where pp.namespace_id = p.namespace_id and pp.profile_id = p.id';

/** The profile columns an export may read, by catalog name (a whitelist: anything else fails closed). */
const BUILT_IN_SQL: Readonly<Record<string, string>> = {
  profile_id: 'p.id', email: 'p.email', first_name: 'p.first_name', last_name: 'p.last_name',
  birthday_day: 'p.birthday_day', birthday_month: 'p.birthday_month', email_hash_number: 'p.email_hash_number',
  has_control_group_halted_email: 'p.has_control_group_halted_email', has_email_delivered: 'p.has_email_delivered',
  has_received_email: 'p.has_received_email', last_email_scheduled: 'p.last_email_scheduled',
  last_purchase_date: 'p.last_purchase_date', last_email_sent: 'p.last_email_sent',
};

function sqlChar(ch: string): string {
  if (ch === "'") return "''''";
  if (ch.charCodeAt(0) < 32) return `chr(${ch.charCodeAt(0)})`;
  return `'${ch}'`;
}
const FORMULA_START = `(${FORMULA_PREFIXES.map(sqlChar).join(', ')})`;

/** Renders columns with their own parameters, numbered after the predicate's. */
class ColumnRenderer {
  readonly params: unknown[] = [];
  constructor(private readonly offset: number) {}

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.offset + this.params.length}::text`;
  }

  /** The column's value as text (null when missing), as CSV carries it. */
  text(column: ExportColumn, escapeFormulas: boolean): string {
    const expr = this.textValue(column);
    return escapeFormulas && column.freeText ? `case when left(${expr}, 1) in ${FORMULA_START} then '''' || ${expr} else ${expr} end` : expr;
  }

  private textValue(column: ExportColumn): string {
    if (column.source.kind === 'custom') return `(p.custom ->> ${this.param(column.source.key)})`;
    if (column.type === 'PHONES') return `(select string_agg(pp.phone, ';' order by pp.created_at, pp.phone) ${PHONES_WHERE})`;
    const expr = builtIn(column.source.field);
    if (column.type === 'DATETIME') return isoText(expr);
    return column.type === 'TEXT' ? expr : `${expr}::text`;
  }

  /** The column's value as JSON text (`null` when missing). */
  json(column: ExportColumn): string {
    if (column.source.kind === 'custom') return `coalesce((p.custom -> ${this.param(column.source.key)})::text, 'null')`;
    if (column.type === 'PHONES') return `coalesce((select json_agg(pp.phone order by pp.created_at, pp.phone) ${PHONES_WHERE})::text, '[]')`;
    const expr = builtIn(column.source.field);
    const value = column.type === 'DATETIME' ? `to_json(${isoText(expr)})::text` : column.type === 'TEXT' ? `to_json(${expr})::text` : `${expr}::text`;
    return `coalesce(${value}, 'null')`;
  }

  /** One JSON object per profile: built-in columns as keys, custom fields nested under `custom`. */
  jsonLine(columns: readonly ExportColumn[]): string {
    const members = (cols: readonly ExportColumn[], key: (c: ExportColumn) => string) =>
      cols.map((c, i) => `${i === 0 ? '' : `',' || `}${key(c)} || ${this.json(c)}`).join(' || ');
    const builtIns = columns.filter((c) => c.source.kind === 'builtin');
    const custom = columns.filter((c) => c.source.kind === 'custom');
    const parts = [`'{'`];
    if (builtIns.length) parts.push(members(builtIns, (c) => `'${JSON.stringify(c.name)}:'`));
    if (custom.length) {
      parts.push(`'${builtIns.length ? ',' : ''}"custom":{'`, members(custom, (c) => `to_json(${this.param((c.source as { key: string }).key)})::text || ':'`), `'}'`);
    }
    parts.push(`'}'`);
    return parts.join(' || ');
  }
}

function builtIn(field: string): string {
  const expr = BUILT_IN_SQL[field];
  if (!expr) throw new Error(`export column "${field}" has no SQL mapping`);
  return expr;
}

function selectList(renderer: ColumnRenderer, options: ExportSqlOptions): string {
  if (options.format === 'JSONL') return `${renderer.jsonLine(options.columns)} as line`;
  return options.columns.map((c, i) => `${renderer.text(c, options.escapeFormulas)} as c${i + 1}`).join(', ');
}

/** Every member in profile-ID order, as one statement (for COPY). */
export function exportStatement(predicate: Statement, options: ExportSqlOptions): Statement {
  const renderer = new ColumnRenderer(predicate.params.length);
  const list = selectList(renderer, options);
  return {
    sql: `select ${list} from profile p where p.namespace_id = $1 and (${predicate.sql}) order by p.id`,
    params: [...predicate.params, ...renderer.params],
  };
}

/** One keyset page of members after `afterId`, with `page_id` first (for the paged path). */
export function exportPageStatement(predicate: Statement, options: ExportSqlOptions, afterId: number, limit: number): Statement {
  const renderer = new ColumnRenderer(predicate.params.length);
  const list = selectList(renderer, options);
  const n = predicate.params.length + renderer.params.length;
  return {
    sql: `select p.id as page_id, ${list} from profile p where p.namespace_id = $1 and (${predicate.sql}) and p.id > $${n + 1} order by p.id limit $${n + 2}`,
    params: [...predicate.params, ...renderer.params, afterId, limit],
  };
}

/** COPY options that make PostgreSQL write what the format needs (JSON lines: the text as is). */
export function copyOptions(format: ExportFormat): string {
  // A JSON text never holds the bytes 0x01 or 0x02, nor CR or LF, so with them as quote and
  // delimiter COPY writes each line unquoted and unescaped.
  return format === 'CSV' ? 'format csv' : `format csv, delimiter e'\\x02', quote e'\\x01'`;
}

export const EXPORT_PAGE_SIZE = 5000;

/**
 * The paged path: keyset pages of `EXPORT_PAGE_SIZE`, each formatted and written with
 * backpressure, so memory stays bounded by one page. Used on embedded PGlite, where COPY can only
 * write the whole result into memory.
 */
export async function writeExportPages(
  sql: Sql, predicate: Statement, options: ExportSqlOptions, sink: Writable, onRows: (rows: number) => void = () => undefined,
): Promise<number> {
  let afterId = 0;
  let rows = 0;
  for (;;) {
    const page = exportPageStatement(predicate, options, afterId, EXPORT_PAGE_SIZE);
    const result = await sql.rows<Record<string, string | number | null>>(page.sql, page.params);
    if (result.length === 0) return rows;
    let chunk = '';
    for (const row of result) {
      chunk += options.format === 'JSONL' ? `${row.line as string}\n` : csvRecord(options.columns.map((_, i) => row[`c${i + 1}`] as string | null));
    }
    await writeChunk(sink, chunk);
    rows += result.length;
    onRows(rows);
    afterId = Number(result[result.length - 1]!.page_id);
    if (result.length < EXPORT_PAGE_SIZE) return rows;
  }
}
