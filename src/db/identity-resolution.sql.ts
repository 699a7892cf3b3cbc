import { csvRecord } from '../domain/csv';
import type { StagedProfile } from '../domain/profile-input';
import { SUPPRESSED_IDENTIFIER_OF_ROW } from './privacy.sql';
import { mergeRounds } from './profile-merge.sql';
import type { Sql } from './sql';

/**
 * Identity resolution, set-based. A batch of staged writes (one per identity, no phone in two
 * rows: see `consolidateBatch`) is loaded into a temporary staging table, resolved against the
 * namespace's profiles with a fixed sequence of statements, and applied. The number of statements
 * does not grow with the batch, so the same code serves one API write and a 50,000-row import batch.
 *
 * Resolution of each row:
 * 0. a row naming an email or phone on the namespace's suppression list (a forgotten person, see
 *    `privacy.sql.ts`) is SUPPRESSED: nothing is matched, created or changed for it;
 * 1. match on the normalized email;
 * 2. else match on the phone (a write without email names exactly one phone);
 * 3. else create a profile.
 * A phone-only profile named together with an unknown email is promoted to that email. One named with
 * an email that has its own profile is merged into it, and the email profile wins every conflict.
 * A phone of another email profile is a conflict, unless the row asks to move it.
 */
export interface ResolvedRow {
  /** Position of the row in the batch given. */
  readonly position: number;
  readonly profileId: number | null;
  readonly created: boolean;
  readonly promoted: boolean;
  readonly mergedProfileIds: readonly number[];
  readonly error:
    | { readonly code: 'PHONE_CONFLICT'; readonly phone: string; readonly ownerId: number }
    | { readonly code: 'INVALID_BIRTHDAY' }
    | { readonly code: 'SUPPRESSED'; readonly identifier: 'EMAIL' }
    | { readonly code: 'SUPPRESSED'; readonly identifier: 'PHONE'; readonly phone: string }
    | null;
}

export interface ResolutionAudit {
  /** Consent-history source for channels first identified by this batch (API, IMPORT, …). */
  readonly source: string;
  readonly actor: string;
  /**
   * Load the staging table with `COPY FROM STDIN` on PostgreSQL (file imports: tens of thousands
   * of rows per batch). Otherwise, and always on PGlite, one parameterized `insert … select from
   * jsonb_to_recordset($1)`. The statements that follow are the same either way.
   */
  readonly copy?: boolean;
}

const STAGE_COLUMNS = `ord int, email text, email_normalized text, email_hash smallint, phones text[], set_fields text[],
  first_name text, last_name text, birthday_day smallint, birthday_month smallint,
  custom_set jsonb, custom_unset text[], move_phones boolean`;

function stageRecord(row: StagedProfile, ord: number): Record<string, unknown> {
  return {
    ord, email: row.email, email_normalized: row.emailNormalized, email_hash: row.emailHash, phones: row.phones,
    set_fields: row.setFields, first_name: row.firstName, last_name: row.lastName, birthday_day: row.birthdayDay,
    birthday_month: row.birthdayMonth, custom_set: row.customSet, custom_unset: row.customUnset, move_phones: row.movePhones,
  };
}

const STAGE_COLUMN_NAMES = STAGE_COLUMNS.split(',').map((c) => c.trim().split(' ')[0]!);

/** Batches of at least this many rows analyze their staging tables (see `resolveAndApply`). */
const ANALYZE_STAGE_ROWS = 1000;

/** A PostgreSQL array literal of text: every element quoted, `"` and `\` escaped. */
function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** One staged write as a line of COPY CSV, in `STAGE_COLUMNS` order (null is an empty unquoted field). */
function stageLine(row: StagedProfile, ord: number): string {
  const n = (v: number | null) => (v === null ? null : String(v));
  return csvRecord([
    String(ord), row.email, row.emailNormalized, n(row.emailHash), textArray(row.phones), textArray(row.setFields), row.firstName, row.lastName,
    n(row.birthdayDay), n(row.birthdayMonth), JSON.stringify(row.customSet), textArray(row.customUnset), row.movePhones ? 't' : 'f',
  ]);
}

