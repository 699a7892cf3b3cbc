import type { EventInput } from '../src/domain/event-input';
import type { ProfileWrite } from '../src/domain/profile-input';
import { recomputeReservedFields } from '../src/db/event-ingest.sql';
import { Sql } from '../src/db/sql';
import { DATASET_AS_OF } from './dataset';
import { NEW_INDEXES } from './indexes';
import type { Runner } from './runner';
import { servicesFor } from './services';
import { median, timed } from './stats';
import type { BenchTarget } from './targets';

export const INGEST_BATCH = 1000;

const NEW_PROFILE_PREFIX = 'new.ingest.';

/**
 * Removes what a run ingested (its events by client event id, its new profiles by email), puts
 * back the reserved fields of the profiles it touched, and vacuums, so the data set is the same for
 * the next run.
 */
async function cleanUp(target: BenchTarget, namespaceId: string, label: string, log: (m: string) => void): Promise<void> {
  log('ingest: removing what it wrote and restoring the touched profiles…');
  const sql = new Sql(target.db.orm.em.fork());
  await target.session.rows(`delete from event where namespace_id = $1 and client_event_id >= $2 and client_event_id < $3`, [namespaceId, `ingest-${label}-`, `ingest-${label}.`]);
  await target.session.rows(
    `delete from profile where namespace_id = $1 and email_normalized >= $2 and email_normalized < $3`,
    [namespaceId, `${NEW_PROFILE_PREFIX}${label}-`, `${NEW_PROFILE_PREFIX}${label}.`],
  );
  const ids = [...touched];
  touched.clear();
  for (let i = 0; i < ids.length; i += 5000) await recomputeReservedFields(sql, namespaceId, ids.slice(i, i + 5000));
  for (const table of ['event', 'profile', 'profile_phone', 'consent_change']) await target.session.rows(`vacuum (analyze) ${table}`);
}

export interface IngestRun {
  readonly batches: number;
  readonly events: number;
  readonly accepted: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly batchMedianMs: number;
  /** New profiles through `ProfileService.upsertMany` (the upsertProfiles path), batches of 1,000. */
  readonly profiles: number;
  readonly profilesPerSecond: number;
  readonly profileBatchMedianMs: number;
  /** Which secondary indexes were present. */
  readonly indexes: 'all' | 'foundation only';
}

export interface IngestResult {
  readonly namespace: string;
  readonly batchSize: number;
  readonly withIndexes: IngestRun;
  /** The same load with the indexes of Migration20261128020000_indexes and the custom-field indexes dropped. */
  readonly withoutNewIndexes?: IngestRun;
  /** With every index again, after rebuilding them (the runs alternate to even out cache effects). */
  readonly withIndexesAgain?: IngestRun;
  /** Mean events/s with every index over mean events/s without the new ones (below 1: the new indexes cost). */
  readonly relativeThroughput?: number;
  readonly droppedIndexes: readonly string[];
  /** With one index (group) dropped at a time (`breakdown`). */
  readonly breakdown: readonly { readonly label: string; readonly dropped: readonly string[]; readonly run: IngestRun }[];
}

/** Deterministic event batches naming existing profiles of the namespace by email. */
async function eventBatches(session: Runner, namespaceId: string, batches: number, label: string): Promise<EventInput[][]> {
  const emails = (await session.rows<{ email: string }>(
    `select email from profile where namespace_id = $1 and email is not null order by hashint8(id) limit $2`,
    [namespaceId, batches * INGEST_BATCH],
  )).map((r) => r.email);
  if (emails.length === 0) throw new Error('no profiles with an email in the ingest namespace');
  const types = ['purchase', 'purchase', 'purchase', 'email_sent', 'email_sent', 'email_sent', 'email_delivered', 'email_delivered', 'email_delivered', 'page_view'];
  const result: EventInput[][] = [];
  for (let b = 0; b < batches; b++) {
    const batch: EventInput[] = [];
    for (let i = 0; i < INGEST_BATCH; i++) {
      const n = b * INGEST_BATCH + i;
      const type = types[n % types.length]!;
      const created = new Date(DATASET_AS_OF.getTime() - ((n * 7919) % 86_400) * 1000).toISOString();
      const properties = type === 'purchase' ? { total: Math.round(((n * 37) % 20000) + 500) / 100, category: ['shoes', 'bags', 'kids'][n % 3], currency: 'USD' }
        : type === 'page_view' ? { path: `/products/${n % 5000}` } : { campaign: `cmp_${n % 40}` };
      batch.push({ type, created, properties, clientEventId: `ingest-${label}-${n}`, email: emails[n % emails.length]! });
    }
    result.push(batch);
  }
  return result;
}

