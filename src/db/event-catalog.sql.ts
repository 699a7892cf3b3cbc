/**
 * The namespace's event catalog (issue 13 §1): the event types seen and, per type, the property
 * names seen with the JSON types of their values. Written by the event insert
 * (`event-ingest.sql.ts`, set-based, new keys only) and backfilled by migration 20261203130000;
 * read here for the `eventFields` query and for the audience warnings.
 */
import type { Sql } from './sql';

/** The most catalog rows one read returns (types plus properties plus their types). */
export const MAX_EVENT_CATALOG_ROWS = 10_000;

export interface EventCatalogRow {
  readonly eventType: string;
  /** `''` for the row that records the type itself. */
  readonly property: string;
  /** `''` for the type row; otherwise `jsonb_typeof` of a value seen. */
  readonly jsonType: string;
  readonly firstSeenAt: Date;
}

/** The catalog rows, by type, property and JSON type; at most `MAX_EVENT_CATALOG_ROWS` (and `truncated` when there were more). */
export async function readEventCatalog(sql: Sql, namespaceId: string): Promise<{ rows: EventCatalogRow[]; truncated: boolean }> {
  const rows = await sql.rows<{ event_type: string; property: string; json_type: string; first_seen_at: Date }>(
    `select event_type, property, json_type, first_seen_at from event_catalog where namespace_id = $1
      order by event_type collate "C", property collate "C", json_type limit $2`,
    [namespaceId, MAX_EVENT_CATALOG_ROWS + 1],
    { label: 'event_catalog.read' },
  );
  return {
    rows: rows.slice(0, MAX_EVENT_CATALOG_ROWS).map((r) => ({ eventType: r.event_type, property: r.property, jsonType: r.json_type, firstSeenAt: r.first_seen_at })),
    truncated: rows.length > MAX_EVENT_CATALOG_ROWS,
  };
}
