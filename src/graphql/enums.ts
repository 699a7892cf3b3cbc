import { registerEnumType } from 'type-graphql';
import { ERROR_CODES, WARNING_CODES, type AudienceErrorCode, type AudienceWarningCode } from '../audience';
import { CONSENT_SOURCES, EMAIL_STATUSES, SMS_OPT_IN_METHODS, SMS_STATUSES } from '../domain/consent';
import { CUSTOM_FIELD_TYPES, CUSTOM_INDEX_STATES } from '../domain/custom-fields';
import { ROLES } from '../domain/permissions';

/** Turns a list of names into the object form type-graphql registers as an enum. */
function enumOf<T extends string>(values: readonly T[]): { [K in T]: K } {
  return Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
}

export const EmailStatusEnum = enumOf(EMAIL_STATUSES);
export const SmsStatusEnum = enumOf(SMS_STATUSES);
export const SmsOptInMethodEnum = enumOf(SMS_OPT_IN_METHODS);
export const ConsentSourceEnum = enumOf(CONSENT_SOURCES);
export const RoleEnum = enumOf(ROLES);
export const CustomFieldTypeEnum = enumOf(CUSTOM_FIELD_TYPES);
export const CustomFieldIndexStateEnum = enumOf(CUSTOM_INDEX_STATES);
export const FieldKindEnum = enumOf(['STANDARD', 'RESERVED', 'CHANNEL', 'DIMENSION', 'CUSTOM'] as const);
export const FieldDataTypeEnum = enumOf(['STRING', 'NUMBER', 'BOOLEAN', 'DATETIME', 'ENUM', 'EMAIL', 'BIRTHDAY'] as const);
export const EventStatusEnum = enumOf(['ACCEPTED', 'DUPLICATE', 'REJECTED', 'SUPPRESSED'] as const);
export const ProfileWriteOutcomeEnum = enumOf(['CREATED', 'UPDATED', 'SUPPRESSED', 'FAILED'] as const);
export const ForgetNamedByEnum = enumOf(['EMAIL', 'PHONE', 'PROFILE_ID'] as const);
export const IdentifierKindEnum = enumOf(['EMAIL', 'PHONE'] as const);
export const KeywordOutcomeEnum = enumOf(['UNSUBSCRIBED', 'CONFIRMED', 'IGNORED'] as const);
export const ConsentChannelEnum = enumOf(['EMAIL', 'SMS'] as const);
/** Every status either channel can have: the statuses a consent change goes from and to. */
export const ConsentStatusEnum = enumOf([...new Set([...EMAIL_STATUSES, ...SMS_STATUSES])] as ('KNOWN' | 'PENDING' | 'SUBSCRIBED' | 'UNSUBSCRIBED')[]);
export const FilterErrorCodeEnum = enumOf(Object.keys(ERROR_CODES) as AudienceErrorCode[]);
export const FilterWarningCodeEnum = enumOf(Object.keys(WARNING_CODES) as AudienceWarningCode[]);
export const SnapshotGroupEnum = enumOf(['ALL', 'HOLDOUT', 'TREATMENT'] as const);

