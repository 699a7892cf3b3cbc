/**
 * Field conditions: the catalog's `FieldStorage` decides where the value lives, and every SQL
 * identifier comes from the fixed tables below, never from the field name or any user text.
 *
 * - `column`: a column of `profile p` (`first_identified_date` is `p.first_identified_at`).
 * - `email`: `p.email_normalized`, with `eq`/`neq`/`in`/`not_in` values normalized.
 * - `custom`: `p.custom ->> $key` (the key is a parameter); numbers and booleans are read
 *   through a CASE on `jsonb_typeof`, so a value of another JSON type is missing, never a failed cast;
 *   boolean (in)equality is jsonb equality, `p.custom -> $key = 'true'::jsonb` (`jsonEquality`).
 *   These expressions are a contract: `src/db/custom-index.sql.ts` builds per-field expression
 *   indexes on exactly them (and the golden tests pin them), so change both together.
 * - `sms_status`: EXISTS / NOT EXISTS over the profile's phones.
 * - `birthday`: (month, day) ranges computed in JavaScript.
 *
 * @example
 *   compileCondition({ kind: 'condition', field: 'custom.score', op: 'gt', value: 5, origin }, context)
 *   // case when jsonb_typeof(p.custom -> $2) = 'number' then (p.custom ->> $2)::numeric end > $3::numeric
 */
import { isDuration, type ConditionNode } from '../ast';
import type { FieldDef, FieldType, ProfileColumn } from '../catalog';
import { MAX_BIRTHDAY_DAYS } from '../limits';
import { OPERATORS, type OperatorName } from '../operators';
import { AudienceCompileError } from './compile-error';
import { COMPARISONS, textParam, type Predicate, type SqlType, type ValueSource } from './comparisons';
import type { CompileContext } from './context';
import { birthdayRuns } from './instants';
import { join, Param, sql, type Fragment } from './sql-fragment';

interface ColumnSpec {
  readonly expr: Fragment;
  readonly type: Exclude<SqlType, 'numeric' | 'iso_text'>;
}

/** The profile columns a condition may read: the whitelist of identifiers. */
const PROFILE_COLUMNS: ReadonlyMap<ProfileColumn, ColumnSpec> = new Map<ProfileColumn, ColumnSpec>([
  ['first_name', { expr: sql`p.first_name`, type: 'text' }],
  ['last_name', { expr: sql`p.last_name`, type: 'text' }],
  ['email_status', { expr: sql`p.email_status`, type: 'text' }],
  ['birthday_day', { expr: sql`p.birthday_day`, type: 'smallint' }],
  ['birthday_month', { expr: sql`p.birthday_month`, type: 'smallint' }],
  ['email_hash_number', { expr: sql`p.email_hash_number`, type: 'smallint' }],
  ['has_email_delivered', { expr: sql`p.has_email_delivered`, type: 'boolean' }],
  ['has_received_email', { expr: sql`p.has_received_email`, type: 'boolean' }],
  ['has_control_group_halted_email', { expr: sql`p.has_control_group_halted_email`, type: 'timestamptz' }],
  ['last_email_scheduled', { expr: sql`p.last_email_scheduled`, type: 'timestamptz' }],
  ['last_purchase_date', { expr: sql`p.last_purchase_date`, type: 'timestamptz' }],
  ['last_email_sent', { expr: sql`p.last_email_sent`, type: 'timestamptz' }],
  ['first_identified_date', { expr: sql`p.first_identified_at`, type: 'timestamptz' }],
]);

/** Which field types a column of each SQL type can serve. */
const FIELD_TYPES_BY_SQL_TYPE: Readonly<Record<ColumnSpec['type'], readonly FieldType[]>> = {
  text: ['string', 'enum'],
  smallint: ['number'],
  boolean: ['boolean'],
  timestamptz: ['datetime'],
};

function columnPredicates(expr: Fragment): Pick<ValueSource, 'present' | 'absent'> {
  return { present: sql`${expr} is not null`, absent: sql`${expr} is null` };
}

function label(def: FieldDef): string {
  return `field ${JSON.stringify(def.name)} (${def.type})`;
}

