import type { EmailStatus, SmsOptInMethod, SmsStatus } from '../domain/consent';
import type { Sql } from './sql';

/**
 * Set-based consent changes for file imports: the current statuses of a batch are read under row
 * locks in one statement, the caller runs each through the channel's state machine
 * (`domain/consent.ts`), and the changes are applied and recorded in the consent history in two
 * statements per channel, whatever the batch size.
 */
export interface EmailChange {
  readonly profileId: number;
  readonly from: EmailStatus;
  readonly to: EmailStatus;
}

export interface SmsChange {
  readonly phone: string;
  readonly profileId: number;
  readonly from: SmsStatus;
  readonly to: SmsStatus;
  readonly method: SmsOptInMethod | null;
}

export async function lockEmailStatuses(sql: Sql, namespaceId: string, profileIds: readonly number[]): Promise<Map<number, EmailStatus | null>> {
  if (profileIds.length === 0) return new Map();
  const rows = await sql.rows<{ id: number; status: EmailStatus | null }>(
    `select p.id, p.email_status as status from profile p
     where p.namespace_id = $1 and p.id = any($2::bigint[]) order by p.id for update`,
    [namespaceId, [...new Set(profileIds)]],
  );
  return new Map(rows.map((r) => [Number(r.id), r.status]));
}

export async function lockSmsStatuses(sql: Sql, namespaceId: string, phones: readonly string[]): Promise<Map<string, { profileId: number; status: SmsStatus }>> {
  if (phones.length === 0) return new Map();
  const rows = await sql.rows<{ phone: string; profile_id: number; status: SmsStatus }>(
    `select pp.phone, pp.profile_id, pp.sms_status as status from profile_phone pp
     where pp.namespace_id = $1 and pp.phone = any($2::text[]) order by pp.phone for update`,
    [namespaceId, [...new Set(phones)]],
  );
  return new Map(rows.map((r) => [r.phone, { profileId: Number(r.profile_id), status: r.status }]));
}

export async function applyEmailChanges(sql: Sql, namespaceId: string, changes: readonly EmailChange[], source: string, actor: string): Promise<void> {
  if (changes.length === 0) return;
  const ids = changes.map((c) => c.profileId);
  await sql.execute(
    `update profile p set email_status = c.to_status, email_status_changed_at = now(), updated_at = now()
     from unnest($2::bigint[], $3::text[]) as c(profile_id, to_status)
     where p.namespace_id = $1 and p.id = c.profile_id`,
    [namespaceId, ids, changes.map((c) => c.to)],
  );
  await sql.execute(
    `insert into consent_change (namespace_id, profile_id, channel, phone, from_status, to_status, source, actor)
     select $1::uuid, c.profile_id, 'EMAIL', null, c.from_status, c.to_status, $5, $6
     from unnest($2::bigint[], $3::text[], $4::text[]) with ordinality as c(profile_id, from_status, to_status, ord) order by c.ord`,
    [namespaceId, ids, changes.map((c) => c.from), changes.map((c) => c.to), source, actor],
  );
}

export async function applySmsChanges(sql: Sql, namespaceId: string, changes: readonly SmsChange[], source: string, actor: string): Promise<void> {
  if (changes.length === 0) return;
  const phones = changes.map((c) => c.phone);
  const methods = changes.map((c) => c.method);
  await sql.execute(
    `update profile_phone pp set sms_status = c.to_status, sms_opt_in_method = c.method, sms_status_changed_at = now(),
       sms_confirmed_at = case when c.to_status = 'SUBSCRIBED' then now() else pp.sms_confirmed_at end
     from unnest($2::text[], $3::text[], $4::text[]) as c(phone, to_status, method)
     where pp.namespace_id = $1 and pp.phone = c.phone`,
    [namespaceId, phones, changes.map((c) => c.to), methods],
  );
  await sql.execute(
    `insert into consent_change (namespace_id, profile_id, channel, phone, from_status, to_status, sms_opt_in_method, source, actor)
     select $1::uuid, c.profile_id, 'SMS', c.phone, c.from_status, c.to_status, c.method, $7, $8
     from unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[]) with ordinality as c(profile_id, phone, from_status, to_status, method, ord)
     order by c.ord`,
    [namespaceId, changes.map((c) => c.profileId), phones, changes.map((c) => c.from), changes.map((c) => c.to), methods, source, actor],
  );
}
