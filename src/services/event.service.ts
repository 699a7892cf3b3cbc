import { insertEvents, type EventRow } from '../db/event-ingest.sql';
import type { Sql } from '../db/sql';
import { AppError, type InputProblem } from '../domain/errors';
import { checkEvent, type CheckedEvent, type EventInput } from '../domain/event-input';
import { MAX_EVENT_BATCH } from '../domain/events';
import type { ProfileWrite } from '../domain/profile-input';
import type { ProfileService, UpsertOutcome } from './profile.service';
import { inTransaction, requirePermission, type Scope } from './scope';

export type EventStatus = 'ACCEPTED' | 'DUPLICATE' | 'REJECTED' | 'SUPPRESSED';

export interface EventOutcome {
  readonly index: number;
  readonly status: EventStatus;
  readonly eventId: number | null;
  readonly profileId: number | null;
  readonly problems: readonly InputProblem[];
}

/**
 * Event ingestion. A batch (up to 1,000) is validated event by event; the profiles it names by
 * email or phone are resolved (and created) set-based; the events are inserted and folded into
 * the reserved fields, all in one transaction. Each event gets its own outcome.
 */
export class EventService {
  constructor(
    private readonly scope: Scope,
    private readonly profiles: ProfileService,
  ) {}

  async track(inputs: readonly EventInput[]): Promise<EventOutcome[]> {
    requirePermission(this.scope, 'profiles:write', 'track events');
    if (inputs.length === 0 || inputs.length > MAX_EVENT_BATCH) {
      throw AppError.invalid(['events'], `has ${inputs.length} events; send 1 to ${MAX_EVENT_BATCH} per request`);
    }
    const outcomes: EventOutcome[] = new Array(inputs.length);
    const reject = (index: number, problems: readonly InputProblem[]) => {
      outcomes[index] = { index, status: 'REJECTED', eventId: null, profileId: null, problems };
    };

    const checked: (CheckedEvent | undefined)[] = inputs.map((input, index) => {
      const result = checkEvent(input, ['events', index]);
      if (result.ok) return result.value;
      reject(index, result.problems);
      return undefined;
    });
    const firstWithId = new Map<string, number>();
    checked.forEach((event, index) => {
      if (!event?.clientEventId) return;
      const first = firstWithId.get(event.clientEventId);
      if (first === undefined) firstWithId.set(event.clientEventId, index);
      else {
        outcomes[index] = { index, status: 'DUPLICATE', eventId: null, profileId: null, problems: [{ path: ['events', index, 'clientEventId'], message: `repeats the clientEventId of event ${first} in this batch` }] };
        checked[index] = undefined;
      }
    });

    // Identities to resolve, one staged write per event that names an email or phone.
    const identities: (ProfileWrite | undefined)[] = checked.map((e) => (e && 'identity' in e.subject ? e.subject.identity : undefined));
    const identityOutcomes: UpsertOutcome[] = new Array(inputs.length);
    const pathFor = (i: number) => ['events', i];
    const staged = await this.profiles.stageAll(identities, pathFor, identityOutcomes);

    await inTransaction(this.scope, async (sql) => {
      const resolved = await this.profiles.apply(sql, staged, 'API', pathFor);
      const profileIdOf = await this.knownProfiles(sql, checked);
      const rows: EventRow[] = [];
      checked.forEach((event, index) => {
        if (!event) return;
        let profileId: number | undefined;
        if ('profileId' in event.subject) {
          profileId = profileIdOf.get(event.subject.profileId);
          if (profileId === undefined) return reject(index, [{ path: ['events', index, 'profileId'], message: `profile ${event.subject.profileId} was not found in this namespace` }]);
        } else {
          const outcome = resolved[index] ?? identityOutcomes[index];
          if (outcome && !outcome.ok && outcome.suppressed) {
            outcomes[index] = { index, status: 'SUPPRESSED', eventId: null, profileId: null, problems: outcome.problems };
            return;
          }
          if (!outcome?.ok) return reject(index, outcome?.problems ?? []);
          profileId = outcome.profileId;
        }
        rows.push({ ord: index, profileId, type: event.type, created: event.created, createdOverride: event.createdOverride, properties: event.properties, clientEventId: event.clientEventId });
      });
      const inserted = await insertEvents(sql, this.scope.tenant.id, rows);
      inserted.forEach((r, i) => {
        const profileId = rows[i]!.profileId;
        outcomes[r.ord] = r.inserted
          ? { index: r.ord, status: 'ACCEPTED', eventId: r.id, profileId, problems: [] }
          : { index: r.ord, status: 'DUPLICATE', eventId: null, profileId, problems: [{ path: ['events', r.ord, 'clientEventId'], message: 'an event with this clientEventId was already ingested' }] };
      });
    });
    return outcomes;
  }

  /** Profile IDs named by events, mapped to the profile they now live in (following merges). */
  private async knownProfiles(sql: Sql, events: readonly (CheckedEvent | undefined)[]): Promise<Map<number, number>> {
    const ids = [...new Set(events.flatMap((e) => (e && 'profileId' in e.subject ? [e.subject.profileId] : [])))];
    if (ids.length === 0) return new Map();
    const rows = await sql.rows<{ asked: number; id: number }>(
      `select q.id as asked, coalesce(p.id, m.winner_id) as id
       from unnest($2::bigint[]) as q(id)
       left join profile p on p.namespace_id = $1 and p.id = q.id
       left join profile_merge m on m.namespace_id = $1 and m.loser_id = q.id
       where p.id is not null or m.winner_id is not null`,
      [this.scope.tenant.id, ids],
    );
    return new Map(rows.map((r) => [r.asked, r.id]));
  }
}
