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