/** New profiles with an email, names and custom values (inserted into every profile index). */
function profileBatches(batches: number, label: string): ProfileWrite[][] {
  const tiers = ['bronze', 'silver', 'gold', 'platinum'];
  return Array.from({ length: batches }, (_, b) =>
    Array.from({ length: INGEST_BATCH }, (__, i) => {
      const n = b * INGEST_BATCH + i;
      return {
        email: `${NEW_PROFILE_PREFIX}${label}.${n}@example.com`, firstName: 'Ingest', lastName: `Batch${b}`,
        custom: { loyalty_tier: tiers[n % 4], lifetime_value: (n % 3000) + 0.5, vip: n % 25 === 0, last_store_visit: '2026-11-01T10:00:00.000Z' },
      };
    }),
  );
}

/** Profiles whose reserved fields the ingest changed, to restore them afterwards. */
const touched = new Set<number>();

async function ingest(target: BenchTarget, namespaceSlug: string, batches: EventInput[][], writes: ProfileWrite[][], indexes: IngestRun['indexes']): Promise<IngestRun> {
  const namespace = { id: target.namespaces[namespaceSlug]!, slug: namespaceSlug };
  const times: number[] = [];
  let accepted = 0;
  for (const batch of batches) {
    const services = servicesFor(target.db, namespace);
    const { ms, value } = await timed(() => services.events.track(batch));
    times.push(ms);
    accepted += value.filter((o) => o.status === 'ACCEPTED').length;
    for (const outcome of value) if (outcome.profileId !== null) touched.add(outcome.profileId);
  }
  const profileTimes: number[] = [];
  let created = 0;
  for (const batch of writes) {
    const services = servicesFor(target.db, namespace);
    const { ms, value } = await timed(() => services.profiles.upsertMany(batch, undefined, 'IMPORT'));
    profileTimes.push(ms);
    created += value.filter((o) => o.ok).length;
  }
  const seconds = times.reduce((a, b) => a + b, 0) / 1000;
  const profileSeconds = profileTimes.reduce((a, b) => a + b, 0) / 1000;
  return {
    batches: batches.length, events: batches.length * INGEST_BATCH, accepted, seconds, eventsPerSecond: accepted / seconds, batchMedianMs: median(times),
    profiles: created, profilesPerSecond: created / profileSeconds, profileBatchMedianMs: median(profileTimes), indexes,
  };
}

/** The definitions of the new indexes present in the database (migration indexes and custom-field indexes). */
async function newIndexDefinitions(session: Runner): Promise<{ name: string; definition: string }[]> {
  return session.rows(
    `select c.relname as name, pg_get_indexdef(c.oid) as definition
     from pg_class c join pg_index i on i.indexrelid = c.oid
     where c.relnamespace = 'public'::regnamespace and (c.relname = any($1::text[]) or c.relname like 'profile\\_custom\\_%')
     order by c.relname`,
    [NEW_INDEXES.map((i) => i.name)],
  );
}

