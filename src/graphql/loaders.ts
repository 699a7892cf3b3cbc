import DataLoader from 'dataloader';
import type { ConsentChangeRecord, EventRecord, NarrowEventRecord, PhoneRecord, ProfileRecord, RequestServices, SegmentRow, TimeCursor } from '../services';
import type { SkippedSegment } from '../services/segment.service';

/** An event of a list: its narrow columns always, the others when the list read them (`wide`). */
export type ListedEvent = NarrowEventRecord & Partial<EventRecord>;

/** Per-profile list arguments; profiles asking with the same arguments are loaded in one statement. */
interface ListKey {
  readonly profileId: number;
  readonly limit: number;
  readonly before: TimeCursor | null;
  readonly type?: string | null;
  /** Events: whether to read every column, or only `NarrowEventRecord`'s. */
  readonly wide?: boolean;
}

/** Rows grouped by their profile, in the order the query returned them. */
function byProfile<R extends { profileId: number }>(rows: readonly R[]): Map<number, R[]> {
  const grouped = new Map<number, R[]>();
  for (const row of rows) {
    const list = grouped.get(row.profileId);
    if (list) list.push(row);
    else grouped.set(row.profileId, [row]);
  }
  return grouped;
}

/**
 * The arguments of a key, apart from its profile: keys with equal arguments load in one statement.
 * Built per key and per call of `load`, so it is a plain string rather than JSON of an array. The
 * type, the only free text, goes last: no separator inside it can make two keys equal.
 */
function argsKey(k: ListKey): string {
  const before = k.before === null ? '-' : `${k.before.at.getTime()}:${k.before.id}`;
  return `${k.limit}|${before}|${k.wide === false ? 'n' : 'w'}|${k.type === undefined || k.type === null ? '-' : `=${k.type}`}`;
}

function listKey(k: ListKey): string {
  return `${k.profileId}|${argsKey(k)}`;
}

/** Loads a per-profile list for many profiles: one statement per distinct set of arguments. */
function listLoader<R extends { profileId: number }>(
  load: (profileIds: number[], limit: number, before: TimeCursor | null, type: string | null, wide: boolean) => Promise<R[]>,
): DataLoader<ListKey, R[], string> {
  return new DataLoader<ListKey, R[], string>(
    async (keys) => {
      const groups = new Map<string, ListKey[]>();
      for (const k of keys) {
        const args = argsKey(k);
        const group = groups.get(args);
        if (group) group.push(k);
        else groups.set(args, [k]);
      }
      const results = new Map<string, R[]>();
      for (const group of groups.values()) {
        const { limit, before, type, wide } = group[0]!;
        const rows = byProfile(await load(group.map((k) => k.profileId), limit, before, type ?? null, wide !== false));
        for (const k of group) results.set(listKey(k), rows.get(k.profileId) ?? []);
      }
      return keys.map((k) => results.get(listKey(k)) ?? []);
    },
    { cacheKeyFn: listKey },
  );
}

/**
 * The DataLoaders of one request. Nested profile fields load through these, so a page of 100
 * profiles runs as many statements as a page of one.
 */
export function createLoaders(services: RequestServices) {
  return {
    profile: new DataLoader<number, ProfileRecord | undefined>((ids) => services.profiles.loadMany(ids)),
    phones: new DataLoader<number, PhoneRecord[]>(async (ids) => {
      const rows = byProfile(await services.profiles.phonesOf(ids));
      return ids.map((id) => rows.get(id) ?? []);
    }),
    /** Events: every column, or with `wide: false` only `NarrowEventRecord`'s. */
    events: listLoader<ListedEvent>((ids, limit, before, type, wide) => services.profiles.eventsOf(ids, limit, before, type, wide)),
    consent: listLoader<ConsentChangeRecord>((ids, limit, before) => services.profiles.consentOf(ids, limit, before)),
    /** Segment membership of many profiles: one statement per distinct asOf. */
    segmentsOf: new DataLoader<{ profileId: number; asOf: string }, { segments: SegmentRow[]; skipped: SkippedSegment[] }, string>(
      async (keys) => {
        const byAsOf = new Map<string, number[]>();
        for (const k of keys) byAsOf.set(k.asOf, [...(byAsOf.get(k.asOf) ?? []), k.profileId]);
        const results = new Map<string, { segments: SegmentRow[]; skipped: SkippedSegment[] }>();
        for (const [asOf, ids] of byAsOf) {
          const { membership, skipped } = await services.segments.segmentsOf(ids, new Date(asOf));
          for (const id of ids) results.set(`${id}@${asOf}`, { segments: membership.get(id) ?? [], skipped });
        }
        return keys.map((k) => results.get(`${k.profileId}@${k.asOf}`) ?? { segments: [], skipped: [] });
      },
      { cacheKeyFn: (k) => `${k.profileId}@${k.asOf}` },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