registerEnumType(EmailStatusEnum, {
  name: 'EmailStatus',
  description: 'Email eligibility. A profile never goes back to KNOWN once opted in or unsubscribed.',
  valuesConfig: {
    KNOWN: { description: 'Identified, but has neither opted in nor unsubscribed.' },
    SUBSCRIBED: { description: 'Opted in: explicit consent, and not unsubscribed.' },
    UNSUBSCRIBED: { description: 'Elected to no longer receive email marketing.' },
  },
});
registerEnumType(SmsStatusEnum, {
  name: 'SmsStatus',
  description: 'SMS/MMS eligibility of one phone number. Only SUBSCRIBED numbers receive marketing messages.',
  valuesConfig: {
    KNOWN: { description: 'Identified (file upload, site script, or an unconfirmed sign-up) but neither opted in nor unsubscribed. Not eligible.' },
    PENDING: { description: 'Double opt-in started: waiting for the customer to confirm (YES, Y or START). Not eligible.' },
    SUBSCRIBED: { description: 'Opted in, by single opt-in or a confirmed double opt-in.' },
    UNSUBSCRIBED: { description: 'Opted out, by texting STOP (or UNSUBSCRIBE, CANCEL, END, QUIT) or through a file import.' },
  },
});
registerEnumType(SmsOptInMethodEnum, {
  name: 'SmsOptInMethod',
  description: 'How an SMS opt-in was given.',
  valuesConfig: {
    SINGLE: { description: 'The sign-up itself was explicit consent.' },
    DOUBLE: { description: 'The customer confirmed a pending sign-up.' },
  },
});
registerEnumType(ConsentSourceEnum, {
  name: 'ConsentSource',
  description: 'Where an eligibility change came from, for the consent history.',
});
registerEnumType(RoleEnum, {
  name: 'Role',
  description: 'What an API key may do in its namespace.',
  valuesConfig: {
    VIEWER: { description: 'Reads.' },
    MARKETER: { description: 'Segments and reads.' },
    DATA_MANAGER: { description: 'Imports, custom fields, profile writes, segments and reads.' },
    CLIENT_ADMIN: { description: 'Everything, including API keys and custom fields.' },
  },
});
registerEnumType(CustomFieldTypeEnum, { name: 'CustomFieldType', description: 'The type of a custom field; values are checked against it on every write.' });
registerEnumType(CustomFieldIndexStateEnum, {
  name: 'CustomFieldIndexState',
  description: "Where a custom field's expression index is. Filters on the field work in every state; only READY makes them fast.",
  valuesConfig: {
    NONE: { description: 'The field is not indexed.' },
    BUILDING: { description: 'A build was recorded and has not finished: it is running, or the process stopped during it. The next start of the service, or rebuildCustomFieldIndex, builds it again.' },
    READY: { description: 'The index was built and is valid in the database.' },
    FAILED: { description: 'The last build failed, or an index recorded READY is missing or invalid in the database; CustomFieldIndex.error says why. The next start, rebuildCustomFieldIndex or updateCustomField(indexed: true) builds it again.' },
  },
});
registerEnumType(FieldKindEnum, {
  name: 'FieldKind',
  description: 'The kind of a profile field.',
  valuesConfig: {
    STANDARD: { description: 'Built for each profile; supplied by the client or captured online.' },
    RESERVED: { description: 'Maintained by the system; never written by clients.' },
    CHANNEL: { description: 'Per-channel eligibility (SMS status is per phone).' },
    DIMENSION: { description: 'Computed for every profile; usable in segments but never exported.' },
    CUSTOM: { description: 'Namespace-specific, typed.' },
  },
});
registerEnumType(FieldDataTypeEnum, { name: 'FieldDataType', description: 'The data type of a profile field.' });
registerEnumType(EventStatusEnum, {
  name: 'EventStatus',
  description: 'What happened to one event of a batch.',
  valuesConfig: {
    ACCEPTED: { description: 'Stored, and folded into the reserved fields.' },
    DUPLICATE: { description: 'Its clientEventId was seen before; ignored.' },
    REJECTED: { description: 'Invalid; see its errors. Nothing was stored for it.' },
    SUPPRESSED: { description: 'It names the email or phone of a person who was forgotten; nothing was stored for it (see its errors).' },
  },
});
registerEnumType(ProfileWriteOutcomeEnum, {
  name: 'ProfileWriteOutcome',
  description: 'What one profile write of a batch did.',
  valuesConfig: {
    CREATED: { description: 'A new profile was created.' },
    UPDATED: { description: 'An existing profile was matched (and promoted or merged, see the other fields).' },
    SUPPRESSED: { description: 'It names the email or phone of a person who was forgotten: nothing was created or changed (see its errors for the reason).' },
    FAILED: { description: 'Invalid or in conflict; see its errors. Nothing was stored for it.' },
  },
});
registerEnumType(ForgetNamedByEnum, {
  name: 'ForgetNamedBy',
  description: 'What a deletion request named the person by.',
  valuesConfig: {
    EMAIL: { description: 'An email address.' },
    PHONE: { description: 'A phone number; the whole person holding it is forgotten.' },
    PROFILE_ID: { description: 'A profile ID (a merged-away ID names the profile it lives in).' },
  },
});
registerEnumType(IdentifierKindEnum, {
  name: 'IdentifierKind',
  description: 'A kind of personal identifier.',
  valuesConfig: { EMAIL: { description: 'A normalized email address.' }, PHONE: { description: 'A phone number in E.164.' } },
});
registerEnumType(KeywordOutcomeEnum, { name: 'SmsKeywordOutcome', description: 'What an inbound SMS did.' });
registerEnumType(ConsentChannelEnum, { name: 'ConsentChannel', description: 'A messaging channel.' });
registerEnumType(ConsentStatusEnum, {
  name: 'ConsentStatus',
  description: 'A status of either channel, as recorded in the consent history (PENDING is SMS only).',
  valuesConfig: {
    KNOWN: { description: 'Identified, but neither opted in nor unsubscribed.' },
    PENDING: { description: 'SMS only: a double opt-in waits for confirmation.' },
    SUBSCRIBED: { description: 'Opted in.' },
    UNSUBSCRIBED: { description: 'Opted out.' },
  },
});
registerEnumType(FilterErrorCodeEnum, {
  name: 'FilterErrorCode',
  description: 'What is wrong with a filter (see docs/audience-dsl.md).',
  valuesConfig: Object.fromEntries(Object.entries(ERROR_CODES).map(([code, description]) => [code, { description }])),
});

