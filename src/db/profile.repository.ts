import type { EmailStatus, SmsOptInMethod, SmsStatus } from '../domain/consent';
import type { Sql } from './sql';

/** A profile as stored. Dimensions and reserved fields are columns so segments can use indexes. */
export interface ProfileRecord {
  readonly id: number;
  readonly email: string | null;
  readonly emailNormalized: string | null;
  readonly emailHashNumber: number | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly birthdayDay: number | null;
  readonly birthdayMonth: number | null;
  readonly custom: Readonly<Record<string, string | number | boolean>>;
  readonly emailStatus: EmailStatus | null;
  readonly emailStatusChangedAt: Date | null;
  readonly firstIdentifiedAt: Date | null;
  readonly hasEmailDelivered: boolean;
  readonly hasReceivedEmail: boolean;
  readonly lastEmailSent: Date | null;
  readonly lastEmailScheduled: Date | null;
  readonly hasControlGroupHaltedEmail: Date | null;
  readonly lastPurchaseDate: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface PhoneRecord {
  readonly profileId: number;
  readonly phone: string;
  readonly smsStatus: SmsStatus;
  readonly smsOptInMethod: SmsOptInMethod | null;
  readonly smsStatusChangedAt: Date | null;
  readonly smsConfirmedAt: Date | null;
  readonly createdAt: Date;
}

export interface ConsentChangeRecord {
  readonly id: number;
  readonly profileId: number;
  readonly channel: 'EMAIL' | 'SMS';
  readonly phone: string | null;
  readonly fromStatus: string | null;
  readonly toStatus: string;
  readonly smsOptInMethod: SmsOptInMethod | null;
  readonly source: string;
  readonly actor: string;
  readonly occurredAt: Date;
}

export interface EventRecord {
  readonly id: number;
  readonly profileId: number;
  readonly type: string;
  readonly created: Date;
  readonly createdOverride: Date | null;
  readonly occurredAt: Date;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly clientEventId: string | null;
  readonly receivedAt: Date;
}

/** The SQL of each profile column, aliased to `ProfileRecord`'s property name. `p` is the profile table's alias. */
const PROFILE_COLUMNS: { readonly [K in keyof ProfileRecord]: string } = {
  id: 'p.id',
  email: 'p.email',
  emailNormalized: 'p.email_normalized as "emailNormalized"',
  emailHashNumber: 'p.email_hash_number as "emailHashNumber"',
  firstName: 'p.first_name as "firstName"',
  lastName: 'p.last_name as "lastName"',
  birthdayDay: 'p.birthday_day as "birthdayDay"',
  birthdayMonth: 'p.birthday_month as "birthdayMonth"',
  custom: 'p.custom',
  emailStatus: 'p.email_status as "emailStatus"',
  emailStatusChangedAt: 'p.email_status_changed_at as "emailStatusChangedAt"',
  firstIdentifiedAt: 'p.first_identified_at as "firstIdentifiedAt"',
  hasEmailDelivered: 'p.has_email_delivered as "hasEmailDelivered"',
  hasReceivedEmail: 'p.has_received_email as "hasReceivedEmail"',
  lastEmailSent: 'p.last_email_sent as "lastEmailSent"',
  lastEmailScheduled: 'p.last_email_scheduled as "lastEmailScheduled"',
  hasControlGroupHaltedEmail: 'p.has_control_group_halted_email as "hasControlGroupHaltedEmail"',
  lastPurchaseDate: 'p.last_purchase_date as "lastPurchaseDate"',
  createdAt: 'p.created_at as "createdAt"',
  updatedAt: 'p.updated_at as "updatedAt"',
};

/** A profile column other than the ID, which every profile read selects. */
export type ProfileColumn = Exclude<keyof ProfileRecord, 'id'>;

/** A profile read with some of its columns: the ID and the columns asked for. */
export type ProfileRow<C extends ProfileColumn = ProfileColumn> = Pick<ProfileRecord, 'id' | C>;

/**
 * The select list of a profile read: `p.id` and the given columns (by default every column), each
 * aliased to its `ProfileRecord` property. Columns come from this table only, never from input.
 *
 * @example profileSelect(['email']) // 'p.id, p.email'
 */
export function profileSelect(columns?: readonly ProfileColumn[]): string {
  if (columns === undefined) return PROFILE_SELECT;
  return ['p.id', ...[...new Set(columns)].map((c) => PROFILE_COLUMNS[c])].join(', ');
}

/** Every profile column, as `profileSelect()` gives it. */
export const PROFILE_SELECT = Object.values(PROFILE_COLUMNS).join(', ');

const PHONE_SELECT = `pp.profile_id as "profileId", pp.phone, pp.sms_status as "smsStatus", pp.sms_opt_in_method as "smsOptInMethod",
  pp.sms_status_changed_at as "smsStatusChangedAt", pp.sms_confirmed_at as "smsConfirmedAt", pp.created_at as "createdAt"`;

/** The columns of an event that a list of events always reads (`eventsOf(…, wide: false)`). */
export type NarrowEventRecord = Pick<EventRecord, 'id' | 'profileId' | 'type' | 'occurredAt' | 'properties'>;

const NARROW_EVENT_SELECT = `e.id, e.profile_id as "profileId", e.type, e.occurred_at as "occurredAt", e.properties`;
const EVENT_SELECT = `${NARROW_EVENT_SELECT}, e.created, e.created_override as "createdOverride", e.client_event_id as "clientEventId", e.received_at as "receivedAt"`;

/** Keyset position in a newest-first per-profile list: (time, id). */
export interface TimeCursor {
  readonly at: Date;
  readonly id: number;
}

/** Read queries over profiles and what hangs off them. Each takes many profile IDs at once, for DataLoader. */
export class ProfileRepository {
  constructor(
    private readonly sql: Sql,
    private readonly namespaceId: string,
  ) {}

