/**
 * Behavioural events and the reserved profile fields they maintain. The rules are data: the
 * ingest SQL, the recompute SQL and the docs all read `RESERVED_FIELD_RULES`.
 */
export const BUILT_IN_EVENT_TYPES = ['purchase', 'email_scheduled', 'email_sent', 'email_delivered', 'control_group_email_halted'] as const;

export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
export const MAX_EVENT_BATCH = 1000;
export const MAX_EVENT_PROPERTIES_BYTES = 16 * 1024;
export const MAX_CLIENT_EVENT_ID_LENGTH = 200;

/** The property of an `email_scheduled` event that holds the time the email will be sent. */
export const SCHEDULED_FOR_PROPERTY = 'scheduled_for';

/**
 * How each reserved field follows from events. Every rule is monotone (a maximum or a latch), so
 * applying batches in any order, or out-of-order events, gives the same result.
 * - `max_time`: the latest event time (created_override, else created) over events of these types;
 * - `max_scheduled_for`: the latest `scheduled_for` property (else the event time);
 * - `latch`: true once any event of these types exists.
 */
export type ReservedFieldRule =
  | { readonly column: 'last_purchase_date' | 'last_email_sent' | 'has_control_group_halted_email'; readonly kind: 'max_time'; readonly types: readonly string[] }
  | { readonly column: 'last_email_scheduled'; readonly kind: 'max_scheduled_for'; readonly types: readonly string[] }
  | { readonly column: 'has_email_delivered' | 'has_received_email'; readonly kind: 'latch'; readonly types: readonly string[] };

export const RESERVED_FIELD_RULES: readonly ReservedFieldRule[] = [
  { column: 'last_purchase_date', kind: 'max_time', types: ['purchase'] },
  { column: 'last_email_sent', kind: 'max_time', types: ['email_sent'] },
  { column: 'has_control_group_halted_email', kind: 'max_time', types: ['control_group_email_halted'] },
  { column: 'last_email_scheduled', kind: 'max_scheduled_for', types: ['email_scheduled'] },
  { column: 'has_email_delivered', kind: 'latch', types: ['email_delivered'] },
  { column: 'has_received_email', kind: 'latch', types: ['email_sent', 'email_delivered'] },
];

export function eventTypeProblem(type: string): string | undefined {
  return EVENT_TYPE_PATTERN.test(type)
    ? undefined
    : `"${type}" is not a valid event type; use 1 to 64 lower-case letters, digits and underscores starting with a letter, such as purchase or viewed_product`;
}
