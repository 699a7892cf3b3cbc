import { DATASET_AS_OF } from './dataset';

/**
 * The reference segments: each written in the audience DSL and as the best hand-written SQL found
 * for it (with the indexes of the migrations and the recommended custom-field indexes in place).
 * Hand-written predicates are over `profile p`; `$1` is the namespace id, then `params`.
 *
 * `pageWhere` is for shapes where a first page (ORDER BY id LIMIT 101) is served best by another
 * form than the count (a correlated EXISTS that stops early instead of a grouped semi-join), and
 * `fencePage` for pages best computed from the index and then sorted (see `HandWritten`).
 * `naive` records a plausible but wrong way to write it, to show what the exact semantics cost.
 */
export interface HandWritten {
  readonly where: string;
  readonly params: readonly unknown[];
  readonly pageWhere?: string;
  /**
   * Fence the first page (`select * from (… offset 0) s order by s.id limit n`): evaluate the
   * predicate through its index, then sort the few matches, instead of walking the primary key in
   * id order. Best when the matches are few and sit at the end of the id range (recent signups).
   */
  readonly fencePage?: boolean;
}

export interface ReferenceSegment {
  readonly key: string;
  /** What it covers, from the issue's list. */
  readonly covers: string;
  /** The DSL text; `{recent_buyers}` is replaced by the saved segment's id. */
  readonly text: string;
  readonly hand: HandWritten;
  readonly naive?: { readonly where: string; readonly params: readonly unknown[]; readonly note: string };
}

/** Saved segments that reference segments use, created in the namespace before measuring. */
export const SAVED_SEGMENTS = [{ key: 'recent_buyers', name: 'Bench: recent buyers', text: 'did purchase within last 30 days' }] as const;

const DAY_MS = 86_400_000;
const asOf = DATASET_AS_OF.getTime();
const at = (ms: number) => new Date(ms).toISOString();
const daysAgo = (days: number) => at(asOf - days * DAY_MS);
const NOW = at(asOf);

const num = (key: string) => `case when jsonb_typeof(p.custom -> '${key}') = 'number' then (p.custom ->> '${key}')::numeric end`;
/** A custom boolean is true: jsonb equality, on the expression of the field's index (src/db/custom-index.sql.ts). */
const isTrue = (key: string) => `p.custom -> '${key}' = 'true'::jsonb`;
const events = (type: string, window: string, extra = '') =>
  `select 1 from event e where e.namespace_id = p.namespace_id and e.type = '${type}' and e.profile_id = p.id and e.occurred_at between ${window}${extra}`;

/** mix-20 without its event count, which comes in two forms (grouped for counts, EXISTS … OFFSET 1 for pages). */
const MIX_BASE = [
  `p.email_status in ('KNOWN', 'SUBSCRIBED') and p.email_hash_number >= 10 and p.first_name is not null`,
  `and (p.custom ->> 'loyalty_tier' in ('silver', 'gold', 'platinum') or ${num('lifetime_value')} > 500 or ${isTrue('vip')})`,
  `and (p.custom ->> 'city') is distinct from 'Oslo' and (p.custom ->> 'city') is distinct from 'Helsinki'`,
  `and (p.custom ->> 'visits')::numeric >= 1 and (p.custom -> 'app_installed') is distinct from 'false'::jsonb`,
  `and (p.last_purchase_date between $2 and $6 or p.last_email_sent between $3 and $6)`,
  `and p.first_identified_at < '2026-10-01T00:00:00Z' and p.has_email_delivered`,
  `and (p.last_name is null or p.last_name not ilike '%test%') and p.email_normalized like '%.com' and (p.custom ->> 'favorite_category') is distinct from 'kids'`,
  `and not exists (select 1 from profile_phone ph where ph.namespace_id = p.namespace_id and ph.profile_id = p.id and ph.sms_status = 'UNSUBSCRIBED')`,
  `and exists (${events('email_opened', '$4 and $6')})`,
  `and not exists (${events('cart_abandoned', '$5 and $6')})`,
].join('\n');

const MIX_PURCHASES = {
  count: `and p.id in (select e.profile_id from event e where e.namespace_id = $1 and e.type = 'purchase' and e.occurred_at between $7 and $6
    and case when jsonb_typeof(e.properties -> 'total') = 'number' then (e.properties ->> 'total')::numeric end > 20 group by e.profile_id having count(*) >= 2)`,
  page: `and exists (${events('purchase', '$7 and $6', ` and case when jsonb_typeof(e.properties -> 'total') = 'number' then (e.properties ->> 'total')::numeric end > 20`)} offset 1)`,
};