/** Applies a consolidated batch inside the caller's transaction. */
export async function resolveAndApply(sql: Sql, namespaceId: string, rows: readonly StagedProfile[], audit: ResolutionAudit): Promise<ResolvedRow[]> {
  if (rows.length === 0) return [];
  const ns = [namespaceId];
  const anyPhones = rows.some((r) => r.phones.length > 0);

  await sql.execute(`create temp table upsert_stage (${STAGE_COLUMNS},
    target_id bigint, is_new boolean not null default false, promoted boolean not null default false,
    error_code text, error_kind text, error_phone text, error_owner bigint) on commit drop`);
  // The statistics of `profile` cannot know how many rows this namespace has in this transaction
  // (a new namespace, or a file import's earlier batches): estimating one, the planner loops over
  // the namespace's profiles and scans the staging table for each, quadratic in the batch. With the
  // staging table's join keys indexed, that plan costs a probe per profile instead (issue 7's bench:
  // the first 20,000-row batch into an empty namespace ran past the statement timeout). Created
  // while the table is empty: an index built after rows were updated in this transaction could not
  // be used until it ends.
  await sql.execute('create index on upsert_stage (email_normalized)');
  await sql.execute('create index on upsert_stage (target_id)');
  // Step one: a row naming a forgotten email or phone is SUPPRESSED before anything matches it.
  // File imports stage with COPY on PostgreSQL and mark suppressed rows right after; every other
  // write marks them in the staging statement itself.
  const copied = audit.copy === true && (await sql.copyIn('upsert_stage', STAGE_COLUMN_NAMES, rows.map((r, i) => stageLine(r, i))));
  if (copied) {
    await sql.execute(
      `update upsert_stage t set error_code = 'SUPPRESSED', error_kind = sup.kind, error_phone = case when sup.kind = 'PHONE' then sup.value end
       from (select x.ord, l.kind, l.value from upsert_stage x cross join lateral (${SUPPRESSED_IDENTIFIER_OF_ROW.replaceAll('$2', '$1')}) l) sup
       where sup.ord = t.ord`,
      [namespaceId],
    );
  } else {
    await sql.execute(
      `insert into upsert_stage (ord, email, email_normalized, email_hash, phones, set_fields, first_name, last_name,
         birthday_day, birthday_month, custom_set, custom_unset, move_phones, error_code, error_kind, error_phone)
       select x.ord, x.email, x.email_normalized, x.email_hash, x.phones, x.set_fields, x.first_name, x.last_name,
         x.birthday_day, x.birthday_month, x.custom_set, x.custom_unset, x.move_phones,
         case when sup.kind is not null then 'SUPPRESSED' end, sup.kind, case when sup.kind = 'PHONE' then sup.value end
       from jsonb_to_recordset($1::jsonb) as x(${STAGE_COLUMNS})
       left join lateral (${SUPPRESSED_IDENTIFIER_OF_ROW}) sup on true`,
      [JSON.stringify(rows.map(stageRecord)), namespaceId],
    );
  }
  await sql.execute(
    `update upsert_stage s set target_id = p.id from profile p
     where p.namespace_id = $1 and p.email_normalized = s.email_normalized`,
    ns,
  );

  if (anyPhones) {
    await sql.execute(
      `create temp table upsert_stage_phone on commit drop as
       select s.ord, ph.phone, pp.profile_id as owner_id, (o.id is not null and o.email_normalized is null) as owner_phone_only
       from upsert_stage s
       cross join lateral unnest(s.phones) as ph(phone)
       left join profile_phone pp on pp.namespace_id = $1 and pp.phone = ph.phone
       left join profile o on o.namespace_id = $1 and o.id = pp.profile_id`,
      ns,
    );
    // Rows without email: the owner of their one phone.
    await sql.execute(
      `update upsert_stage s set target_id = sp.owner_id from upsert_stage_phone sp
       where sp.ord = s.ord and s.email_normalized is null and sp.owner_id is not null`,
    );
    // A phone of another email profile, without permission to move it.
    await sql.execute(
      `update upsert_stage s set error_code = 'PHONE_CONFLICT', error_phone = c.phone, error_owner = c.owner_id
       from (select distinct on (sp.ord) sp.ord, sp.phone, sp.owner_id
             from upsert_stage_phone sp join upsert_stage r on r.ord = sp.ord
             where r.email_normalized is not null and not r.move_phones and sp.owner_id is not null
               and not sp.owner_phone_only and sp.owner_id is distinct from r.target_id
             order by sp.ord, sp.phone) c
       where c.ord = s.ord and s.error_code is null`,
    );
    // An unknown email named with a phone-only profile's phone promotes that profile.
    await sql.execute(
      `update upsert_stage s set target_id = c.owner_id, promoted = true
       from (select ord, min(owner_id) as owner_id from upsert_stage_phone where owner_phone_only group by ord) c
       where c.ord = s.ord and s.email_normalized is not null and s.target_id is null and s.error_code is null`,
    );
  }

  await sql.execute(
    // New profiles take their ids in the batch's order (the sorted subquery runs first), so "the
    // oldest profile wins" picks the same profile as the writes applied one by one would.
    `update upsert_stage s set target_id = n.id, is_new = true
     from (select ord, nextval(pg_get_serial_sequence('profile', 'id')) as id
           from (select ord from upsert_stage where target_id is null and error_code is null order by ord) o) n
     where n.ord = s.ord`,
  );

  // The staging tables' statistics, for the statements from here on, which join them to each other
  // and to the new profiles. The staging table's indexes were built empty, which records it as
  // empty; without statistics the planner joins the staged rows with nested loops over sequential
  // scans, quadratic in the batch (issue 7's bench: the phone and consent inserts of a 5,000-row
  // batch took 400 ms each). The statements above probe `profile` and `profile_phone` by index per
  // staged row, which is what that estimate plans anyway. Only the columns joined and filtered on
  // (all of them take ten times as long: arrays and jsonb; `move_phones`, almost always false in a
  // file, keeps the moved-phones update from scanning the namespace's phones), and only for a large
  // batch: a small one (an API write) is planned well enough as it is.
  if (rows.length >= ANALYZE_STAGE_ROWS) {
    await sql.execute('analyze upsert_stage (ord, target_id, error_code, is_new, promoted, move_phones, email_normalized)');
    if (anyPhones) await sql.execute('analyze upsert_stage_phone (ord, owner_id, owner_phone_only)');
  }

  const merges = anyPhones
    ? await sql.rows<{ ord: number; loser_id: number; winner_id: number }>(
        `select distinct sp.ord, sp.owner_id as loser_id, s.target_id as winner_id
         from upsert_stage_phone sp join upsert_stage s on s.ord = sp.ord
         where s.error_code is null and s.email_normalized is not null and sp.owner_phone_only and sp.owner_id <> s.target_id
         order by sp.ord, sp.owner_id`,
      )
    : [];

  // The birthday a row ends with must be a real date: the row's parts over the profile's (or, for a
  // profile without one, over the birthday that a merge brings). A new profile's parts are all the
  // row's own, checked when it was staged (and its profile row does not exist yet).
  await sql.execute(
    `update upsert_stage s set error_code = 'INVALID_BIRTHDAY'
     from profile p
     left join lateral (
       select lp.birthday_day, lp.birthday_month
       from unnest($2::bigint[], $3::bigint[]) as m(loser_id, winner_id)
       join profile lp on lp.namespace_id = $1 and lp.id = m.loser_id
       where m.winner_id = p.id order by lp.id limit 1) l on true
     where p.namespace_id = $1 and p.id = s.target_id and s.error_code is null and not s.is_new
       and (cardinality(s.set_fields) > 0 or l.birthday_day is not null or l.birthday_month is not null)
       and not valid_birthday(
         case when 'birthday_day' = any(s.set_fields) then s.birthday_day
              when p.birthday_day is null and p.birthday_month is null then l.birthday_day else p.birthday_day end,
         case when 'birthday_month' = any(s.set_fields) then s.birthday_month
              when p.birthday_day is null and p.birthday_month is null then l.birthday_month else p.birthday_month end)`,
    [namespaceId, merges.map((m) => m.loser_id), merges.map((m) => m.winner_id)],
  );

  const failed = new Set((await sql.rows<{ ord: number }>(`select ord from upsert_stage where error_code is not null`)).map((r) => r.ord));
  const pairs = merges.filter((m) => !failed.has(m.ord)).map((m) => ({ loserId: m.loser_id, winnerId: m.winner_id }));

  // New profiles are inserted with their fields: updating every row just inserted would write each
  // one (and all its indexes) twice. Only a new profile that wins a merge takes the field update
  // below as well, so that its own values land over what the merge brought.
  await sql.execute(
    `insert into profile (namespace_id, id, email, email_normalized, email_hash_number, email_status, email_status_changed_at, first_identified_at,
       first_name, last_name, birthday_day, birthday_month, custom)
     select $1, target_id, email, email_normalized, email_hash,
            case when email_normalized is not null then 'KNOWN' end,
            case when email_normalized is not null then now() end,
            case when email_normalized is not null then now() end,
            case when 'first_name' = any(set_fields) then first_name end,
            case when 'last_name' = any(set_fields) then last_name end,
            case when 'birthday_day' = any(set_fields) then birthday_day end,
            case when 'birthday_month' = any(set_fields) then birthday_month end,
            custom_set - custom_unset
     from upsert_stage where is_new and error_code is null`,
    ns,
  );
  if (anyPhones) {
    await sql.execute(
      `update profile p set email = s.email, email_normalized = s.email_normalized, email_hash_number = s.email_hash,
         email_status = 'KNOWN', email_status_changed_at = now(), first_identified_at = least(p.first_identified_at, now()), updated_at = now()
       from upsert_stage s where p.namespace_id = $1 and p.id = s.target_id and s.promoted and s.error_code is null`,
      ns,
    );
    await mergeRounds(sql, namespaceId, pairs, 'EMAIL_MATCHED_PHONE');
    // A moved phone takes its consent history with it, as on a merge (one statement).
    await sql.execute(
      `with moved as (
         update profile_phone pp set profile_id = s.target_id
         from upsert_stage_phone sp join upsert_stage s on s.ord = sp.ord
         where s.error_code is null and s.move_phones and sp.owner_id is not null and not sp.owner_phone_only
           and sp.owner_id <> s.target_id and pp.namespace_id = $1 and pp.phone = sp.phone
         returning pp.phone, sp.owner_id as from_id, s.target_id as to_id
       )
       update consent_change c set profile_id = m.to_id from moved m
       where c.namespace_id = $1 and c.channel = 'SMS' and c.phone = m.phone and c.profile_id = m.from_id`,
      ns,
    );
  }
  await sql.execute(
    `update profile p set
       first_name = case when 'first_name' = any(s.set_fields) then s.first_name else p.first_name end,
       last_name = case when 'last_name' = any(s.set_fields) then s.last_name else p.last_name end,
       birthday_day = case when 'birthday_day' = any(s.set_fields) then s.birthday_day else p.birthday_day end,
       birthday_month = case when 'birthday_month' = any(s.set_fields) then s.birthday_month else p.birthday_month end,
       custom = (p.custom || s.custom_set) - s.custom_unset,
       updated_at = now()
     from upsert_stage s
     where p.namespace_id = $1 and p.id = s.target_id and s.error_code is null and (not s.is_new or s.target_id = any($2::bigint[]))
       and (cardinality(s.set_fields) > 0 or s.custom_set <> '{}'::jsonb or cardinality(s.custom_unset) > 0)`,
    [namespaceId, [...new Set(pairs.map((p) => p.winnerId))]],
  );
  if (anyPhones) {
    await sql.execute(
      `insert into profile_phone (namespace_id, phone, profile_id, sms_status_changed_at)
       select $1, sp.phone, s.target_id, now()
       from upsert_stage_phone sp join upsert_stage s on s.ord = sp.ord
       where s.error_code is null and sp.owner_id is null`,
      ns,
    );
  }
  await sql.execute(
    `insert into consent_change (namespace_id, profile_id, channel, phone, from_status, to_status, source, actor)
     select $1::uuid, s.target_id, 'EMAIL', null, null, 'KNOWN', $2, $3
     from upsert_stage s where s.error_code is null and (s.is_new or s.promoted) and s.email_normalized is not null
     ${anyPhones ? `union all
     select $1::uuid, s.target_id, 'SMS', sp.phone, null, 'KNOWN', $2, $3
     from upsert_stage_phone sp join upsert_stage s on s.ord = sp.ord
     where s.error_code is null and sp.owner_id is null` : ''}`,
    [namespaceId, audit.source, audit.actor],
  );

  const results = await sql.rows<{
    ord: number; target_id: number | null; is_new: boolean; promoted: boolean;
    error_code: 'PHONE_CONFLICT' | 'INVALID_BIRTHDAY' | 'SUPPRESSED' | null; error_kind: 'EMAIL' | 'PHONE' | null;
    error_phone: string | null; error_owner: number | null;
  }>(`select ord, target_id, is_new, promoted, error_code, error_kind, error_phone, error_owner from upsert_stage order by ord`);
  return results.map((r) => ({
    position: r.ord,
    profileId: r.error_code ? null : r.target_id,
    created: r.error_code ? false : r.is_new,
    promoted: r.error_code ? false : r.promoted,
    mergedProfileIds: pairs.filter((p) => p.winnerId === r.target_id && !r.error_code).map((p) => p.loserId),
    error:
      r.error_code === 'PHONE_CONFLICT'
        ? { code: 'PHONE_CONFLICT', phone: r.error_phone!, ownerId: r.error_owner! }
        : r.error_code === 'INVALID_BIRTHDAY'
          ? { code: 'INVALID_BIRTHDAY' }
          : r.error_code === 'SUPPRESSED'
            ? (r.error_kind === 'PHONE' ? { code: 'SUPPRESSED', identifier: 'PHONE', phone: r.error_phone! } : { code: 'SUPPRESSED', identifier: 'EMAIL' })
            : null,
  }));
}
