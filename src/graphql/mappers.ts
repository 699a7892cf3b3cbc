import { emailPromotionalEligible, smsPromotionalEligible } from '../domain/consent';
import type { InputProblem } from '../domain/errors';
import type { ApiKeyRow, ConsentChangeRecord, CustomFieldRow, CustomIndexReport, NamespaceRow, PhoneRecord, ProfileRecord, ProfileRow } from '../services';
import type { ListedEvent } from './loaders';
import { ApiKey, Namespace } from './types/admin.type';
import { CustomField, CustomFieldIndex } from './types/catalog.type';
import { InputError } from './types/common.type';
import { Channels, ConsentChange, Dimensions, Profile, ProfileEvent, ReservedFields, SmsChannel } from './types/profile.type';

/** Stored rows to GraphQL objects. Persistence rows never reach the schema directly. */
export function toProfile(p: ProfileRecord): Profile {
  return Object.assign(new Profile(), {
    id: String(p.id),
    profileId: p.id,
    email: p.email,
    firstName: p.firstName,
    lastName: p.lastName,
    birthdayDay: p.birthdayDay,
    birthdayMonth: p.birthdayMonth,
    custom: p.custom,
    reserved: Object.assign(new ReservedFields(), {
      emailHashNumber: p.emailHashNumber,
      hasControlGroupHaltedEmail: p.hasControlGroupHaltedEmail,
      hasEmailDelivered: p.hasEmailDelivered,
      hasReceivedEmail: p.hasReceivedEmail,
      lastEmailScheduled: p.lastEmailScheduled,
      lastPurchaseDate: p.lastPurchaseDate,
      lastEmailSent: p.lastEmailSent,
    }),
    dimensions: Object.assign(new Dimensions(), { emailStatus: p.emailStatus, firstIdentifiedDate: p.firstIdentifiedAt }),
    channels: Object.assign(new Channels(), {
      profileId: p.id,
      email:
        p.email === null || p.emailStatus === null
          ? null
          : {
              address: p.email,
              status: p.emailStatus,
              statusChangedAt: p.emailStatusChangedAt,
              promotionalEligible: emailPromotionalEligible(p.emailStatus),
              transactionalEligible: true,
            },
    }),
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  });
}

/**
 * A profile read with the columns the request selects (`profileColumnsOf`): the fields fed by
 * the other columns stay unset, and GraphQL never reads them.
 */
export function toSelectedProfile(p: ProfileRow): Profile {
  return toProfile(p as ProfileRecord);
}

export function toSmsChannel(p: PhoneRecord): SmsChannel {
  return Object.assign(new SmsChannel(), {
    phone: p.phone,
    status: p.smsStatus,
    optInMethod: p.smsOptInMethod,
    confirmedAt: p.smsConfirmedAt,
    statusChangedAt: p.smsStatusChangedAt,
    promotionalEligible: smsPromotionalEligible(p.smsStatus),
    transactionalEligible: true,
  });
}

/**
 * An event of a list. A narrow read (`needsWideEvents`) leaves out the columns of the fields the
 * request does not select, so those fields stay unset; GraphQL never reads them.
 */
export function toEvent(e: ListedEvent): ProfileEvent {
  const event = new ProfileEvent();
  event.id = String(e.id);
  event.type = e.type;
  event.created = e.created!;
  event.createdOverride = e.createdOverride ?? null;
  event.occurredAt = e.occurredAt;
  event.properties = e.properties as Record<string, unknown>;
  event.clientEventId = e.clientEventId ?? null;
  event.receivedAt = e.receivedAt!;
  return event;
}

export function toConsentChange(c: ConsentChangeRecord): ConsentChange {
  return Object.assign(new ConsentChange(), { ...c, id: String(c.id), optInMethod: c.smsOptInMethod });
}

export function toInputErrors(problems: readonly InputProblem[]): InputError[] {
  return problems.map((p) => Object.assign(new InputError(), { path: p.path.map(String), message: p.message }));
}

export function toCustomField(f: CustomFieldRow, index: CustomIndexReport): CustomField {
  return Object.assign(new CustomField(), { key: f.key, type: f.type, description: f.description, indexed: f.indexed, index: toCustomFieldIndex(index), createdAt: f.createdAt, updatedAt: f.updatedAt });
}

export function toCustomFieldIndex(index: CustomIndexReport): CustomFieldIndex {
  return Object.assign(new CustomFieldIndex(), { state: index.state, changedAt: index.changedAt, error: index.error });
}

export function toNamespace(n: NamespaceRow): Namespace {
  return Object.assign(new Namespace(), { id: n.id, slug: n.slug, name: n.name, defaultRegion: n.defaultRegion });
}

export function toApiKey(k: ApiKeyRow): ApiKey {
  return Object.assign(new ApiKey(), { id: k.id, name: k.name, role: k.role, prefix: k.keyPrefix, createdAt: k.createdAt, revokedAt: k.revokedAt });
}
