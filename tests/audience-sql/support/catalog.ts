/**
 * The FieldCatalog of the audience SQL tests: the standard fields with their real storage, and
 * one custom field of each type (plus a second string field).
 */
import type { FieldCatalog, FieldDef, FieldType, ProfileColumn } from '../../../src/audience';

function column(name: ProfileColumn, type: FieldType, enumValues?: readonly string[]): FieldDef {
  return { name, type, kind: 'standard', description: name, storage: { kind: 'column', column: name }, ...(enumValues && { enumValues }) };
}

export function customField(key: string, type: FieldType): FieldDef {
  return { name: `custom.${key}`, type, kind: 'custom', description: key, storage: { kind: 'custom', key } };
}

export const EMAIL_STATUSES = ['KNOWN', 'SUBSCRIBED', 'UNSUBSCRIBED'] as const;
export const SMS_STATUSES = ['KNOWN', 'PENDING', 'SUBSCRIBED', 'UNSUBSCRIBED'] as const;

export const SQL_TEST_FIELDS: readonly FieldDef[] = [
  column('first_name', 'string'),
  column('last_name', 'string'),
  column('birthday_day', 'number'),
  column('birthday_month', 'number'),
  column('email_hash_number', 'number'),
  { name: 'email', type: 'string', kind: 'channel', description: 'email', storage: { kind: 'email' } },
  column('has_email_delivered', 'boolean'),
  column('has_received_email', 'boolean'),
  column('has_control_group_halted_email', 'datetime'),
  column('last_email_scheduled', 'datetime'),
  column('last_purchase_date', 'datetime'),
  column('last_email_sent', 'datetime'),
  column('first_identified_date', 'datetime'),
  column('email_status', 'enum', EMAIL_STATUSES),
  { name: 'sms_status', type: 'enum', kind: 'channel', description: 'sms', enumValues: SMS_STATUSES, storage: { kind: 'sms_status' } },
  { name: 'birthday', type: 'birthday', kind: 'standard', description: 'birthday', storage: { kind: 'birthday' } },
  customField('tier', 'string'),
  customField('city', 'string'),
  customField('score', 'number'),
  customField('vip', 'boolean'),
  customField('signup_date', 'datetime'),
];

export class SqlTestCatalog implements FieldCatalog {
  private readonly byName: ReadonlyMap<string, FieldDef>;

  constructor(readonly fields: readonly FieldDef[] = SQL_TEST_FIELDS) {
    this.byName = new Map(fields.map((field) => [field.name, field]));
  }

  lookup(name: string): FieldDef | undefined {
    return this.byName.get(name);
  }

  names(): readonly string[] {
    return [...this.byName.keys()];
  }
}

export const catalog = new SqlTestCatalog();
