import { MembershipRepository } from './membership.sql';
import { SnapshotRepository } from './snapshot.sql';
import { createHmac, randomBytes } from 'node:crypto';
import type { Sql } from './sql';

/**
 * The suppression list of forgotten people (docs/privacy.md). Each namespace has its own HMAC
 * secret, generated here on its first deletion request and never returned by any API. It is
 * stored as the two 64-byte HMAC pads, so that `identifier_digest(inner, outer, value)` (a SQL
 * function of the privacy migration) computes HMAC-SHA256 inside the statements that need it:
 * identity resolution checks a whole batch against the list in the statement that stages it.
 *
 * The value hashed is `email:<normalized email>` or `phone:<E.164>`.
 */
export type IdentifierKind = 'EMAIL' | 'PHONE';

/** The HMAC input for an identifier, as the SQL builds it: `lower(kind) || ':' || value`. */
export function identifierMessage(kind: IdentifierKind, value: string): string {
  return `${kind.toLowerCase()}:${value}`;
}

/** The two HMAC-SHA256 pads of a 32-byte key (RFC 2104: key zero-padded to 64 bytes, xor 0x36 / 0x5c). */
export function hmacPads(key: Buffer): { inner: Buffer; outer: Buffer } {
  if (key.length > 64) throw new Error('an HMAC-SHA256 key of more than 64 bytes would be hashed first');
  const block = Buffer.alloc(64);
  key.copy(block);
  return { inner: Buffer.from(block.map((b) => b ^ 0x36)), outer: Buffer.from(block.map((b) => b ^ 0x5c)) };
}

/** Node's HMAC of an identifier, for tests that check the SQL digest against it. */
export function identifierDigestOf(key: Buffer, kind: IdentifierKind, value: string): string {
  return createHmac('sha256', key).update(identifierMessage(kind, value), 'utf8').digest('hex');
}

/**
 * A lateral subquery giving the first suppressed identifier a staged write names (`kind`, `value`),
 * or no row. It reads `x.email_normalized` and `x.phones` (E.164 text[]) of the enclosing row and
 * takes the namespace as `$2`. No secret row means nobody was forgotten in the namespace.
 */
export const SUPPRESSED_IDENTIFIER_OF_ROW = `select i.kind, i.value
       from privacy_secret k
       cross join lateral (select 'EMAIL' as kind, x.email_normalized as value where x.email_normalized is not null
                           union all select 'PHONE', ph from unnest(x.phones) as ph) i
       join suppressed_identifier f on f.namespace_id = $2
         and f.digest = identifier_digest(k.inner_pad, k.outer_pad, lower(i.kind) || ':' || i.value)
       where k.namespace_id = $2
       order by i.kind, i.value limit 1`;

/** Creates the namespace's secret unless it has one (a concurrent first request keeps the winner's). */
export async function ensureSecret(sql: Sql, namespaceId: string): Promise<void> {
  const { inner, outer } = hmacPads(randomBytes(32));
  await sql.execute(
    `insert into privacy_secret (namespace_id, inner_pad, outer_pad) values ($1, $2, $3) on conflict (namespace_id) do nothing`,
    [namespaceId, inner, outer],
  );
}

/** What one forgotten profile held, counted before it is deleted (the audit keeps only counts). */
export interface ForgottenCounts {
  readonly profiles: number;
  readonly mergedProfiles: number;
  readonly phones: number;
  readonly events: number;
  readonly consentChanges: number;
  readonly customValues: number;
  readonly namedFields: number;
}

/** The profile a request names, locked: by email, by phone, or by ID (following a merge to its winner). */
export async function lockNamedProfile(sql: Sql, namespaceId: string, named: { kind: 'EMAIL' | 'PHONE' | 'PROFILE_ID'; value: string }): Promise<number | undefined> {
  const lookup = {
    EMAIL: `select p.id from profile p where p.namespace_id = $1 and p.email_normalized = $2`,
    PHONE: `select pp.profile_id as id from profile_phone pp where pp.namespace_id = $1 and pp.phone = $2`,
    PROFILE_ID: `select coalesce(
               (select p.id from profile p where p.namespace_id = $1 and p.id = $2::bigint),
               (select m.winner_id from profile_merge m where m.namespace_id = $1 and m.loser_id = $2::bigint)) as id`,
  }[named.kind];
  const found = await sql.one<{ id: number | null }>(lookup, [namespaceId, named.value]);
  if (found?.id === null || found?.id === undefined) return undefined;
  const locked = await sql.one<{ id: number }>(`select p.id from profile p where p.namespace_id = $1 and p.id = $2 for update`, [namespaceId, found.id]);
  return locked?.id;
}

/** Counts what the profile holds: its own row, the profiles merged into it, phones, events, consent history, values. */
export async function countHoldings(sql: Sql, namespaceId: string, profileId: number): Promise<ForgottenCounts> {
  const row = await sql.one<Record<string, number | string>>(
    `select
       (select count(*) from profile_merge m where m.namespace_id = $1 and m.winner_id = $2) as merged,
       (select count(*) from profile_phone pp where pp.namespace_id = $1 and pp.profile_id = $2) as phones,
       (select count(*) from event e where e.namespace_id = $1 and e.profile_id = $2) as events,
       (select count(*) from consent_change c where c.namespace_id = $1 and c.profile_id = $2) as consent,
       (select count(*) from profile p cross join jsonb_object_keys(p.custom) as k where p.namespace_id = $1 and p.id = $2) as custom,
       (select (p.email is not null)::int + (p.first_name is not null)::int + (p.last_name is not null)::int
               + (p.birthday_day is not null)::int + (p.birthday_month is not null)::int
        from profile p where p.namespace_id = $1 and p.id = $2) as named`,
    [namespaceId, profileId],
  );
  const n = (key: string) => Number(row?.[key] ?? 0);
  return { profiles: 1 + n('merged'), mergedProfiles: n('merged'), phones: n('phones'), events: n('events'), consentChanges: n('consent'), customValues: n('custom'), namedFields: n('named') };
}

