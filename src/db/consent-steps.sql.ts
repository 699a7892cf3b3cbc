import type { ConsentSource, EmailStatus, SmsOptInMethod, SmsStatus } from '../domain/consent';
import type { Sql } from './sql';

/**
 * Consent changes of a profile batch, set-based: the stored statuses of the batch's emails and
 * phones are read under row locks (two statements, before identity resolution), and the changes
 * the batch's writes make are applied and recorded in the consent history (four statements at
 * most), whatever the batch size. The state machines run in between, in `domain/consent-write.ts`.
 */
export async function lockStoredStatuses(sql: Sql, namespaceId: string, emails: readonly string[], phones: readonly string[]): Promise<{ emails: Map<string, EmailStatus>; phones: Map<string, SmsStatus> }> {
  const emailRows = emails.length
    ? await sql.rows<{ email: string; status: EmailStatus | null }>(
        `select email_normalized as email, email_status as status from profile
         where namespace_id = $1 and email_normalized = any($2::text[]) order by id for update`,
        [namespaceId, [...new Set(emails)]],
      )
    : [];
  const phoneRows = phones.length
    ? await sql.rows<{ phone: string; status: SmsStatus }>(
        `select phone, sms_status as status from profile_phone
         where namespace_id = $1 and phone = any($2::text[]) order by phone for update`,
        [namespaceId, [...new Set(phones)]],
      )
    : [];
  return {
    emails: new Map(emailRows.map((r) => [r.email, r.status ?? 'KNOWN'])),
    phones: new Map(phoneRows.map((r) => [r.phone, r.status])),
  };
}

/** A change to record: which profile, and from what to what, in batch order. */
export interface EmailChangeRow {
  /** The write's position in the batch: the history is recorded in this order. */
  readonly position: number;
  readonly profileId: number;
  readonly from: EmailStatus;
  readonly to: EmailStatus;
  readonly source: ConsentSource;
}

export interface SmsChangeRow {
  readonly position: number;
  readonly profileId: number;
  readonly phone: string;
  readonly from: SmsStatus;
  readonly to: SmsStatus;
  readonly method: SmsOptInMethod | null;
  readonly source: ConsentSource;
}

/** Sets each email's and phone's last status of the batch, and records every change in order. */
export async function applyConsentChanges(sql: Sql, namespaceId: string, email: readonly EmailChangeRow[], sms: readonly SmsChangeRow[], actor: string): Promise<void> {
  if (email.length) {
    const last = [...new Map(email.map((c) => [c.profileId, c])).values()];
    await sql.execute(
      `update profile p set email_status = c.to_status, email_status_changed_at = now(), updated_at = now()
       from unnest($2::bigint[], $3::text[]) as c(profile_id, to_status)
       where p.namespace_id = $1 and p.id = c.profile_id`,
      [namespaceId, last.map((c) => c.profileId), last.map((c) => c.to)],
    );
  }
  if (sms.length) {
    const last = [...new Map(sms.map((c) => [c.phone, c])).values()];
    await sql.execute(
      `update profile_phone pp set sms_status = c.to_status, sms_opt_in_method = c.method, sms_status_changed_at = now(),
         sms_confirmed_at = case when c.to_status = 'SUBSCRIBED' then now() else pp.sms_confirmed_at end
       from unnest($2::text[], $3::text[], $4::text[]) as c(phone, to_status, method)
       where pp.namespace_id = $1 and pp.phone = c.phone`,
      [namespaceId, last.map((c) => c.phone), last.map((c) => c.to), last.map((c) => c.method)],
    );
  }
  const rows = [
    ...email.map((c) => ({ position: c.position, profileId: c.profileId, channel: 'EMAIL', phone: null, from: c.from, to: c.to, method: null, source: c.source })),
    ...sms.map((c) => ({ position: c.position, profileId: c.profileId, channel: 'SMS', phone: c.phone, from: c.from, to: c.to, method: c.method, source: c.source })),
  ].map((r, i) => ({ ...r, order: i }));
  rows.sort((a, b) => a.position - b.position || a.order - b.order);
  if (rows.length === 0) return;
  await sql.execute(
    `insert into consent_change (namespace_id, profile_id, channel, phone, from_status, to_status, sms_opt_in_method, source, actor)
     select $1::uuid, c.profile_id, c.channel, c.phone, c.from_status, c.to_status, c.method, c.source, $9
     from unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
       with ordinality as c(profile_id, channel, phone, from_status, to_status, method, source, ord)
     order by c.ord`,
    [namespaceId, rows.map((r) => r.profileId), rows.map((r) => r.channel), rows.map((r) => r.phone), rows.map((r) => r.from), rows.map((r) => r.to), rows.map((r) => r.method), rows.map((r) => r.source), actor],
  );
}
