/**
 * Test profiles as plain data, inserted straight into `profile`, `profile_phone` and `event` with
 * SQL (the tests need arbitrary values of system-maintained columns). The reference evaluator
 * reads the same objects.
 */
import type { ProfileColumn } from '../../../src/audience';
import type { Sql } from '../../../src/db/sql';
import { foldCase } from '../../../src/text/case-fold';

export type ColumnValue = string | number | boolean | Date;

export interface TestPhone {
  readonly phone: string;
  readonly smsStatus: string;
}

export interface TestEvent {
  readonly type: string;
  readonly created: Date;
  readonly createdOverride?: Date;
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface TestProfile {
  readonly id: number;
  /** The raw address; `email_normalized` is trimmed and lower-cased. */
  readonly email?: string;
  /** Values of the profile columns, keyed by catalog column name; absent = NULL. */
  readonly columns: Readonly<Partial<Record<ProfileColumn, ColumnValue>>>;
  readonly custom: Readonly<Record<string, unknown>>;
  readonly phones: readonly TestPhone[];
  readonly events: readonly TestEvent[];
}

export function normalizedEmail(profile: TestProfile): string | undefined {
  return profile.email === undefined ? undefined : foldCase(profile.email.trim());
}

const iso = (value: ColumnValue | undefined): string | null => (value instanceof Date ? value.toISOString() : value === undefined ? null : String(value));

/** One row for `jsonb_to_recordset`, columns named as in the table. */
function profileRow(profile: TestProfile): Record<string, unknown> {
  const c = profile.columns;
  return {
    id: profile.id,
    email: profile.email ?? null,
    email_normalized: normalizedEmail(profile) ?? null,
    email_hash_number: c.email_hash_number ?? null,
    first_name: c.first_name ?? null,
    last_name: c.last_name ?? null,
    birthday_day: c.birthday_day ?? null,
    birthday_month: c.birthday_month ?? null,
    custom: profile.custom,
    email_status: c.email_status ?? null,
    first_identified_at: iso(c.first_identified_date),
    has_email_delivered: c.has_email_delivered ?? false,
    has_received_email: c.has_received_email ?? false,
    last_email_sent: iso(c.last_email_sent),
    last_email_scheduled: iso(c.last_email_scheduled),
    has_control_group_halted_email: iso(c.has_control_group_halted_email),
    last_purchase_date: iso(c.last_purchase_date),
  };
}

/** Inserts profiles with their phones and events into a namespace, in three statements. */
export async function insertProfiles(sql: Sql, namespaceId: string, profiles: readonly TestProfile[]): Promise<void> {
  if (profiles.length === 0) return;
  await sql.execute(
    `insert into profile (namespace_id, id, email, email_normalized, email_hash_number, first_name, last_name, birthday_day,
       birthday_month, custom, email_status, first_identified_at, has_email_delivered, has_received_email, last_email_sent,
       last_email_scheduled, has_control_group_halted_email, last_purchase_date)
     select $1, r.* from jsonb_to_recordset($2::jsonb) as r(id bigint, email text, email_normalized text, email_hash_number smallint,
       first_name text, last_name text, birthday_day smallint, birthday_month smallint, custom jsonb, email_status text,
       first_identified_at timestamptz, has_email_delivered boolean, has_received_email boolean, last_email_sent timestamptz,
       last_email_scheduled timestamptz, has_control_group_halted_email timestamptz, last_purchase_date timestamptz)`,
    [namespaceId, JSON.stringify(profiles.map(profileRow))],
  );
  const phones = profiles.flatMap((p) => p.phones.map((phone) => ({ profile_id: p.id, phone: phone.phone, sms_status: phone.smsStatus })));
  if (phones.length > 0) {
    await sql.execute(
      `insert into profile_phone (namespace_id, profile_id, phone, sms_status)
       select $1, r.* from jsonb_to_recordset($2::jsonb) as r(profile_id bigint, phone text, sms_status text)`,
      [namespaceId, JSON.stringify(phones)],
    );
  }
  const events = profiles.flatMap((p) =>
    p.events.map((e) => ({ profile_id: p.id, type: e.type, created: e.created.toISOString(), created_override: e.createdOverride?.toISOString() ?? null, properties: e.properties })),
  );
  if (events.length > 0) {
    await sql.execute(
      `insert into event (namespace_id, profile_id, type, created, created_override, properties)
       select $1, r.* from jsonb_to_recordset($2::jsonb) as r(profile_id bigint, type text, created timestamptz, created_override timestamptz, properties jsonb)`,
      [namespaceId, JSON.stringify(events)],
    );
  }
}

/** Removes every profile (and, by cascade, phone and event) and every snapshot of a namespace. */
export async function clearProfiles(sql: Sql, namespaceId: string): Promise<void> {
  await sql.execute('delete from profile where namespace_id = $1', [namespaceId]);
  await sql.execute('delete from segment_snapshot where namespace_id = $1', [namespaceId]);
}

/** Stores snapshots with exactly the given members (`snapshot id → profile ids`), two statements each. */
export async function insertSnapshots(sql: Sql, namespaceId: string, snapshots: ReadonlyMap<string, readonly number[]>): Promise<void> {
  for (const [id, members] of snapshots) {
    await sql.execute(
      `insert into segment_snapshot (namespace_id, id, segment_id, segment_name, segment_version, definition, text, as_of, member_count, holdout_count, created_by)
       values ($1, $2, 'seg_test', 'test', 1, '{}', '', now(), $3, 0, 'test')`,
      [namespaceId, id, members.length],
    );
    await sql.execute(
      `insert into segment_snapshot_member (namespace_id, snapshot_id, profile_id, holdout) select $1, $2, m, false from unnest($3::bigint[]) as m`,
      [namespaceId, id, [...members]],
    );
  }
}

/** A profile with nothing set, to spread overrides over. */
export function blankProfile(id: number, overrides: Partial<Omit<TestProfile, 'id'>> = {}): TestProfile {
  return { id, columns: {}, custom: {}, phones: [], events: [], ...overrides };
}

/** A profile with an email and the columns the schema requires alongside one. */
export function emailProfile(id: number, email: string, overrides: Partial<Omit<TestProfile, 'id' | 'email'>> = {}): TestProfile {
  const columns = { email_hash_number: id % 100, email_status: 'KNOWN', first_identified_date: new Date('2025-01-01T00:00:00Z'), ...overrides.columns };
  return blankProfile(id, { ...overrides, email, columns });
}
