import { instantProblem, parseInstant } from './datetime';
import type { InputProblem } from './errors';
import {
  eventTypeProblem, MAX_CLIENT_EVENT_ID_LENGTH, MAX_EVENT_PROPERTIES_BYTES, SCHEDULED_FOR_PROPERTY,
} from './events';
import type { ProfileWrite } from './profile-input';
import { jsonProblems, textInputProblems } from './storable-text';

/** An event as a client sends it. Exactly one of: `profileId`, or `email` and/or `phone`. */
export interface EventInput {
  readonly type: string;
  /** ISO 8601 date-time with offset, or an instant the API layer already parsed. */
  readonly created: string | Date;
  readonly createdOverride?: string | Date | null;
  readonly properties?: unknown;
  readonly clientEventId?: string | null;
  readonly email?: string | null;
  readonly phone?: string | null;
  /** A profile ID, as a number or its decimal string (GraphQL IDs are strings). */
  readonly profileId?: number | string | null;
}

export interface CheckedEvent {
  readonly type: string;
  readonly created: Date;
  readonly createdOverride: Date | null;
  readonly properties: Record<string, unknown>;
  readonly clientEventId: string | null;
  /** Who the event belongs to: a profile ID, or an identity to resolve (and create when unknown). */
  readonly subject: { readonly profileId: number } | { readonly identity: ProfileWrite };
}

type Path = readonly (string | number)[];

/**
 * Validates one event. Text must be storable and properties nest at most `MAX_JSON_DEPTH` levels
 * (`storable-text.ts`). Timestamps must be ISO 8601 with an offset (a bare date means midnight UTC).
 * An `email_scheduled` event's `scheduled_for` property, when present, must be such a timestamp too;
 * it is stored normalized to UTC.
 */
export function checkEvent(input: EventInput, base: Path): { ok: true; value: CheckedEvent } | { ok: false; problems: InputProblem[] } {
  // Text the database cannot store, and properties nested too deep, before anything else reads them.
  const unstorable = [
    ...textInputProblems([
      [[...base, 'type'], input.type],
      [[...base, 'created'], typeof input.created === 'string' ? input.created : null],
      [[...base, 'createdOverride'], typeof input.createdOverride === 'string' ? input.createdOverride : null],
      [[...base, 'clientEventId'], input.clientEventId],
      [[...base, 'email'], input.email],
      [[...base, 'phone'], input.phone],
      [[...base, 'profileId'], typeof input.profileId === 'string' ? input.profileId : null],
    ]),
    ...(input.properties === undefined || input.properties === null ? [] : jsonProblems(input.properties, [...base, 'properties'])),
  ];
  if (unstorable.length) return { ok: false, problems: unstorable };
  const problems: InputProblem[] = [];
  const problem = (path: Path, message: string) => problems.push({ path: [...base, ...path], message });

  const type = input.type.trim();
  const typeIssue = eventTypeProblem(type);
  if (typeIssue) problem(['type'], typeIssue);

  const instant = (key: 'created' | 'createdOverride', raw: string | Date): Date | null => {
    if (raw instanceof Date) return raw;
    const parsed = parseInstant(raw.trim());
    if (!parsed) problem([key], instantProblem(raw));
    return parsed ?? null;
  };
  const created = instant('created', input.created);
  const createdOverride = input.createdOverride ? instant('createdOverride', input.createdOverride) : null;

  let properties: Record<string, unknown> = {};
  if (input.properties !== undefined && input.properties !== null) {
    if (typeof input.properties !== 'object' || Array.isArray(input.properties)) {
      problem(['properties'], 'must be a JSON object, such as {"total": 59.9, "category": "shoes"}');
    } else if (Buffer.byteLength(JSON.stringify(input.properties), 'utf8') > MAX_EVENT_PROPERTIES_BYTES) {
      problem(['properties'], `is larger than ${MAX_EVENT_PROPERTIES_BYTES} bytes of JSON`);
    } else {
      properties = { ...(input.properties as Record<string, unknown>) };
    }
  }
  if (type === 'email_scheduled' && properties[SCHEDULED_FOR_PROPERTY] !== undefined) {
    const raw = properties[SCHEDULED_FOR_PROPERTY];
    const parsed = typeof raw === 'string' ? parseInstant(raw.trim()) : undefined;
    if (!parsed) problem(['properties', SCHEDULED_FOR_PROPERTY], 'must be an ISO 8601 date-time, the time the email will be sent');
    else properties[SCHEDULED_FOR_PROPERTY] = parsed.toISOString();
  }

  let clientEventId: string | null = null;
  if (input.clientEventId !== undefined && input.clientEventId !== null) {
    clientEventId = input.clientEventId.trim();
    if (clientEventId === '' || clientEventId.length > MAX_CLIENT_EVENT_ID_LENGTH) {
      problem(['clientEventId'], `must be 1 to ${MAX_CLIENT_EVENT_ID_LENGTH} characters`);
    }
  }

  const hasProfileId = input.profileId !== undefined && input.profileId !== null;
  const profileId = hasProfileId ? Number(input.profileId) : 0;
  if (hasProfileId && !(Number.isSafeInteger(profileId) && profileId > 0 && /^[1-9]\d*$/.test(String(input.profileId)))) {
    problem(['profileId'], `${JSON.stringify(input.profileId)} is not a valid profile ID`);
  }
  const hasIdentity = Boolean(input.email?.trim() || input.phone?.trim());
  if (hasProfileId === hasIdentity) {
    problem([], hasProfileId ? 'names both a profileId and an email or phone; send one way of identifying the profile' : 'needs a profileId, an email or a phone to identify the profile');
  }

  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    value: {
      type, created: created!, createdOverride, properties, clientEventId,
      subject: hasProfileId
        ? { profileId }
        : { identity: { email: input.email?.trim() || null, phones: input.phone?.trim() ? [input.phone.trim()] : [] } },
    },
  };
}