/** Groups of new indexes whose write cost is measured one by one with `breakdown`. */
function breakdownGroups(all: readonly { name: string; definition: string }[]): { label: string; names: string[] }[] {
  const custom = all.filter((i) => i.name.startsWith('profile_custom_')).map((i) => i.name);
  return [
    ...NEW_INDEXES.map((i) => ({ label: `without ${i.name}`, names: [i.name] })),
    ...(custom.length ? [{ label: `without the ${custom.length} custom-field indexes`, names: custom }] : []),
  ].filter((g) => g.names.every((n) => all.some((i) => i.name === n)));
}

/**
 * Event ingest through `EventService.track` (the path of the `trackEvents` mutation: validation,
 * identity resolution by email, insert, reserved-field fold), batches of 1,000 naming existing
 * profiles, then new profiles through `upsertMany`. With `compare`, the same load runs again with
 * the new indexes dropped (then rebuilt), for a rough write cost of those indexes; with
 * `breakdown`, also with each index (group) dropped alone. Runs with every index open and close
 * the sequence, to even out cache effects.
 */
export async function runIngestSuite(
  target: BenchTarget,
  options: { namespace: string; batches: number; profileBatches: number; compare: boolean; breakdown: boolean; log: (m: string) => void },
): Promise<IngestResult> {
  const namespaceId = target.namespaces[options.namespace]!;
  const label = `${Date.now().toString(36)}`;
  try {
    return await measureIngest(target, namespaceId, label, options);
  } finally {
    await cleanUp(target, namespaceId, label, options.log);
  }
}

async function measureIngest(
  target: BenchTarget, namespaceId: string, label: string,
  options: { namespace: string; batches: number; profileBatches: number; compare: boolean; breakdown: boolean; log: (m: string) => void },
): Promise<IngestResult> {
  let phaseNumber = 0;
  const phase = async (indexes: IngestRun['indexes']) => {
    const tag = `${label}-${phaseNumber++}`;
    return ingest(target, options.namespace, await eventBatches(target.session, namespaceId, options.batches, tag), profileBatches(options.profileBatches, tag), indexes);
  };
  await ingest(target, options.namespace, await eventBatches(target.session, namespaceId, 1, `${label}-warm`), profileBatches(1, `${label}-warm`), 'all');
  options.log(`ingest: ${options.batches} batches of ${INGEST_BATCH} with every index…`);
  const withIndexes = await phase('all');
  if (!options.compare) return { namespace: options.namespace, batchSize: INGEST_BATCH, withIndexes, droppedIndexes: [], breakdown: [] };

  const all = await newIndexDefinitions(target.session);
  const groups = [...(options.breakdown ? breakdownGroups(all) : []), { label: 'without any new index', names: all.map((i) => i.name) }];
  const breakdown: { label: string; dropped: string[]; run: IngestRun }[] = [];
  for (const group of groups) {
    const dropped = all.filter((i) => group.names.includes(i.name));
    options.log(`ingest: ${group.label}…`);
    for (const index of dropped) await target.session.rows(`drop index ${index.name}`);
    try {
      breakdown.push({ label: group.label, dropped: dropped.map((d) => d.name), run: await phase(dropped.length === all.length ? 'foundation only' : 'all') });
    } finally {
      if (target.kind === 'postgres') await target.session.rows(`set maintenance_work_mem = '1GB'`);
      for (const index of dropped) await target.session.rows(index.definition);
    }
  }
  if (target.kind === 'postgres') await target.session.rows('reset maintenance_work_mem');
  await target.session.rows('analyze profile');
  await target.session.rows('analyze event');
  options.log('ingest: again with every index…');
  const withIndexesAgain = await phase('all');
  const withoutNewIndexes = breakdown[breakdown.length - 1]!.run;
  const relativeThroughput = (withIndexes.eventsPerSecond + withIndexesAgain.eventsPerSecond) / 2 / withoutNewIndexes.eventsPerSecond;
  return {
    namespace: options.namespace, batchSize: INGEST_BATCH, withIndexes, withoutNewIndexes, withIndexesAgain, relativeThroughput,
    droppedIndexes: all.map((d) => d.name), breakdown: breakdown.slice(0, -1),
  };
}