registerEnumType(FilterWarningCodeEnum, {
  name: 'FilterWarningCode',
  description: 'Why a valid filter is probably not what was meant: it names what the namespace\'s events have never had (see docs/audience-dsl.md).',
  valuesConfig: Object.fromEntries(Object.entries(WARNING_CODES).map(([code, description]) => [code, { description }])),
});

registerEnumType(SnapshotGroupEnum, {
  name: 'SnapshotGroup',
  description: 'Which members of a snapshot.',
  valuesConfig: {
    ALL: { description: 'Every member.' },
    HOLDOUT: { description: 'Members marked holdout (email_hash_number below the cut).' },
    TREATMENT: { description: 'Members not in the holdout: the ones sent to.' },
  },
});

export const ExportFormatEnum = enumOf(['CSV', 'JSONL'] as const);
export const ExportStatusEnum = enumOf(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'EXPIRED', 'CANCELLED'] as const);
export const FormulaHandlingEnum = enumOf(['ESCAPE', 'KEEP'] as const);

registerEnumType(ExportFormatEnum, {
  name: 'ExportFormat',
  description: 'The file format of an export.',
  valuesConfig: {
    CSV: { description: 'RFC 4180 CSV with a header line; phones joined by ";".' },
    JSONL: { description: 'JSON Lines: one object per member; custom fields under "custom".' },
  },
});
registerEnumType(ExportStatusEnum, {
  name: 'ExportStatus',
  description: 'Where an export job is.',
  valuesConfig: {
    QUEUED: { description: 'Waiting for a worker.' },
    RUNNING: { description: 'Its file is being written (again, after a crash of the process that ran it).' },
    SUCCEEDED: { description: 'Its file is complete and can be downloaded until expiresAt.' },
    FAILED: { description: 'It ended without a file; error says why.' },
    EXPIRED: { description: 'Its file was downloadable until expiresAt and is deleted; a download answers 410.' },
    CANCELLED: { description: 'cancelExport stopped it before it finished; it has no file (a partial one was deleted).' },
  },
});
registerEnumType(FormulaHandlingEnum, {
  name: 'FormulaHandling',
  description: 'What a CSV export does with free text that a spreadsheet would run as a formula (docs/exports.md).',
  valuesConfig: {
    ESCAPE: { description: 'Prefix such a value with one "\'" (reversible); the default for CSV.' },
    KEEP: { description: 'Write every value exactly as stored (machine consumers).' },
  },
});
