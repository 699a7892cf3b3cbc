/**
 * A small FieldCatalog for tests: the standard fields plus a few custom fields of each type.
 */
import type { FieldCatalog, FieldDef, FieldType, ProfileColumn } from '../../../src/audience';

function column(name: ProfileColumn, type: FieldType, kind: FieldDef['kind'] = 'standard', enumValues?: string[]): FieldDef {
  return { name, type, kind, description: name, storage: { kind: 'column', column: name }, ...(enumValues && { enumValues }) };
}

function custom(key: string, type: FieldType): FieldDef {
  return { name: `custom.${key}`, type, kind: 'custom', description: key, storage: { kind: 'custom', key } };
}

export const TEST_FIELDS: readonly FieldDef[] = [
  column('first_name', 'string'),
  column('last_name', 'string'),
  column('birthday_day', 'number'),
  column('birthday_month', 'number'),
  column('email_hash_number', 'number', 'reserved'),
  { name: 'email', type: 'string', kind: 'channel', description: 'email', storage: { kind: 'email' } },
  column('has_email_delivered', 'boolean', 'reserved'),
  column('has_received_email', 'boolean', 'reserved'),
  column('has_control_group_halted_email', 'datetime', 'reserved'),
  column('last_email_scheduled', 'datetime', 'reserved'),
  column('last_purchase_date', 'datetime', 'reserved'),
  column('last_email_sent', 'datetime', 'reserved'),
  column('first_identified_date', 'datetime', 'reserved'),
  column('email_status', 'enum', 'channel', ['KNOWN', 'SUBSCRIBED', 'UNSUBSCRIBED']),
  {
    name: 'sms_status',
    type: 'enum',
    kind: 'channel',
    description: 'sms status',
    enumValues: ['KNOWN', 'PENDING', 'SUBSCRIBED', 'UNSUBSCRIBED'],
    storage: { kind: 'sms_status' },
  },
  { name: 'birthday', type: 'birthday', kind: 'standard', description: 'birthday', storage: { kind: 'birthday' } },
  custom('loyalty_tier', 'string'),
  custom('city', 'string'),
  custom('tier', 'string'),
  custom('score', 'number'),
  custom('visits', 'number'),
  custom('lifetime_value', 'number'),
  custom('vip', 'boolean'),
  custom('signup_date', 'datetime'),
];

export class TestCatalog implements FieldCatalog {
  private readonly byName: ReadonlyMap<string, FieldDef>;

  constructor(fields: readonly FieldDef[] = TEST_FIELDS) {
    this.byName = new Map(fields.map((field) => [field.name, field]));
  }

  lookup(name: string): FieldDef | undefined {
    return this.byName.get(name);
  }

  names(): readonly string[] {
    return [...this.byName.keys()];
  }
}

export const testCatalog = new TestCatalog();
