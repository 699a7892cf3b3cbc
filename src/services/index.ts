import { AccessService } from './access.service';
import { ConsentService } from './consent.service';
import { CustomFieldService } from './custom-field.service';
import { EventService } from './event.service';
import { ProfileService } from './profile.service';
import { SegmentService } from './segment.service';
import type { Scope } from './scope';

/** The services of one request, sharing its scope (namespace, role, EntityManager fork). */
export interface RequestServices {
  readonly scope: Scope;
  readonly customFields: CustomFieldService;
  readonly profiles: ProfileService;
  readonly events: EventService;
  readonly consent: ConsentService;
  readonly access: AccessService;
  readonly segments: SegmentService;
}

export function createRequestServices(scope: Scope): RequestServices {
  const customFields = new CustomFieldService(scope);
  const profiles = new ProfileService(scope, customFields);
  return {
    scope,
    customFields,
    profiles,
    events: new EventService(scope, profiles),
    consent: new ConsentService(scope, profiles),
    access: new AccessService(scope),
    segments: new SegmentService(scope, customFields),
  };
}

export type { Scope, Tenant } from './scope';
export { QueryStats, Sql } from '../db/sql';
export type { ConsentChangeRecord, EventRecord, PhoneRecord, ProfileRecord, TimeCursor } from '../db/profile.repository';
export type { ApiKeyRow, CustomFieldRow, NamespaceRow, SegmentRow, SegmentVersionRow } from '../db/entities';
export type { CheckedDefinition, SegmentDefinitionInput } from './segment-definition';