function columnSource(def: FieldDef, column: ProfileColumn, node: ConditionNode): ValueSource {
  const spec = PROFILE_COLUMNS.get(column);
  if (!spec) throw AudienceCompileError.unsupportedField(def.name, `unknown profile column ${JSON.stringify(column)}`, node.origin);
  if (!FIELD_TYPES_BY_SQL_TYPE[spec.type].includes(def.type)) {
    throw AudienceCompileError.unsupportedField(def.name, `a ${def.type} field cannot be stored in column ${JSON.stringify(column)}`, node.origin);
  }
  return { label: label(def), expr: spec.expr, type: spec.type, ...columnPredicates(spec.expr) };
}

function emailSource(def: FieldDef, node: ConditionNode, context: CompileContext): ValueSource {
  if (def.type !== 'string') throw AudienceCompileError.unsupportedField(def.name, 'an email field is a string', node.origin);
  const expr = sql`p.email_normalized`;
  return { label: label(def), expr, type: 'text', ...columnPredicates(expr), normalize: context.normalizeEmail, folded: true };
}

const JSON_TYPES = { string: sql`'string'`, number: sql`'number'`, boolean: sql`'boolean'` } as const;

/**
 * A typed value in a JSON object (`p.custom`, `e.properties`) under a key given as a parameter:
 * strings directly (`->>` never fails), numbers and booleans through a CASE on `jsonb_typeof`
 * so the cast only ever sees a value of the right JSON type. `present` is "has a non-null value".
 */
export function jsonSource(
  label: string,
  object: Fragment,
  key: Param,
  kind: 'string' | 'number' | 'boolean' | 'datetime',
  guardStrings: boolean,
): ValueSource {
  const text = sql`${object} ->> ${key}`;
  const presence = { present: sql`${text} is not null`, absent: sql`${text} is null` };
  const typed = (type: keyof typeof JSON_TYPES, value: Fragment): Fragment =>
    sql`(case when jsonb_typeof(${object} -> ${key}) = ${JSON_TYPES[type]} then ${value} end)`;
  switch (kind) {
    case 'string':
    case 'datetime':
      return { label, expr: guardStrings ? typed('string', text) : sql`(${text})`, type: kind === 'string' ? 'text' : 'iso_text', ...presence };
    case 'number':
      return { label, expr: typed('number', sql`(${text})::numeric`), type: 'numeric', ...presence };
    case 'boolean':
      return { label, expr: typed('boolean', sql`(${text})::boolean`), type: 'boolean', ...presence };
  }
}

/**
 * (In)equality with JSON strings or booleans as jsonb equality: `p.custom -> $k = $v::jsonb`,
 * with `$v` the JSON text of the value (`"shoes"`, `true`). A JSON string or boolean equals only
 * the same JSON value, which is exactly what the guarded `(case when jsonb_typeof(…) = … then …
 * end) = $v` means, for one comparison per row instead of a type check, an extraction and a cast
 * (docs/performance.md, "the misses"); and `(custom -> 'key')` is what a BOOLEAN field's index
 * is built on. A missing key is NULL, as before. Call it after the guarded comparison has checked
 * the value; other operators get `undefined`.
 */
export function jsonEquality(object: Fragment, key: Param, op: OperatorName, value: unknown): Predicate | undefined {
  const json = sql`${object} -> ${key}`;
  const list = () => new Param((value as readonly unknown[]).map((item) => JSON.stringify(item)));
  switch (op) {
    case 'eq':
      return { sql: sql`${json} = ${new Param(JSON.stringify(value))}::jsonb`, nullable: true };
    case 'neq':
      return { sql: sql`${json} is distinct from ${new Param(JSON.stringify(value))}::jsonb`, nullable: false };
    case 'in':
      return { sql: sql`${json} = any(${list()}::jsonb[])`, nullable: true };
    case 'not_in':
      return { sql: sql`(${json} = any(${list()}::jsonb[])) is not true`, nullable: false };
    default:
      return undefined;
  }
}

function customSource(def: FieldDef, key: string, node: ConditionNode): ValueSource {
  const keyParam = textParam(key, 'A custom field key', node.origin);
  switch (def.type) {
    case 'string':
    case 'enum':
      return jsonSource(label(def), sql`p.custom`, keyParam, 'string', false);
    case 'number':
    case 'boolean':
    case 'datetime':
      return jsonSource(label(def), sql`p.custom`, keyParam, def.type, false);
    default:
      throw AudienceCompileError.unsupportedField(def.name, `a custom field cannot be of type ${def.type}`, node.origin);
  }
}

function phoneExists(condition?: Fragment): Fragment {
  const base = sql`select 1 from profile_phone ph where ph.namespace_id = p.namespace_id and ph.profile_id = p.id`;
  return condition ? sql`exists (${base} and ${condition})` : sql`exists (${base})`;
}

