import type { CustomFieldType } from './custom-fields';
import { BUILT_IN_FIELDS, isExportable, type FieldDataType, type ProfileFieldSpec } from './profile-fields';

/**
 * The columns an audience export can carry: the primary IDs (`profile_id`, `email`, `phones`),
 * the standard and reserved fields the catalog marks exportable, and the namespace's custom fields
 * as `custom.<key>`. Dimensions are never among them (`isExportable`).
 */
export type ExportValueType = 'ID' | 'TEXT' | 'PHONES' | 'NUMBER' | 'BOOLEAN' | 'DATETIME';

export interface ExportColumn {
  /** The column's name in the CSV header and the JSON key: `email`, `custom.loyalty_tier`. */
  readonly name: string;
  readonly type: ExportValueType;
  /** Where the value lives: a built-in field (by its catalog name) or a custom key. */
  readonly source: { readonly kind: 'builtin'; readonly field: string } | { readonly kind: 'custom'; readonly key: string };
  /** Free text a person typed (names, emails, custom strings): the values spreadsheet formula escaping applies to. */
  readonly freeText: boolean;
}

const BUILT_IN_TYPE: Readonly<Partial<Record<FieldDataType, ExportValueType>>> = {
  STRING: 'TEXT', EMAIL: 'TEXT', NUMBER: 'NUMBER', BOOLEAN: 'BOOLEAN', DATETIME: 'DATETIME',
};
const CUSTOM_TYPE: Readonly<Record<CustomFieldType, ExportValueType>> = { STRING: 'TEXT', NUMBER: 'NUMBER', BOOLEAN: 'BOOLEAN', DATETIME: 'DATETIME' };

const PROFILE_ID: ExportColumn = { name: 'profile_id', type: 'ID', source: { kind: 'builtin', field: 'profile_id' }, freeText: false };
const PHONES: ExportColumn = { name: 'phones', type: 'PHONES', source: { kind: 'builtin', field: 'phones' }, freeText: false };

function builtInColumn(spec: ProfileFieldSpec): ExportColumn | undefined {
  const type = BUILT_IN_TYPE[spec.type];
  if (!isExportable(spec) || !type) return undefined;
  return { name: spec.name, type, source: { kind: 'builtin', field: spec.name }, freeText: type === 'TEXT' };
}

/** The built-in export columns in their default order: IDs first, then standard, then reserved fields. */
export const BUILT_IN_EXPORT_COLUMNS: readonly ExportColumn[] = (() => {
  const fields = BUILT_IN_FIELDS.flatMap((spec) => {
    const column = builtInColumn(spec);
    return column ? [{ spec, column }] : [];
  });
  const email = fields.find((f) => f.spec.name === 'email')!.column;
  const rest = fields.filter((f) => f.spec.name !== 'email');
  return [
    PROFILE_ID, email, PHONES,
    ...rest.filter((f) => f.spec.kind === 'STANDARD').map((f) => f.column),
    ...rest.filter((f) => f.spec.kind === 'RESERVED').map((f) => f.column),
  ];
})();

/** Every column a namespace with these custom fields can export, in the default order (custom fields by key). */
export function exportColumnsFor(customFields: readonly { key: string; type: CustomFieldType }[]): ExportColumn[] {
  const custom = [...customFields]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((f): ExportColumn => ({ name: `custom.${f.key}`, type: CUSTOM_TYPE[f.type], source: { kind: 'custom', key: f.key }, freeText: f.type === 'STRING' }));
  return [...BUILT_IN_EXPORT_COLUMNS, ...custom];
}

/** Why a catalog field that is not an export column cannot be exported, or undefined when it is unknown. */
export function notExportableReason(name: string): string | undefined {
  const spec = BUILT_IN_FIELDS.find((f) => f.name === name);
  if (!spec) return undefined;
  if (spec.kind === 'DIMENSION') return `"${name}" is a dimension: it can be used to build segments, but dimensions are never exported`;
  if (spec.name === 'birthday') return '"birthday" is the month-and-day pair audiences filter on; export "birthday_month" and "birthday_day" instead';
  if (spec.kind === 'CHANNEL') return `"${name}" is per-phone SMS eligibility, which exports do not carry; export "phones", and filter the segment on "${name}"`;
  return `"${name}" is not exported`;
}
