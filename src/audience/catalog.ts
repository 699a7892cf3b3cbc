/**
 * The audience library sees a namespace's fields only through this interface. The service layer
 * builds one per namespace from the standard, reserved, dimension and custom field definitions.
 *
 * @example
 *   const def = catalog.lookup('custom.loyalty_tier');
 *   // { name: 'custom.loyalty_tier', type: 'string', kind: 'custom', storage: { kind: 'custom', key: 'loyalty_tier' }, ... }
 */
export type FieldType = 'string' | 'number' | 'boolean' | 'datetime' | 'enum' | 'birthday';

export type FieldKind = 'standard' | 'reserved' | 'dimension' | 'channel' | 'custom';

/** Profile columns a condition may read. The compiler maps each to a fixed SQL identifier. */
export type ProfileColumn =
  | 'first_name'
  | 'last_name'
  | 'birthday_day'
  | 'birthday_month'
  | 'email_hash_number'
  | 'has_control_group_halted_email'
  | 'has_email_delivered'
  | 'has_received_email'
  | 'last_email_scheduled'
  | 'last_purchase_date'
  | 'last_email_sent'
  | 'email_status'
  | 'first_identified_date';

/** Where a field's value lives, so the compiler can reach it without trusting user text. */
export type FieldStorage =
  | { readonly kind: 'column'; readonly column: ProfileColumn }
  /** The profile's email: compared through its normalized form. */
  | { readonly kind: 'email' }
  /** A typed custom field in the profile's `custom` JSON object. The key goes into SQL as a parameter. */
  | { readonly kind: 'custom'; readonly key: string }
  /** Per-phone SMS status: true when at least one of the profile's phones is in the state. */
  | { readonly kind: 'sms_status' }
  /** The (birthday_month, birthday_day) pair. */
  | { readonly kind: 'birthday' };

export interface FieldDef {
  /** The name used in filters: `first_name`, `email_status`, `custom.loyalty_tier`. */
  readonly name: string;
  readonly type: FieldType;
  readonly kind: FieldKind;
  readonly description: string;
  /** The allowed values of an `enum` field, upper case. */
  readonly enumValues?: readonly string[];
  readonly storage: FieldStorage;
}

export interface FieldCatalog {
  /** The definition of a field, or undefined when the namespace has no such field. */
  lookup(name: string): FieldDef | undefined;
  /** Every field name, for "did you mean" suggestions. */
  names(): readonly string[];
}

/** A JSON type as `jsonb_typeof` names it. */
export type JsonType = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null';

/**
 * What a namespace's events have looked like: the event types seen and, per type, the top-level
 * property names seen with the JSON types their values had. The service keeps it at ingest
 * (`src/db/event-catalog.sql.ts`); the library only reads it, for warnings (`eventWarnings`).
 *
 * @example
 *   catalog.types()                         // ['open', 'purchase']
 *   catalog.properties('purchase')          // Map { 'total' => ['number'], 'category' => ['string'] }
 *   catalog.properties('purchse')           // undefined: never seen
 */
export interface EventCatalog {
  types(): readonly string[];
  properties(eventType: string): ReadonlyMap<string, readonly JsonType[]> | undefined;
}