/**
 * The hashed identifiers of a request: the one it named (even when no profile holds it, so it is
 * never collected later) and every email and phone the profile holds. Distinct, in a stable order.
 */
export async function requestDigests(
  sql: Sql, namespaceId: string, named: { kind: IdentifierKind; value: string } | null, profileId: number | null,
): Promise<{ kind: IdentifierKind; digest: string }[]> {
  return sql.rows<{ kind: IdentifierKind; digest: string }>(
    `select distinct i.kind, identifier_digest(k.inner_pad, k.outer_pad, lower(i.kind) || ':' || i.value) as digest
     from privacy_secret k
     cross join lateral (
       select $2::text as kind, $3::text as value where $2::text is not null
       union all select 'EMAIL', p.email_normalized from profile p where p.namespace_id = $1 and p.id = $4::bigint and p.email_normalized is not null
       union all select 'PHONE', pp.phone from profile_phone pp where pp.namespace_id = $1 and pp.profile_id = $4::bigint) i
     where k.namespace_id = $1
     order by 1, 2`,
    [namespaceId, named?.kind ?? null, named?.value ?? null, profileId],
  );
}

/** The audit record of a request; returns its ID. */
export async function insertForgetRequest(
  sql: Sql, namespaceId: string,
  record: { actor: string; actorKeyId: string | null; actorRole: string; namedBy: string; source: string; identifiers: readonly { kind: string; digest: string; alreadySuppressed: boolean }[]; removed: ForgottenCounts },
): Promise<{ id: string; requestedAt: Date }> {
  const row = await sql.one<{ id: string; requested_at: Date }>(
    `insert into forget_request (namespace_id, actor, actor_key_id, actor_role, named_by, source, identifiers, removed)
     values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb) returning id, requested_at`,
    [namespaceId, record.actor, record.actorKeyId, record.actorRole, record.namedBy, record.source, JSON.stringify(record.identifiers), record.removed],
  );
  return { id: row!.id, requestedAt: row!.requested_at };
}

/** Digests already on the suppression list (of those given). */
export async function suppressedAmong(sql: Sql, namespaceId: string, digests: readonly string[]): Promise<Set<string>> {
  if (digests.length === 0) return new Set();
  const rows = await sql.rows<{ digest: string }>(
    `select f.digest from suppressed_identifier f where f.namespace_id = $1 and f.digest = any($2::text[])`,
    [namespaceId, digests],
  );
  return new Set(rows.map((r) => r.digest));
}

/** Adds digests to the suppression list; one already there keeps its first request. */
export async function suppress(sql: Sql, namespaceId: string, requestId: string, identifiers: readonly { kind: IdentifierKind; digest: string }[]): Promise<void> {
  if (identifiers.length === 0) return;
  await sql.execute(
    `insert into suppressed_identifier (namespace_id, digest, kind, request_id)
     select $1, d.digest, d.kind, $2 from unnest($3::text[], $4::text[]) as d(digest, kind)
     on conflict (namespace_id, digest) do nothing`,
    [namespaceId, requestId, identifiers.map((i) => i.digest), identifiers.map((i) => i.kind)],
  );
}

/**
 * Deletes the profile. Its phones, events, consent history and the merge records (with the
 * snapshots of the profiles merged into it) go with it by the foreign keys' cascades. Segment
 * snapshots and stored memberships have no foreign key (a snapshot outlives its members' later
 * changes), so the profile, and every profile merged into it, is removed from them first.
 */
export async function deleteProfile(sql: Sql, namespaceId: string, profileId: number): Promise<void> {
  const merged = await sql.rows<{ id: string | number }>(`select m.loser_id as id from profile_merge m where m.namespace_id = $1 and m.winner_id = $2`, [namespaceId, profileId]);
  const ids = [profileId, ...merged.map((r) => Number(r.id))];
  await new SnapshotRepository(sql, namespaceId).removeProfiles(ids);
  await new MembershipRepository(sql, namespaceId).removeProfiles(ids);
  await sql.execute(`delete from profile p where p.namespace_id = $1 and p.id = $2`, [namespaceId, profileId]);
}

/** A page of the audit, newest first. */
export interface ForgetRequestRow {
  readonly id: string;
  readonly requested_at: Date;
  readonly actor: string;
  readonly actor_key_id: string | null;
  readonly actor_role: string;
  readonly named_by: string;
  readonly source: string;
  readonly identifiers: { kind: IdentifierKind; digest: string; alreadySuppressed: boolean }[];
  readonly removed: ForgottenCounts;
}

export async function forgetRequestPage(sql: Sql, namespaceId: string, limit: number, before: { at: Date; id: string } | null): Promise<ForgetRequestRow[]> {
  return sql.rows<ForgetRequestRow>(
    `select r.id, r.requested_at, r.actor, r.actor_key_id, r.actor_role, r.named_by, r.source, r.identifiers, r.removed
     from forget_request r
     where r.namespace_id = $1 and ($3::timestamptz is null or (r.requested_at, r.id) < ($3::timestamptz, $4::uuid))
     order by r.requested_at desc, r.id desc limit $2`,
    [namespaceId, limit, before?.at ?? null, before?.id ?? null],
  );
}
