/**
 * How the columns of an import file map to fields: by header name, case-insensitively, unless an
 * explicit mapping says otherwise. A mapping value is a field of the kind (`email`), a custom
 * field (`custom.loyalty_tier`), or null to ignore the column. Columns that map to nothing are
 * reported as unknown (never silently dropped), or become event properties for kinds that keep
 * them (purchases).
 *
 * @example
 * resolveColumns(['E-Mail', 'Tier', 'x'], { 'e-mail': 'email', tier: 'custom.tier' }, spec, new Set(['tier']))
 *   // { ok: true, columns: [{ kind: 'field', name: 'email' }, { kind: 'custom', key: 'tier' }, { kind: 'unknown' }], unknown: ['x'] }
 */
export interface ImportColumnSpec {
  /** The fields a column can map to, with the header names that map to them by default. */
  readonly fields: readonly { readonly name: string; readonly aliases?: readonly string[] }[];
  /** Groups of fields of which at least one must be present, such as `[['email', 'phone']]`. */
  readonly required: readonly (readonly string[])[];
  /** Whether a column may go to a custom field of the namespace. */
  readonly customFields: boolean;
  /** What happens to a column that maps to nothing: reported as unknown, or kept as an event property. */
  readonly extraColumns: 'unknown' | 'property';
}

export type ColumnTarget =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'custom'; readonly key: string }
  | { readonly kind: 'property'; readonly name: string }
  | { readonly kind: 'ignored' }
  | { readonly kind: 'unknown' };

/** An explicit mapping: header (any case) → field, `custom.<key>`, or null to ignore it. */
export type ImportMapping = Readonly<Record<string, string | null>>;

export type ResolvedColumns =
  | { readonly ok: true; readonly columns: readonly ColumnTarget[]; readonly unknown: readonly string[] }
  | { readonly ok: false; readonly message: string };

export const MAX_MAPPING_ENTRIES = 500;

function fold(header: string): string {
  return header.trim().toLowerCase();
}

function describeHeaders(headers: readonly string[]): string {
  return headers.length ? headers.map((h) => JSON.stringify(h)).join(', ') : '(none: the file is empty)';
}

/** Checks a mapping before the file is seen: every value names a field of the kind or a custom field. */
export function mappingProblems(mapping: ImportMapping, spec: ImportColumnSpec, customKeys: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const entries = Object.entries(mapping);
  if (entries.length > MAX_MAPPING_ENTRIES) return [`has ${entries.length} entries; at most ${MAX_MAPPING_ENTRIES} are accepted`];
  const seen = new Map<string, string>();
  for (const [header, target] of entries) {
    const key = fold(header);
    if (key === '') problems.push('maps an empty header name');
    if (seen.has(key)) problems.push(`maps the header ${JSON.stringify(header)} twice (headers match case-insensitively; also ${JSON.stringify(seen.get(key))})`);
    seen.set(key, header);
    if (target === null) continue;
    const problem = targetProblem(target, spec, customKeys);
    if (problem) problems.push(`${JSON.stringify(header)}: ${problem}`);
  }
  return problems;
}

function targetProblem(target: string, spec: ImportColumnSpec, customKeys: ReadonlySet<string>): string | undefined {
  if (target.startsWith('custom.')) {
    if (!spec.customFields) return `custom fields cannot be set by this kind of import (accepted: ${spec.fields.map((f) => f.name).join(', ')})`;
    const key = target.slice('custom.'.length);
    if (!customKeys.has(key)) {
      return `"${key}" is not a custom field of this namespace${customKeys.size ? ` (defined: ${[...customKeys].slice(0, 20).join(', ')})` : '; define it first'}`;
    }
    return undefined;
  }
  if (spec.fields.some((f) => f.name === target)) return undefined;
  return `"${target}" is not a field of this kind of import; use one of ${spec.fields.map((f) => f.name).join(', ')}${spec.customFields ? ', custom.<key>' : ''}, or null to ignore the column`;
}

/**
 * Maps the header row. Fails when a mapped header is missing, when two columns map to one field,
 * or when a required field has no column; the message lists the headers found.
 */
