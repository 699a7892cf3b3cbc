import type { FieldCatalog, FieldDef, FieldType, ProfileColumn } from '../audience';
import type { CustomFieldRow } from '../db/entities';
import type { CustomFieldType } from '../domain/custom-fields';
import { BUILT_IN_FIELDS, type FieldDataType, type ProfileFieldSpec } from '../domain/profile-fields';

const TYPE: Record<FieldDataType, FieldType> = {
  STRING: 'string', NUMBER: 'number', BOOLEAN: 'boolean', DATETIME: 'datetime', ENUM: 'enum', EMAIL: 'string', BIRTHDAY: 'birthday',
};
const CUSTOM_TYPE: Record<CustomFieldType, FieldType> = { STRING: 'string', NUMBER: 'number', BOOLEAN: 'boolean', DATETIME: 'datetime' };

function builtIn(spec: ProfileFieldSpec): FieldDef {
  const storage: FieldDef['storage'] =
    spec.name === 'email' ? { kind: 'email' }
    : spec.name === 'sms_status' ? { kind: 'sms_status' }
    : spec.name === 'birthday' ? { kind: 'birthday' }
    : { kind: 'column', column: spec.name as ProfileColumn };
  return {
    name: spec.name,
    type: TYPE[spec.type],
    kind: spec.kind === 'STANDARD' ? 'standard' : spec.kind === 'RESERVED' ? 'reserved' : spec.kind === 'DIMENSION' ? 'dimension' : 'channel',
    description: spec.description,
    ...(spec.enumValues ? { enumValues: spec.enumValues } : {}),
    storage,
  };
}

const BUILT_IN_DEFS = BUILT_IN_FIELDS.map(builtIn);

/**
 * The field catalog of one namespace, for the audience library: every built-in field plus the
 * namespace's custom fields as `custom.<key>`.
 */
export function namespaceCatalog(customFields: readonly CustomFieldRow[]): FieldCatalog {
  const defs = new Map<string, FieldDef>(BUILT_IN_DEFS.map((d) => [d.name, d]));
  for (const f of customFields) {
    defs.set(`custom.${f.key}`, {
      name: `custom.${f.key}`,
      type: CUSTOM_TYPE[f.type],
      kind: 'custom',
      description: f.description,
      storage: { kind: 'custom', key: f.key },
    });
  }
  const names = [...defs.keys()];
  return { lookup: (name) => defs.get(name), names: () => names };
}