  byIds(ids: readonly number[]): Promise<ProfileRecord[]> {
    return this.sql.rows<ProfileRecord>(`select ${PROFILE_SELECT} from profile p where p.namespace_id = $1 and p.id = any($2::bigint[])`, [this.namespaceId, ids]);
  }

  async idByEmail(normalizedEmail: string): Promise<number | undefined> {
    const row = await this.sql.one<{ id: number }>(`select id from profile where namespace_id = $1 and email_normalized = $2`, [this.namespaceId, normalizedEmail]);
    return row?.id;
  }

  async idByPhone(e164: string): Promise<number | undefined> {
    const row = await this.sql.one<{ id: number }>(`select profile_id as id from profile_phone where namespace_id = $1 and phone = $2`, [this.namespaceId, e164]);
    return row?.id;
  }

  /** The profile a merged-away profile ID now lives in. */
  async mergedInto(loserId: number): Promise<number | undefined> {
    const row = await this.sql.one<{ id: number }>(`select winner_id as id from profile_merge where namespace_id = $1 and loser_id = $2`, [this.namespaceId, loserId]);
    return row?.id;
  }

  /** A page in ID order, after the given ID, with the given columns (default all). Fetches one extra row to tell whether more follow. */
  page(afterId: number, limit: number, columns?: readonly ProfileColumn[]): Promise<ProfileRow[]> {
    return this.sql.rows<ProfileRow>(
      `select ${profileSelect(columns)} from profile p where p.namespace_id = $1 and p.id > $2 order by p.id limit $3`,
      [this.namespaceId, afterId, limit],
    );
  }

  phonesOf(profileIds: readonly number[]): Promise<PhoneRecord[]> {
    return this.sql.rows<PhoneRecord>(
      `select ${PHONE_SELECT} from profile_phone pp where pp.namespace_id = $1 and pp.profile_id = any($2::bigint[]) order by pp.profile_id, pp.created_at, pp.phone`,
      [this.namespaceId, profileIds],
    );
  }

  /** The newest `limit` consent changes of each profile, older than the cursor. */
  consentOf(profileIds: readonly number[], limit: number, before: TimeCursor | null): Promise<ConsentChangeRecord[]> {
    return this.sql.rows<ConsentChangeRecord>(
      `select c.id, c.profile_id as "profileId", c.channel, c.phone, c.from_status as "fromStatus", c.to_status as "toStatus",
              c.sms_opt_in_method as "smsOptInMethod", c.source, c.actor, c.occurred_at as "occurredAt"
       from unnest($2::bigint[]) as q(profile_id)
       cross join lateral (
         select * from consent_change c
         where c.namespace_id = $1 and c.profile_id = q.profile_id
           and ($4::timestamptz is null or (c.occurred_at, c.id) < ($4::timestamptz, $5::bigint))
         order by c.occurred_at desc, c.id desc limit $3) c`,
      [this.namespaceId, profileIds, limit, before?.at ?? null, before?.id ?? null],
    );
  }

  /**
   * The newest `limit` events of each profile (optionally of one type), older than the cursor.
   * Narrow (`wide: false`) reads only `NarrowEventRecord`'s columns, for lists that show no more.
   */
  eventsOf(profileIds: readonly number[], limit: number, before: TimeCursor | null, type: string | null, wide?: true): Promise<EventRecord[]>;
  eventsOf(profileIds: readonly number[], limit: number, before: TimeCursor | null, type: string | null, wide: boolean): Promise<NarrowEventRecord[]>;
  eventsOf(profileIds: readonly number[], limit: number, before: TimeCursor | null, type: string | null, wide = true): Promise<NarrowEventRecord[]> {
    const columns = wide ? EVENT_SELECT : NARROW_EVENT_SELECT;
    return this.sql.rows<NarrowEventRecord>(
      `select ${columns}
       from unnest($2::bigint[]) as q(profile_id)
       cross join lateral (
         select * from event e
         where e.namespace_id = $1 and e.profile_id = q.profile_id
           and ($4::timestamptz is null or (e.occurred_at, e.id) < ($4::timestamptz, $5::bigint))
           and ($6::text is null or e.type = $6)
         order by e.occurred_at desc, e.id desc limit $3) e`,
      [this.namespaceId, profileIds, limit, before?.at ?? null, before?.id ?? null, type],
    );
  }
}