export function resolveColumns(headers: readonly string[], mapping: ImportMapping, spec: ImportColumnSpec, customKeys: ReadonlySet<string>): ResolvedColumns {
  const explicit = new Map(Object.entries(mapping).map(([h, t]) => [fold(h), t] as const));
  const folded = headers.map(fold);
  const missing = [...explicit.keys()].filter((h) => !folded.includes(h));
  if (missing.length) {
    return { ok: false, message: `the mapping names ${missing.map((h) => JSON.stringify(h)).join(', ')}, which the file does not have; headers found: ${describeHeaders(headers)}` };
  }
  const byAlias = new Map<string, string>();
  for (const f of spec.fields) for (const alias of [f.name, ...(f.aliases ?? [])]) byAlias.set(fold(alias), f.name);
  const customByName = new Map([...customKeys].map((k) => [fold(k), k]));

  const columns: ColumnTarget[] = [];
  const unknown: string[] = [];
  const usedBy = new Map<string, string>();
  for (const [i, header] of headers.entries()) {
    const key = folded[i]!;
    let target: ColumnTarget;
    if (explicit.has(key)) {
      const t = explicit.get(key)!;
      target = t === null ? { kind: 'ignored' } : t.startsWith('custom.') ? { kind: 'custom', key: t.slice('custom.'.length) } : { kind: 'field', name: t };
    } else if (byAlias.has(key)) {
      target = { kind: 'field', name: byAlias.get(key)! };
    } else if (spec.customFields && customByName.has(key)) {
      target = { kind: 'custom', key: customByName.get(key)! };
    } else if (spec.extraColumns === 'property' && key !== '') {
      target = { kind: 'property', name: header.trim() };
    } else {
      target = { kind: 'unknown' };
      unknown.push(header);
    }
    if (target.kind === 'field' || target.kind === 'custom' || target.kind === 'property') {
      const id = target.kind === 'field' ? target.name : target.kind === 'custom' ? `custom.${target.key}` : `property ${target.name}`;
      const other = usedBy.get(id);
      if (other !== undefined) {
        return { ok: false, message: `the columns ${JSON.stringify(other)} and ${JSON.stringify(header)} both map to ${id}; map one of them elsewhere or to null; headers found: ${describeHeaders(headers)}` };
      }
      usedBy.set(id, header);
    }
    columns.push(target);
  }
  const present = new Set(columns.flatMap((c) => (c.kind === 'field' ? [c.name] : [])));
  for (const group of spec.required) {
    if (!group.some((f) => present.has(f))) {
      const what = group.length === 1 ? `column for the required field ${group[0]}` : `column for one of ${group.join(', ')}`;
      return { ok: false, message: `the file has no ${what}; headers found: ${describeHeaders(headers)}` };
    }
  }
  return { ok: true, columns, unknown };
}

/** A parsed record with its cells by target: standard fields, custom values and extra properties. */
export interface MappedRow {
  readonly fields: ReadonlyMap<string, { readonly value: string; readonly header: string }>;
  readonly custom: readonly { readonly key: string; readonly value: string; readonly header: string }[];
  readonly properties: readonly { readonly name: string; readonly value: string; readonly header: string }[];
  /** The file's header and column targets, shared by every row of a run (not copied). */
  readonly headers: readonly string[];
  readonly columns: readonly ColumnTarget[];
}

/** Cells of one record by target. Empty cells (after trimming) are left out: an import never clears a value. */
export function mapRecord(record: readonly string[], headers: readonly string[], columns: readonly ColumnTarget[]): MappedRow {
  const fields = new Map<string, { value: string; header: string }>();
  const custom: { key: string; value: string; header: string }[] = [];
  const properties: { name: string; value: string; header: string }[] = [];
  columns.forEach((target, i) => {
    const raw = record[i] ?? '';
    if (raw.trim() === '') return;
    const header = headers[i]!;
    if (target.kind === 'field') fields.set(target.name, { value: raw, header });
    else if (target.kind === 'custom') custom.push({ key: target.key, value: raw, header });
    else if (target.kind === 'property') properties.push({ name: target.name, value: raw, header });
  });
  return { fields, custom, properties, headers, columns };
}

/** A cell that is a plain decimal number becomes a number; anything else (such as "00123") stays text. */
export function propertyValue(text: string): string | number {
  const t = text.trim();
  return /^-?(?:0|[1-9]\d{0,14})(?:\.\d{1,15})?$/.test(t) && Number.isFinite(Number(t)) ? Number(t) : t;
}
