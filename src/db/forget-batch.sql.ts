import { randomUUID } from 'node:crypto';
import { ExportJobRepository } from './export-job.sql';
import { MembershipRepository } from './membership.sql';
import { ensureSecret, type ForgottenCounts, type IdentifierKind } from './privacy.sql';
import { SnapshotRepository } from './snapshot.sql';
import type { Sql } from './sql';

/** One deletion request of a batch: a person named by a normalized email, an E.164 phone, or a profile ID. */
export interface ForgetNamed {
  readonly kind: 'EMAIL' | 'PHONE' | 'PROFILE_ID';
  readonly value: string;
}

/** Who applies the requests, for the audit. */
export interface ForgetActor {
  readonly actor: string;
  readonly actorKeyId: string | null;
  readonly actorRole: string;
  readonly source: string;
}

/** The audit record of one applied request, as stored (no personal data). */
export interface AppliedForget {
  readonly id: string;
  readonly requestedAt: Date;
  /** Whether this request deleted a profile (false: nobody held the identifier, or an earlier request of the batch forgot the person). */
  readonly found: boolean;
  readonly identifiers: { kind: IdentifierKind; digest: string; alreadySuppressed: boolean }[];
  readonly removed: ForgottenCounts;
}

const NOTHING: ForgottenCounts = { profiles: 0, mergedProfiles: 0, phones: 0, events: 0, consentChanges: 0, customValues: 0, namedFields: 0 };

/**
 * Applies a batch of deletion requests in the caller's transaction, set-based: a fixed number of
 * statements whatever the batch size (docs/privacy.md). In request order, as if each were applied
 * alone after the ones before it: the first request naming a person forgets them (profile with
 * phones, events, consent history and merge records; the profiles merged into it; their snapshot
 * and membership rows); a later request naming the same person finds nobody. Every request gets
 * its own audit record with the HMAC of the identifier it named and, when it forgot someone, of
 * every email and phone the person held; all of them go on the suppression list.
 *
 * @example await forgetBatch(tx, ns, [{ kind: 'EMAIL', value: 'ana@example.com' }], { actor: 'key:ab12', actorKeyId, actorRole: 'CLIENT_ADMIN', source: 'API' })
 */
