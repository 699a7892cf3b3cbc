import type { EventCatalog, JsonType } from '../audience';
import { readEventCatalog } from '../db/event-catalog.sql';
import { requirePermission, type Scope } from './scope';

export interface EventPropertyInfo {
  readonly name: string;
  /** The JSON types its values have had, e.g. ['number'] or ['number', 'string']. */
  readonly types: readonly JsonType[];
  readonly firstSeenAt: Date;
}

export interface EventTypeInfo {
  readonly type: string;
  readonly firstSeenAt: Date;
  readonly properties: readonly EventPropertyInfo[];
}

/** The namespace's event catalog, as the builder UI lists it and as the audience warnings read it. */
export interface NamespaceEventCatalog extends EventCatalog {
  readonly eventTypes: readonly EventTypeInfo[];
  /** More rows than one read returns: the list is cut (and unseen-name warnings are not given). */
  readonly truncated: boolean;
}

/**
 * The event catalog of a namespace (issue 13 §1): what event types and properties its events have
 * had. Read once per request (one statement) and shared by `eventFields` and the warnings.
 */
export class EventCatalogService {
  private cached: Promise<NamespaceEventCatalog> | undefined;

  constructor(private readonly scope: Scope) {}

  async catalog(): Promise<NamespaceEventCatalog> {
    requirePermission(this.scope, 'read', 'read the event catalog');
    this.cached ??= this.load();
    return this.cached;
  }

  private async load(): Promise<NamespaceEventCatalog> {
    const { rows, truncated } = await readEventCatalog(this.scope.sql, this.scope.tenant.id);
    const byType = new Map<string, { firstSeenAt: Date; properties: Map<string, { types: JsonType[]; firstSeenAt: Date }> }>();
    for (const row of rows) {
      let entry = byType.get(row.eventType);
      if (!entry) byType.set(row.eventType, (entry = { firstSeenAt: row.firstSeenAt, properties: new Map() }));
      if (row.property === '') {
        entry.firstSeenAt = row.firstSeenAt;
        continue;
      }
      const property = entry.properties.get(row.property);
      if (property) {
        property.types.push(row.jsonType as JsonType);
        if (row.firstSeenAt < property.firstSeenAt) property.firstSeenAt = row.firstSeenAt;
      } else {
        entry.properties.set(row.property, { types: [row.jsonType as JsonType], firstSeenAt: row.firstSeenAt });
      }
    }
    const eventTypes: EventTypeInfo[] = [...byType].map(([type, entry]) => ({
      type,
      firstSeenAt: entry.firstSeenAt,
      properties: [...entry.properties].map(([name, p]) => ({ name, types: p.types, firstSeenAt: p.firstSeenAt })),
    }));
    const types = [...byType.keys()];
    const properties = new Map([...byType].map(([type, entry]) => [type, new Map([...entry.properties].map(([name, p]) => [name, p.types as readonly JsonType[]]))]));
    return { eventTypes, truncated, types: () => types, properties: (type) => properties.get(type) };
  }
}
