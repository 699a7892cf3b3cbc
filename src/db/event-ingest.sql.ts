import { PROPERTY_NAME_PATTERN } from '../text/property-names';
import { reservedAggregates, reservedFold, reservedFoldChanges, reservedReplace } from './reserved-fields.sql';
import type { Sql } from './sql';

export interface EventRow {
  readonly ord: number;
  readonly profileId: number;
  readonly type: string;
  readonly created: Date;
  readonly createdOverride: Date | null;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly clientEventId: string | null;
}

/**
 * Inserts a batch of events and folds them into the reserved fields of their profiles, and adds
 * what is new about them to the namespace's event catalog (`event-catalog.sql.ts`), in one
 * statement (catalog keys in key order, so concurrent batches cannot deadlock on them). A client event ID seen before is skipped (`inserted: false`). Because every reserved
 * field is a maximum or a latch, events arriving out of order give the same result as in order;
 * a profile whose reserved fields the events do not change is not written.
 */
export async function insertEvents(sql: Sql, namespaceId: string, events: readonly EventRow[]): Promise<{ ord: number; id: number; inserted: boolean }[]> {
  if (events.length === 0) return [];
  const payload = events.map((e) => ({
    ord: e.ord, profile_id: e.profileId, type: e.type, created: e.created.toISOString(),
    created_override: e.createdOverride?.toISOString() ?? null, properties: e.properties, client_event_id: e.clientEventId,
  }));
  return sql.rows<{ ord: number; id: number; inserted: boolean }>(
    `with input as materialized (
       select x.*, nextval(pg_get_serial_sequence('event', 'id')) as id
       from jsonb_to_recordset($2::jsonb) as x(ord int, profile_id bigint, type text, created timestamptz,
         created_override timestamptz, properties jsonb, client_event_id text)
     ),
     ins as (
       insert into event (namespace_id, id, profile_id, type, created, created_override, properties, client_event_id)
       select $1, id, profile_id, type, created, created_override, properties, client_event_id from input order by ord
       on conflict (namespace_id, client_event_id) where client_event_id is not null do nothing
       returning id, profile_id, type, occurred_at, properties
     ),
     catalog as (
       insert into event_catalog (namespace_id, event_type, property, json_type)
       select $1, k.event_type, k.property, k.json_type
       from jsonb_to_recordset($3::jsonb) as k(event_type text, property text, json_type text)
       where exists (select from ins i where i.type = k.event_type and (k.property = '' or jsonb_typeof(i.properties -> k.property) = k.json_type))
       order by 2, 3, 4
       on conflict do nothing
     ),
     agg as (
       select i.profile_id, ${reservedAggregates('i')}
       from ins i group by i.profile_id
     ),
     upd as (
       update profile p set ${reservedFold('p', 'a')}, updated_at = now()
       from agg a where p.namespace_id = $1 and p.id = a.profile_id and ${reservedFoldChanges('p', 'a')}
       returning p.id
     )
     select input.ord, input.id, ins.id is not null as inserted
     from input left join ins on ins.id = input.id
     order by input.ord`,
    [namespaceId, JSON.stringify(payload), JSON.stringify(catalogCandidates(events))],
  );
}


/** `jsonb_typeof` of the value as `JSON.stringify` writes it; undefined where it writes nothing. */
function jsonType(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? 'number' : 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value !== 'object') return undefined; // undefined, functions, symbols: left out
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return jsonType((toJSON as () => unknown).call(value));
  return Array.isArray(value) ? 'array' : 'object';
}

/**
 * The distinct catalog keys of a batch (each type, and each type's properties with their JSON
 * types), found here once per key rather than by the statement once per event and property. The
 * statement keeps those of events it inserted, so a skipped duplicate adds nothing.
 */
function catalogCandidates(events: readonly EventRow[]): { event_type: string; property: string; json_type: string }[] {
  const seen = new Map<string, { event_type: string; property: string; json_type: string }>();
  const add = (event_type: string, property: string, json_type: string) => {
    const key = `${event_type}\u0000${property}\u0000${json_type}`; // stored text holds no NUL
    if (!seen.has(key)) seen.set(key, { event_type, property, json_type });
  };
  for (const e of events) {
    add(e.type, '', '');
    for (const property in e.properties) {
      const type = PROPERTY_NAME_PATTERN.test(property) ? jsonType(e.properties[property]) : undefined;
      if (type !== undefined) add(e.type, property, type);
    }
  }
  return [...seen.values()];
}

/** Recomputes the reserved fields of the given profiles from all their events (repairs, deletions). */
export async function recomputeReservedFields(sql: Sql, namespaceId: string, profileIds: readonly number[]): Promise<void> {
  if (profileIds.length === 0) return;
  await sql.execute(
    `update profile p set ${reservedReplace('a')}, updated_at = now()
     from (select q.profile_id, agg.*
           from unnest($2::bigint[]) as q(profile_id)
           cross join lateral (
             select ${reservedAggregates('e')}
             from event e where e.namespace_id = $1 and e.profile_id = q.profile_id) agg) a
     where p.namespace_id = $1 and p.id = a.profile_id`,
    [namespaceId, profileIds],
  );
}
