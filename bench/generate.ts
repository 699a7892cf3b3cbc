import { reservedAggregates } from '../src/db/reserved-fields.sql';
import { RESERVED_FIELD_RULES } from '../src/domain/events';
import {
  BENCH_CUSTOM_FIELDS, BENCH_NAMESPACES, CATEGORIES, CITIES, DATASET_AS_OF, DATASET_SPAN_DAYS, FIRST_NAMES, LAST_NAMES, namespaceId, TIERS,
} from './dataset';
import { num, type Runner } from './runner';

/**
 * The deterministic data generator. Everything is set-based SQL over `generate_series`: every
 * attribute of profile `i` (and of its `k`-th event) is a function of `i` (and `k`) and the seed,
 * through `hashint8extended`, so the same seed gives the same rows on PostgreSQL and on PGlite.
 *
 * Order of loading: events first (in time order, as they would arrive), then profiles with their
 * reserved fields aggregated from those events (the rules of `src/db/reserved-fields.sql.ts`), then
 * phones and consent history. Secondary indexes are dropped during the load and rebuilt after,
 * and foreign-key triggers are off (`session_replication_role = replica`): the rows are consistent
 * by construction.
 */
export interface GenerateOptions {
  readonly profiles: number;
  readonly eventsPerProfile: number;
  readonly seed: number;
  /** Progress lines. */
  readonly log?: (message: string) => void;
}

export interface GeneratedCounts {
  readonly profiles: number;
  readonly events: number;
  readonly phones: number;
  readonly consentChanges: number;
  readonly byNamespace: Record<string, { profiles: number; events: number }>;
  readonly seconds: Record<string, number>;
}

const SESSION_TABLES = ['event', 'profile', 'profile_phone', 'consent_change'];

/** A uniform number in [0, 1) from an integer expression and a salt. */
function rnd(seed: number, idExpr: string, salt: number): string {
  return `((hashint8extended((${idExpr})::bigint, ${seed * 128 + salt}::bigint) & 4294967295)::float8 / 4294967296.0)`;
}

function textArray(values: readonly string[]): string {
  return `array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')}]::text[]`;
}

/** `list[1 + floor(u^skew * n)]`: skew > 1 favours the first items. */
function pick(values: readonly string[], u: string, skew = 1): string {
  const weighted = skew === 1 ? u : `pow(${u}, ${skew})`;
  return `(${textArray(values)})[1 + floor(${weighted} * ${values.length})::int]`;
}

/** SQL of the per-profile attributes that events depend on too: namespace, phone-only, creation time, event count. */
function profileBase(o: GenerateOptions, ids: readonly string[]): string {
  const r = (salt: number) => rnd(o.seed, 'g.i', salt);
  let cumulative = 0;
  const nsCase = BENCH_NAMESPACES.map((ns, index) => {
    cumulative += ns.share;
    return index === BENCH_NAMESPACES.length - 1 ? `else '${ids[index]}'::uuid` : `when ${r(1)} < ${cumulative.toFixed(6)} then '${ids[index]}'::uuid`;
  }).join(' ');
  const spanSeconds = DATASET_SPAN_DAYS * 86_400;
  return `select g.i,
      case ${nsCase} end as ns,
      ${r(2)} < 0.06 as phone_only,
      '${DATASET_AS_OF.toISOString()}'::timestamptz - make_interval(secs => ${spanSeconds} * (1 - g.i::float8 / ${o.profiles}) + ${r(3)} * 86400) as created_at,
      least(1000, floor(-ln(1 - ${r(4)}) * ${o.eventsPerProfile} * (case when ${r(5)} < 0.01 then 5 else 1 end)
        * (case when ${r(2)} < 0.06 then 0.5 else 1 end)))::int as n_events
    from generate_series(1, ${o.profiles}) as g(i)`;
}