/** sms_status is per phone: "some phone is in state X"; the complements are NOT EXISTS. */
function smsStatus(def: FieldDef, node: ConditionNode, context: CompileContext): Predicate {
  if (def.type !== 'enum') throw AudienceCompileError.unsupportedField(def.name, 'sms_status is an enum', node.origin);
  const source: ValueSource = { label: label(def), expr: sql`ph.sms_status`, type: 'text', present: sql`true`, absent: sql`false` };
  const at = { asOfMs: context.asOfMs, at: node.origin };
  const some = (op: 'eq' | 'in'): Fragment => phoneExists(COMPARISONS[op](source, node.value, at).sql);
  const none = (fragment: Fragment): Predicate => ({ sql: sql`not ${fragment}`, nullable: false });
  switch (node.op) {
    case 'eq':
    case 'in':
      return { sql: some(node.op), nullable: false };
    case 'neq':
      return none(some('eq'));
    case 'not_in':
      return none(some('in'));
    case 'is_set':
    case 'is_not_set':
      if (node.value !== undefined) throw AudienceCompileError.invalidValue(`Operator ${node.op} takes no value.`, node.origin);
      return node.op === 'is_set' ? { sql: phoneExists(), nullable: false } : none(phoneExists());
    default:
      throw AudienceCompileError.operatorNotAllowed(node.op, label(def), node.origin);
  }
}

/** `birthday within_next N days`: one `(month = m and day between a and b)` per run of days. */
function birthday(def: FieldDef, node: ConditionNode, context: CompileContext): Predicate {
  if (def.type !== 'birthday' || node.op !== 'within_next') throw AudienceCompileError.operatorNotAllowed(node.op, label(def), node.origin);
  const value = node.value;
  if (!isDuration(value) || value.unit !== 'day' || !Number.isInteger(value.amount) || value.amount < 0 || value.amount > MAX_BIRTHDAY_DAYS) {
    throw AudienceCompileError.invalidValue(`birthday within_next takes 0 to ${MAX_BIRTHDAY_DAYS} days, got ${JSON.stringify(value)}.`, node.origin);
  }
  const runs = birthdayRuns(context.asOfMs, value.amount);
  if (!runs) return { sql: sql`(p.birthday_month is not null and p.birthday_day is not null)`, nullable: false };
  const ranges = runs.map(
    (run) =>
      sql`(p.birthday_month = ${new Param(run.month)}::int and p.birthday_day between ${new Param(run.from)}::int and ${new Param(run.to)}::int)`,
  );
  return { sql: ranges.length === 1 ? ranges[0] : sql`(${join(ranges, ' or ')})`, nullable: true };
}

function lookup(node: ConditionNode, context: CompileContext): FieldDef {
  const def = typeof node.field === 'string' ? context.catalog.lookup(node.field) : undefined;
  if (!def) throw AudienceCompileError.unknownField(String(node.field), node.origin);
  const spec = Object.hasOwn(OPERATORS, node.op) ? OPERATORS[node.op as OperatorName] : undefined;
  if (!spec || !spec.appliesTo.includes(def.type)) throw AudienceCompileError.operatorNotAllowed(String(node.op), label(def), node.origin);
  return def;
}

/** The positive predicate of a field condition. */
export function compileCondition(node: ConditionNode, context: CompileContext): Predicate {
  const def = lookup(node, context);
  const storage = def.storage;
  let source: ValueSource;
  switch (storage?.kind) {
    case 'column':
      source = columnSource(def, storage.column, node);
      break;
    case 'email':
      source = emailSource(def, node, context);
      break;
    case 'custom':
      if (typeof storage.key !== 'string') throw AudienceCompileError.unsupportedField(def.name, 'a custom key is a string', node.origin);
      source = customSource(def, storage.key, node);
      break;
    case 'sms_status':
      return smsStatus(def, node, context);
    case 'birthday':
      return birthday(def, node, context);
    default:
      throw AudienceCompileError.unsupportedField(def.name, 'unknown storage', node.origin);
  }
  const guarded = COMPARISONS[node.op](source, node.value, { asOfMs: context.asOfMs, at: node.origin });
  if (storage.kind === 'custom' && def.type === 'boolean') return jsonEquality(sql`p.custom`, textParam(storage.key, 'A custom field key', node.origin), node.op, node.value) ?? guarded;
  return guarded;
}

