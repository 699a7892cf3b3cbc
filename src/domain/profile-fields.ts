/**
 * The built-in profile fields: standard (client data), reserved (system-maintained), channel and
 * dimension (computed) fields. Names are the source document's snake_case; `graphqlName` is the
 * camelCase field on the GraphQL `Profile` type. Descriptions come from the source document.
 */
export type FieldDataType = 'STRING' | 'NUMBER' | 'BOOLEAN' | 'DATETIME' | 'ENUM' | 'EMAIL' | 'BIRTHDAY';
export type FieldKindName = 'STANDARD' | 'RESERVED' | 'CHANNEL' | 'DIMENSION' | 'CUSTOM';

export interface ProfileFieldSpec {
  readonly name: string;
  readonly graphqlName: string;
  readonly kind: FieldKindName;
  readonly type: FieldDataType;
  readonly description: string;
  readonly enumValues?: readonly string[];
  /** Clients may write it (standard fields only). */
  readonly writable: boolean;
  /** Appears in audience exports. Dimensions never do. */
  readonly exportable: boolean;
}

export const BUILT_IN_FIELDS: readonly ProfileFieldSpec[] = [
  {
    name: 'first_name', graphqlName: 'firstName', kind: 'STANDARD', type: 'STRING', writable: true, exportable: true,
    description: "The customer's first name.",
  },
  {
    name: 'last_name', graphqlName: 'lastName', kind: 'STANDARD', type: 'STRING', writable: true, exportable: true,
    description: "The customer's last name (surname) or any name following the first name, including hyphenated names when applicable.",
  },
  {
    name: 'birthday_day', graphqlName: 'birthdayDay', kind: 'STANDARD', type: 'NUMBER', writable: true, exportable: true,
    description: "Customer's day of birth: a number between 1 and 31.",
  },
  {
    name: 'birthday_month', graphqlName: 'birthdayMonth', kind: 'STANDARD', type: 'NUMBER', writable: true, exportable: true,
    description: "Customer's birth month: a number between 1 and 12 (imports may also send the month's name).",
  },
  {
    name: 'email', graphqlName: 'email', kind: 'STANDARD', type: 'EMAIL', writable: true, exportable: true,
    description: 'The primary email address for this Customer Profile: the only email channel ID whose eligibility is managed and that is delivered to. Must be a mailbox as specified in RFC 5321 / RFC 6531 (UTF-8).',
  },
  {
    name: 'birthday', graphqlName: 'birthday', kind: 'STANDARD', type: 'BIRTHDAY', writable: false, exportable: false,
    description: 'The birthday_month and birthday_day pair, for "birthday within next N days" audiences. A 29 February birthday falls on 28 February in other years.',
  },
  {
    name: 'email_hash_number', graphqlName: 'emailHashNumber', kind: 'RESERVED', type: 'NUMBER', writable: false, exportable: true,
    description: 'A number between 0 and 99 from a deterministic hash of the normalized email address (first 4 bytes of SHA-256, unsigned big-endian, modulo 100). Used for randomizing a segment into a holdout group.',
  },
  {
    name: 'has_control_group_halted_email', graphqlName: 'hasControlGroupHaltedEmail', kind: 'RESERVED', type: 'DATETIME', writable: false, exportable: true,
    description: 'Timestamp indicating the last time an email was halted due to the customer being in a control group (ISO 8601).',
  },
  {
    name: 'has_email_delivered', graphqlName: 'hasEmailDelivered', kind: 'RESERVED', type: 'BOOLEAN', writable: false, exportable: true,
    description: "Indicates whether an email-delivered event has been detected, helping determine the email address's deliverability.",
  },
  {
    name: 'has_received_email', graphqlName: 'hasReceivedEmail', kind: 'RESERVED', type: 'BOOLEAN', writable: false, exportable: true,
    description: 'Indicates whether this customer has previously received an email from this namespace (an email was sent or delivered).',
  },
  {
    name: 'last_email_scheduled', graphqlName: 'lastEmailScheduled', kind: 'RESERVED', type: 'DATETIME', writable: false, exportable: true,
    description: "The most recent time an email was scheduled to be sent to the customer: the latest email_scheduled event's scheduled_for property, else its time.",
  },
  {
    name: 'last_purchase_date', graphqlName: 'lastPurchaseDate', kind: 'RESERVED', type: 'DATETIME', writable: false, exportable: true,
    description: "Timestamp of the customer's most recent purchase: the latest created_override (else created) over the profile's purchase events, whatever order they arrive in.",
  },
  {
    name: 'last_email_sent', graphqlName: 'lastEmailSent', kind: 'RESERVED', type: 'DATETIME', writable: false, exportable: true,
    description: 'The last time an email was sent to this email address.',
  },
  {
    name: 'sms_status', graphqlName: 'smsStatus', kind: 'CHANNEL', type: 'ENUM', writable: false, exportable: false,
    enumValues: ['KNOWN', 'PENDING', 'SUBSCRIBED', 'UNSUBSCRIBED'],
    description: "SMS/MMS eligibility, per phone. In audiences, `sms_status eq X` means at least one of the profile's phones is in state X; a profile without phones has none.",
  },
  {
    name: 'email_status', graphqlName: 'emailStatus', kind: 'DIMENSION', type: 'ENUM', writable: false, exportable: false,
    enumValues: ['KNOWN', 'SUBSCRIBED', 'UNSUBSCRIBED'],
    description: 'Reflects the most recent email channel eligibility status for this Customer Profile: KNOWN, SUBSCRIBED or UNSUBSCRIBED; null when no email is known. Available for segmentation but not in audience exports.',
  },
  {
    name: 'first_identified_date', graphqlName: 'firstIdentifiedDate', kind: 'DIMENSION', type: 'DATETIME', writable: false, exportable: false,
    description: 'The first date an email address was ingested or directly captured for this profile. It never moves later. Available for segmentation but not in audience exports.',
  },
];

/**
 * The one rule for what leaves the system in an audience export: a field is exported only when
 * its spec says so AND it is not a dimension. A dimension added later (or one flagged exportable
 * by mistake) therefore never leaks; `export-columns.ts` and the catalog API both ask here.
 *
 * @example isExportable(BUILT_IN_FIELDS.find((f) => f.name === 'email_status')!) // false
 */
export function isExportable(spec: ProfileFieldSpec): boolean {
  return spec.exportable && spec.kind !== 'DIMENSION';
}

/** `loyalty_tier` → `loyaltyTier`. */
export function camelCase(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