function eventInsert(o: GenerateOptions, ids: readonly string[]): string {
  const r = (salt: number) => rnd(o.seed, 'jj.j', salt);
  const asOf = `'${DATASET_AS_OF.toISOString()}'::timestamptz`;
  const iso = (expr: string) => `to_char((${expr}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  return `insert into event (namespace_id, profile_id, type, created, created_override, properties, client_event_id, received_at)
    select x.ns, x.i, t.type, t.created, t.created_override, pr.properties,
           case when ${r(20)} < 0.2 then 'evt-' || jj.j end, t.created + interval '2 seconds'
    from (${profileBase(o, ids)}) as x
    cross join lateral generate_series(1, x.n_events) as k(k)
    cross join lateral (select x.i * 1024 + k.k as j) as jj
    cross join lateral (
      select
        case when x.phone_only then
          case when ${r(10)} < 0.5 then 'purchase' when ${r(10)} < 0.85 then 'page_view' else 'cart_abandoned' end
        else
          case when ${r(10)} < 0.18 then 'purchase' when ${r(10)} < 0.44 then 'email_sent' when ${r(10)} < 0.68 then 'email_delivered'
               when ${r(10)} < 0.78 then 'email_opened' when ${r(10)} < 0.91 then 'page_view' when ${r(10)} < 0.96 then 'email_scheduled'
               when ${r(10)} < 0.99 then 'cart_abandoned' else 'control_group_email_halted' end
        end as type,
        date_trunc('milliseconds', ${asOf} - (${asOf} - x.created_at) * pow(${r(11)}, 1.6)) as created,
        case when ${r(17)} < 0.02 then date_trunc('milliseconds', ${asOf} - (${asOf} - x.created_at) * pow(${r(11)}, 1.6)) - make_interval(hours => 1 + floor(${r(18)} * 72)::int) end as created_override,
        round((5 + -ln(1 - ${r(12)}) * 70)::numeric, 2) as amount
    ) as t
    cross join lateral (
      select case t.type
        when 'purchase' then jsonb_strip_nulls(jsonb_build_object(
          'total', case when ${r(13)} < 0.005 then to_jsonb(t.amount::text) else to_jsonb(t.amount) end,
          'category', case when ${r(14)} < 0.97 then ${pick(CATEGORIES, r(15), 1.5)} end,
          'currency', 'USD',
          'items', 1 + floor(-ln(1 - ${r(16)}) * 1.5)::int))
        when 'email_scheduled' then jsonb_build_object('campaign', 'cmp_' || (jj.j % 40), 'scheduled_for', ${iso("t.created + interval '1 day'")})
        when 'page_view' then jsonb_build_object('path', '/products/' || floor(pow(${r(13)}, 2) * 5000)::int)
        when 'cart_abandoned' then jsonb_build_object('value', t.amount, 'items', 1 + floor(${r(16)} * 4)::int)
        else jsonb_build_object('campaign', 'cmp_' || (jj.j % 40))
      end as properties
    ) as pr
    order by t.created, x.i, k.k`;
}

function profileInsert(o: GenerateOptions, ids: readonly string[]): string {
  const r = (salt: number) => rnd(o.seed, 'x.i', salt);
  const asOf = `'${DATASET_AS_OF.toISOString()}'::timestamptz`;
  const iso = (expr: string) => `to_char((${expr}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const domains = ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'icloud.com', 'aol.com', 'proton.me', 'web.de', 'example.co.uk'];
  const domainCuts = [0.32, 0.44, 0.53, 0.61, 0.68, 0.71, 0.74, 0.77, 0.8];
  const domainCase = domains.map((d, i) => `when ${r(21)} < ${domainCuts[i]} then '${d}'`).join(' ');
  const columns = ['namespace_id', 'id', 'email', 'email_normalized', 'email_hash_number', 'first_name', 'last_name', 'birthday_day', 'birthday_month', 'custom',
    'email_status', 'email_status_changed_at', 'first_identified_at', ...RESERVED_FIELD_RULES.map((rule) => rule.column), 'created_at', 'updated_at'];
  const reserved = RESERVED_FIELD_RULES.map((rule) => (rule.kind === 'latch' ? `coalesce(a.${rule.column}, false)` : `a.${rule.column}`));
  return `insert into profile (${columns.join(', ')})
    select x.ns, x.i, m.email, m.email_normalized,
      case when m.email_normalized is not null then ('x' || left(encode(sha256(convert_to(m.email_normalized, 'UTF8')), 'hex'), 8))::bit(32)::bigint % 100 end,
      case when ${r(22)} < 0.92 then nm.first end,
      case when ${r(23)} < 0.85 then nm.last end,
      case when ${r(24)} < 0.55 then 1 + floor(${r(26)} * (array[31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[bm.month])::int end,
      case when ${r(24)} < 0.57 then bm.month end,
      jsonb_strip_nulls(jsonb_build_object(
        'loyalty_tier', case when ${r(30)} < 0.7 then ${pick(TIERS, r(31), 2)} end,
        'favorite_category', case when ${r(32)} < 0.45 then ${pick(CATEGORIES, r(33), 1.3)} end,
        'city', case when ${r(34)} < 0.6 then ${pick(CITIES, r(35), 1.8)} end,
        'lifetime_value', case when ${r(36)} < 0.8 then round((-ln(1 - ${r(37)}) * 400)::numeric, 2) end,
        'visits', case when ${r(38)} < 0.65 then floor(-ln(1 - ${r(39)}) * 8)::int end,
        'vip', case when ${r(40)} < 0.5 then ${r(41)} < 0.08 end,
        'app_installed', case when ${r(42)} < 0.4 then ${r(43)} < 0.55 end,
        'last_store_visit', case when ${r(44)} < 0.3 then ${iso(`date_trunc('milliseconds', ${asOf} - make_interval(secs => pow(${r(45)}, 1.5) * 400 * 86400))`)} end)),
      st.status,
      case when st.status = 'KNOWN' then x.created_at when st.status is not null then x.created_at + (${asOf} - x.created_at) * ${r(47)} end,
      case when m.email is not null then x.created_at end,
      ${reserved.join(', ')},
      x.created_at,
      greatest(x.created_at, a.last_event_at)
    from (${profileBase(o, ids)}) as x
    cross join lateral (select ${pick(FIRST_NAMES, r(27))} as first, ${pick(LAST_NAMES, r(28))} as last) as nm
    cross join lateral (select 1 + floor(${r(25)} * 12)::int as month) as bm
    cross join lateral (
      select lower(nm.first) || '.' || replace(lower(nm.last), ' ', '') || x.i as local,
             case ${domainCase} else 'corp' || floor(${r(29)} * 500)::int || '.com' end as domain
    ) as parts
    cross join lateral (
      select case when x.phone_only then null
                  when ${r(46)} < 0.1 then initcap(parts.local) || '@' || upper(parts.domain)
                  else parts.local || '@' || parts.domain end as email
    ) as e
    cross join lateral (select e.email, lower(e.email) as email_normalized) as m
    cross join lateral (
      select case when m.email is null then null when ${r(48)} < 0.5 then 'KNOWN' when ${r(48)} < 0.88 then 'SUBSCRIBED' else 'UNSUBSCRIBED' end as status
    ) as st
    left join (
      select e.profile_id, ${reservedAggregates('e')}, max(e.occurred_at) as last_event_at
      from event e group by e.profile_id
    ) as a on a.profile_id = x.i
    order by x.i`;
}

function phoneInsert(o: GenerateOptions): string {
  const r = (expr: string, salt: number) => rnd(o.seed, expr, salt);
  const asOf = `'${DATASET_AS_OF.toISOString()}'::timestamptz`;
  const u = r('p.id * 4 + ph.k', 51);
  return `insert into profile_phone (namespace_id, phone, profile_id, sms_status, sms_opt_in_method, sms_status_changed_at, sms_confirmed_at, created_at)
    select p.namespace_id, ph.phone, p.id, s.status,
      case when s.status = 'SUBSCRIBED' then case when ${r('p.id * 4 + ph.k', 52)} < 0.6 then 'SINGLE' else 'DOUBLE' end
           when s.status = 'PENDING' then 'DOUBLE'
           when s.status = 'UNSUBSCRIBED' and ${r('p.id * 4 + ph.k', 52)} < 0.5 then 'SINGLE' end,
      s.changed_at,
      case when s.status = 'SUBSCRIBED' and ${r('p.id * 4 + ph.k', 52)} >= 0.6 then s.changed_at end,
      p.created_at
    from profile p
    cross join lateral (values (1, '+1' || (2012000000 + p.id)::text), (2, '+44' || (7400000000 + p.id)::text)) as ph(k, phone)
    cross join lateral (
      select case when ${u} < 0.5 then 'KNOWN' when ${u} < 0.78 then 'SUBSCRIBED' when ${u} < 0.93 then 'UNSUBSCRIBED' else 'PENDING' end as status,
             p.created_at + (${asOf} - p.created_at) * ${r('p.id * 4 + ph.k', 53)} as changed_at
    ) as s
    where (ph.k = 1 and (p.email is null or ${r('p.id', 50)} < 0.40)) or (ph.k = 2 and p.email is not null and ${r('p.id', 50)} < 0.05)
    order by p.id, ph.k`;
}

const CONSENT_INSERT = `insert into consent_change (namespace_id, profile_id, channel, phone, from_status, to_status, sms_opt_in_method, source, actor, occurred_at)
  select namespace_id, id, 'EMAIL', null, null, 'KNOWN', null, 'IMPORT', 'bench:generator', first_identified_at from profile where email is not null
  union all
  select namespace_id, id, 'EMAIL', null, 'KNOWN', email_status, null, 'FORM', 'bench:generator', email_status_changed_at from profile where email_status <> 'KNOWN'
  union all
  select namespace_id, profile_id, 'SMS', phone, null, 'KNOWN', null, 'IMPORT', 'bench:generator', created_at from profile_phone
  union all
  select namespace_id, profile_id, 'SMS', phone, 'KNOWN', sms_status, sms_opt_in_method, 'FORM', 'bench:generator', sms_status_changed_at from profile_phone where sms_status <> 'KNOWN'`;

/** The secondary indexes (not backing a constraint) of the loaded tables, with their definitions. */
async function secondaryIndexes(runner: Runner): Promise<{ name: string; definition: string }[]> {
  return runner.rows<{ name: string; definition: string }>(
    `select c.relname as name, pg_get_indexdef(i.indexrelid) as definition
     from pg_index i join pg_class c on c.oid = i.indexrelid join pg_class t on t.oid = i.indrelid
     where t.relname = any($1::text[]) and t.relnamespace = 'public'::regnamespace
       and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
     order by t.relname, c.relname`,
    [SESSION_TABLES],
  );
}

/**
 * Loads the data set into a migrated, empty database (one session). Returns row counts and the
 * seconds each step took.
 */
export async function generateDataset(runner: Runner, options: GenerateOptions): Promise<GeneratedCounts> {
  const log = options.log ?? (() => undefined);
  const seconds: Record<string, number> = {};
  const step = async (name: string, text: string, params: readonly unknown[] = []) => {
    const started = performance.now();
    await runner.rows(text, params);
    seconds[name] = (seconds[name] ?? 0) + (performance.now() - started) / 1000;
  };
  const ids = BENCH_NAMESPACES.map((ns) => namespaceId(options.seed, ns.slug));
  const existing = num((await runner.rows<{ n: unknown }>(`select count(*) as n from profile`))[0]?.n);
  if (existing > 0) throw new Error('generateDataset needs an empty database');

  if (runner.kind === 'postgres') {
    await runner.rows(`set maintenance_work_mem = '1GB'`);
    await runner.rows(`set work_mem = '512MB'`);
  }
  for (const [index, ns] of BENCH_NAMESPACES.entries()) {
    await runner.rows(`insert into namespace (id, slug, name, default_region) values ($1, $2, $3, $4) on conflict (id) do nothing`, [ids[index], ns.slug, `Benchmark ${ns.slug}`, ns.region]);
    for (const field of BENCH_CUSTOM_FIELDS) {
      await runner.rows(
        `insert into custom_field (namespace_id, key, type, description, indexed) values ($1, $2, $3, $4, $5) on conflict do nothing`,
        [ids[index], field.key, field.type, field.description, field.indexed],
      );
    }
  }

  const dropped = await secondaryIndexes(runner);
  for (const index of dropped) await runner.rows(`drop index ${index.name}`);
  await runner.rows(`set session_replication_role = replica`);
  try {
    log(`events for ${options.profiles.toLocaleString('en-US')} profiles…`);
    await step('events', eventInsert(options, ids));
    log('profiles with reserved fields from their events…');
    await step('profiles', profileInsert(options, ids));
    log('phones and consent history…');
    await step('phones', phoneInsert(options));
    await step('consent', CONSENT_INSERT);
    for (const table of ['profile', 'event', 'consent_change']) {
      await runner.rows(`select setval(pg_get_serial_sequence('${table}', 'id'), greatest(1, (select coalesce(max(id), 0) from ${table})))`);
    }
  } finally {
    await runner.rows(`set session_replication_role = origin`);
  }
  log(`rebuilding ${dropped.length} indexes…`);
  for (const index of dropped) await step('indexes', index.definition);
  log('vacuum analyze…');
  for (const table of ['namespace', 'custom_field', ...SESSION_TABLES]) await step('vacuum', `vacuum (analyze) ${table}`);
  if (runner.kind === 'postgres') {
    // Measurements in this session must see the server's settings, as the service's connections do.
    await runner.rows('reset work_mem');
    await runner.rows('reset maintenance_work_mem');
  }

  const byNamespace: GeneratedCounts['byNamespace'] = {};
  const counts = await runner.rows<{ ns: string; profiles: unknown; events: unknown }>(
    `select n.slug as ns, (select count(*) from profile p where p.namespace_id = n.id) as profiles,
            (select count(*) from event e where e.namespace_id = n.id) as events
     from namespace n where n.id = any($1::uuid[]) order by n.slug`,
    [ids],
  );
  for (const row of counts) byNamespace[row.ns] = { profiles: num(row.profiles), events: num(row.events) };
  const total = (await runner.rows<Record<string, unknown>>(
    `select (select count(*) from profile) as profiles, (select count(*) from event) as events,
            (select count(*) from profile_phone) as phones, (select count(*) from consent_change) as consent`,
  ))[0]!;
  return {
    profiles: num(total.profiles), events: num(total.events), phones: num(total.phones), consentChanges: num(total.consent),
    byNamespace, seconds,
  };
}