export const REFERENCE_SEGMENTS: readonly ReferenceSegment[] = [
  {
    key: 'dimension-date',
    covers: 'a dimension and a date',
    text: 'email_status = "SUBSCRIBED" and first_identified_date within last 30 days',
    hand: { where: `p.email_status = 'SUBSCRIBED' and p.first_identified_at between $2 and $3`, params: [daysAgo(30), NOW], fencePage: true },
  },
  {
    key: 'or-indexed',
    covers: 'an OR across two indexed fields',
    text: '(email_status = "SUBSCRIBED" and first_identified_date within last 7 days) or last_purchase_date within last 1 day',
    hand: { where: `(p.email_status = 'SUBSCRIBED' and p.first_identified_at between $2 and $3) or p.last_purchase_date between $4 and $3`, params: [daysAgo(7), NOW, daysAgo(1)] },
  },
  {
    key: 'not-missing',
    covers: 'neq / not with missing values',
    text: 'not email_status = "UNSUBSCRIBED" and custom.vip != true',
    hand: { where: `(p.email_status is null or p.email_status <> 'UNSUBSCRIBED') and (p.custom -> 'vip') is distinct from 'true'::jsonb`, params: [] },
    naive: {
      where: `p.email_status <> 'UNSUBSCRIBED' and not (p.custom ->> 'vip')::boolean`,
      params: [],
      note: 'three-valued logic: drops profiles without an email status (phone-only) and without custom.vip',
    },
  },
  {
    key: 'custom-string',
    covers: 'a custom string (indexed) with a custom string (not indexed)',
    text: 'custom.loyalty_tier = "platinum" and custom.city in ("Berlin", "Paris")',
    hand: { where: `p.custom ->> 'loyalty_tier' = 'platinum' and p.custom ->> 'city' in ('Berlin', 'Paris')`, params: [] },
  },
  {
    key: 'custom-number',
    covers: 'a custom number',
    text: 'custom.lifetime_value > 2000',
    hand: { where: `${num('lifetime_value')} > 2000`, params: [] },
  },
  {
    key: 'custom-boolean',
    covers: 'a custom boolean',
    text: 'custom.vip = true and custom.app_installed = true',
    hand: { where: `${isTrue('vip')} and ${isTrue('app_installed')}`, params: [] },
  },
  {
    key: 'holdout',
    covers: 'holdout by email_hash_number',
    text: 'email_status = "SUBSCRIBED" and email_hash_number < 10',
    hand: { where: `p.email_status = 'SUBSCRIBED' and p.email_hash_number < 10`, params: [] },
  },
  {
    key: 'event-count',
    covers: 'an event count within a window',
    text: 'did purchase at least 2 times within last 90 days',
    hand: {
      where: `p.id in (select e.profile_id from event e where e.namespace_id = $1 and e.type = 'purchase' and e.occurred_at between $2 and $3 group by e.profile_id having count(*) >= 2)`,
      pageWhere: `exists (${events('purchase', '$2 and $3')} offset 1)`,
      params: [daysAgo(90), NOW],
    },
  },
  {
    key: 'event-property',
    covers: 'an event with a property filter',
    text: 'did purchase within last 30 days where (total > 100 and category = "shoes")',
    hand: {
      where: `exists (${events('purchase', '$2 and $3', ` and case when jsonb_typeof(e.properties -> 'total') = 'number' then (e.properties ->> 'total')::numeric end > 100 and e.properties -> 'category' = '"shoes"'::jsonb`)})`,
      params: [daysAgo(30), NOW],
    },
  },
  {
    key: 'did-not',
    covers: '"did not" an event',
    text: 'email_status = "SUBSCRIBED" and did not purchase within last 90 days',
    hand: { where: `p.email_status = 'SUBSCRIBED' and not exists (${events('purchase', '$2 and $3')})`, params: [daysAgo(90), NOW] },
  },
  {
    key: 'segment-ref',
    covers: 'a segment reference',
    text: 'in segment "{recent_buyers}" and custom.loyalty_tier in ("gold", "platinum")',
    hand: { where: `p.custom ->> 'loyalty_tier' in ('gold', 'platinum') and exists (${events('purchase', '$2 and $3')})`, params: [daysAgo(30), NOW] },
  },
  {
    key: 'mix-20',
    covers: 'a 20-condition mix',
    text: [
      'email_status in ("KNOWN", "SUBSCRIBED") and email_hash_number >= 10 and first_name is set',
      'and (custom.loyalty_tier in ("silver", "gold", "platinum") or custom.lifetime_value > 500 or custom.vip = true)',
      'and not custom.city in ("Oslo", "Helsinki") and custom.visits >= 1 and custom.app_installed != false',
      'and (last_purchase_date within last 180 days or last_email_sent within last 14 days)',
      'and first_identified_date before 2026-10-01 and has_email_delivered = true',
      'and not last_name contains "test" and email ends with ".com" and custom.favorite_category != "kids"',
      'and sms_status != "UNSUBSCRIBED"',
      'and did email_opened within last 60 days',
      'and did not cart_abandoned within last 7 days',
      'and did purchase at least 2 times within last 365 days where (total > 20)',
    ].join('\n'),
    hand: {
      where: `${MIX_BASE}\n${MIX_PURCHASES.count}`,
      pageWhere: `${MIX_BASE}\n${MIX_PURCHASES.page}`,
      params: [daysAgo(180), daysAgo(14), daysAgo(60), daysAgo(7), NOW, daysAgo(365)],
    },
  },
];

/** The hand-written predicate of a segment for counts and for first pages. */
export function handPredicates(segment: ReferenceSegment): { count: string; page: string } {
  return { count: segment.hand.where, page: segment.hand.pageWhere ?? segment.hand.where };
}