export async function forgetBatch(sql: Sql, namespaceId: string, named: readonly ForgetNamed[], by: ForgetActor): Promise<AppliedForget[]> {
  if (named.length === 0) return [];
  await ensureSecret(sql, namespaceId);
  const ords = named.map((_, i) => i);
  const kinds = named.map((n) => n.kind);
  const values = named.map((n) => n.value);
  // 1. Who each request names (a merged profile ID follows its merge to the winner), locked.
  const found = await sql.rows<{ ord: number; id: string | number | null }>(
    `with r as (select * from unnest($2::int[], $3::text[], $4::text[]) as r(ord, kind, value))
     select r.ord, case r.kind
         when 'EMAIL' then (select p.id from profile p where p.namespace_id = $1 and p.email_normalized = r.value)
         when 'PHONE' then (select pp.profile_id from profile_phone pp where pp.namespace_id = $1 and pp.phone = r.value)
         else coalesce((select p.id from profile p where p.namespace_id = $1 and p.id = r.value::bigint),
                       (select m.winner_id from profile_merge m where m.namespace_id = $1 and m.loser_id = r.value::bigint)) end as id
     from r order by r.ord`,
    [namespaceId, ords, kinds, named.map((n) => (n.kind === 'PROFILE_ID' && !/^\d{1,18}$/.test(n.value) ? '0' : n.value))],
  );
  const named_ = new Map(found.filter((f) => f.id !== null).map((f) => [Number(f.ord), Number(f.id)]));
  const locked = new Set(
    (await sql.rows<{ id: string | number }>(`select p.id from profile p where p.namespace_id = $1 and p.id = any($2::bigint[]) order by p.id for update`, [namespaceId, [...new Set(named_.values())]])).map((r) => Number(r.id)),
  );
  // The first request naming a person forgets them.
  const owner = new Map<number, number>();
  for (const [ord, id] of [...named_].sort((a, b) => a[0] - b[0])) if (locked.has(id) && !owner.has(id)) owner.set(id, ord);
  const forgets = new Map([...owner].map(([id, ord]) => [ord, id]));
  const profileIds = [...owner.keys()];
  // 2. What each forgotten person holds, counted before it goes.
  const counts = new Map<number, ForgottenCounts>();
  for (const row of await sql.rows<Record<string, string | number>>(
    `select p.id,
       (select count(*) from profile_merge m where m.namespace_id = $1 and m.winner_id = p.id) as merged,
       (select count(*) from profile_phone pp where pp.namespace_id = $1 and pp.profile_id = p.id) as phones,
       (select count(*) from event e where e.namespace_id = $1 and e.profile_id = p.id) as events,
       (select count(*) from consent_change c where c.namespace_id = $1 and c.profile_id = p.id) as consent,
       (select count(*) from jsonb_object_keys(p.custom)) as custom,
       (p.email is not null)::int + (p.first_name is not null)::int + (p.last_name is not null)::int
         + (p.birthday_day is not null)::int + (p.birthday_month is not null)::int as named
     from profile p where p.namespace_id = $1 and p.id = any($2::bigint[])`,
    [namespaceId, profileIds],
  )) {
    const n = (k: string) => Number(row[k] ?? 0);
    counts.set(Number(row.id), { profiles: 1 + n('merged'), mergedProfiles: n('merged'), phones: n('phones'), events: n('events'), consentChanges: n('consent'), customValues: n('custom'), namedFields: n('named') });
  }
  // 3. The hashed identifiers of each request: the one it named, and those of the person it forgets.
  const digests = await sql.rows<{ ord: number; kind: IdentifierKind; digest: string }>(
    `with r as (select * from unnest($2::int[], $3::text[], $4::text[], $5::bigint[]) as r(ord, kind, value, profile_id))
     select distinct r.ord, i.kind, identifier_digest(k.inner_pad, k.outer_pad, lower(i.kind) || ':' || i.value) as digest
     from privacy_secret k
     cross join r
     cross join lateral (
       select r.kind as kind, r.value as value where r.kind <> 'PROFILE_ID'
       union all select 'EMAIL', p.email_normalized from profile p where p.namespace_id = $1 and p.id = r.profile_id and p.email_normalized is not null
       union all select 'PHONE', pp.phone from profile_phone pp where pp.namespace_id = $1 and pp.profile_id = r.profile_id) i
     where k.namespace_id = $1
     order by 1, 2, 3`,
    [namespaceId, ords, kinds, values, ords.map((o) => forgets.get(o) ?? null)],
  );
  // 4. Which were suppressed before this batch; within it, an earlier request's count as suppressed for later ones.
  const before = new Set(
    (await sql.rows<{ digest: string }>(`select f.digest from suppressed_identifier f where f.namespace_id = $1 and f.digest = any($2::text[])`, [namespaceId, [...new Set(digests.map((d) => d.digest))]])).map((r) => r.digest),
  );
  const seen = new Set(before);
  const applied: AppliedForget[] = named.map((_, ord) => {
    const mine = digests.filter((d) => Number(d.ord) === ord);
    const identifiers = mine.map((d) => ({ kind: d.kind, digest: d.digest, alreadySuppressed: seen.has(d.digest) }));
    for (const d of mine) seen.add(d.digest);
    const id = forgets.get(ord);
    return { id: randomUUID(), requestedAt: new Date(0), found: id !== undefined, identifiers, removed: id === undefined ? NOTHING : counts.get(id)! };
  });
  // 5. The audit records, then the suppression list (a digest keeps the first request that named it).
  const stamped = await sql.rows<{ id: string; requested_at: Date }>(
    `insert into forget_request (namespace_id, id, actor, actor_key_id, actor_role, named_by, source, identifiers, removed)
     select $1, r.id, $2, $3, $4, r.named_by, $5, r.identifiers, r.removed
     from unnest($6::uuid[], $7::text[], $8::jsonb[], $9::jsonb[]) as r(id, named_by, identifiers, removed)
     returning id, requested_at`,
    [namespaceId, by.actor, by.actorKeyId, by.actorRole, by.source, applied.map((a) => a.id), kinds, applied.map((a) => JSON.stringify(a.identifiers)), applied.map((a) => JSON.stringify(a.removed))],
  );
  const at = new Map(stamped.map((s) => [s.id, s.requested_at]));
  const first = new Map<string, { kind: IdentifierKind; request: string }>();
  applied.forEach((a) => a.identifiers.forEach((d) => first.has(d.digest) || first.set(d.digest, { kind: d.kind, request: a.id })));
  await sql.execute(
    `insert into suppressed_identifier (namespace_id, digest, kind, request_id)
     select $1, d.digest, d.kind, d.request_id from unnest($2::text[], $3::text[], $4::uuid[]) as d(digest, kind, request_id)
     on conflict (namespace_id, digest) do nothing`,
    [namespaceId, [...first.keys()], [...first.values()].map((f) => f.kind), [...first.values()].map((f) => f.request)],
  );
  // 6. The people go: snapshot and membership rows first (no foreign key), then the profiles, whose rows cascade.
  if (profileIds.length) {
    const merged = await sql.rows<{ id: string | number }>(`select m.loser_id as id from profile_merge m where m.namespace_id = $1 and m.winner_id = any($2::bigint[])`, [namespaceId, profileIds]);
    const all = [...profileIds, ...merged.map((r) => Number(r.id))];
    await new SnapshotRepository(sql, namespaceId).removeProfiles(all);
    await new MembershipRepository(sql, namespaceId).removeProfiles(all);
    await sql.execute(`delete from profile p where p.namespace_id = $1 and p.id = any($2::bigint[])`, [namespaceId, profileIds]);
    // Export files written before may hold them: none of them is served again.
    await new ExportJobRepository(sql, namespaceId).personForgotten();
  }
  return applied.map((a) => ({ ...a, requestedAt: at.get(a.id)! }));
}
