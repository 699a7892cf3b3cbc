import { Field, ID, InputType, Int } from 'type-graphql';
import { ConsentSourceEnum, CustomFieldTypeEnum, EmailStatusEnum, RoleEnum, SmsOptInMethodEnum, SmsStatusEnum } from '../enums';
import { DateTimeScalar, JSONObjectScalar, JSONScalar } from '../scalars';

@InputType({ description: 'A profile write. Omitted fields stay as they are; null clears a field. Needs an email or a phone. It can set email and SMS eligibility too, as setEmailStatus and setSmsStatus do.' })
export class ProfileInput {
  @Field(() => String, { nullable: true, description: 'The primary ID. A mailbox (RFC 5321/6531); matched case-insensitively.' })
  email?: string | null;

  @Field(() => [String], { nullable: true, description: "Phone numbers, E.164 or national in the namespace's region. Without an email, exactly one." })
  phones?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Trimmed; an empty string clears it. At most 200 characters.' })
  firstName?: string | null;

  @Field(() => String, { nullable: true, description: 'Hyphenated and multi-part names are fine. At most 200 characters.' })
  lastName?: string | null;

  @Field(() => Int, { nullable: true, description: '1 to 31; with the month it must be a real date (29 February is allowed).' })
  birthdayDay?: number | null;

  @Field(() => Int, { nullable: true, description: '1 to 12.' })
  birthdayMonth?: number | null;

  @Field(() => JSONObjectScalar, { nullable: true, description: 'Custom values by key, checked against each field\'s type; null removes a value. Define fields first.' })
  custom?: Record<string, unknown> | null;

  @Field(() => Boolean, { nullable: true, description: 'Move a phone that belongs to another email profile onto this one, instead of failing with CONFLICT.' })
  movePhones?: boolean | null;

  @Field(() => EmailStatusEnum, { nullable: true, description: 'The email eligibility after this write; needs email in the same write. The transitions and history of setEmailStatus; a change it refuses refuses the whole write.' })
  emailStatus?: 'KNOWN' | 'SUBSCRIBED' | 'UNSUBSCRIBED' | null;

  @Field(() => SmsStatusEnum, { nullable: true, description: 'The SMS eligibility of every phone in phones after this write. The transitions and history of setSmsStatus; a change it refuses refuses the whole write.' })
  smsStatus?: 'KNOWN' | 'PENDING' | 'SUBSCRIBED' | 'UNSUBSCRIBED' | null;

  @Field(() => SmsOptInMethodEnum, { nullable: true, description: 'For smsStatus SUBSCRIBED: SINGLE subscribes at once; DOUBLE confirms a PENDING number (the default from PENDING).' })
  smsOptInMethod?: 'SINGLE' | 'DOUBLE' | null;

  @Field(() => ConsentSourceEnum, { nullable: true, description: 'Where the status changes came from, for the consent history (default API).' })
  consentSource?: 'FORM' | 'PREFERENCE_CENTER' | 'UNSUBSCRIBE_LINK' | 'KEYWORD' | 'IMPORT' | 'API' | 'BOUNCE' | 'SYSTEM' | null;
}

@InputType({ description: 'A behavioural event. Identify the profile by exactly one of: profileId, or email and/or phone (an unknown email or phone creates the profile).' })
export class EventInput {
  @Field({ description: 'purchase, email_scheduled, email_sent, email_delivered, control_group_email_halted, or a custom type (lower-case letters, digits, underscores).' })
  type!: string;

  @Field(() => DateTimeScalar, { description: 'When it happened, with its UTC offset, e.g. 2026-11-28T09:30:00Z.' })
  created!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'A corrected time, which wins over created; with its UTC offset.' })
  createdOverride?: Date | null;

  @Field(() => JSONScalar, { nullable: true, description: 'A JSON object of properties. For email_scheduled, scheduled_for is the planned send time.' })
  properties?: unknown;

  @Field(() => String, { nullable: true, description: 'Your ID for the event. A repeat is ignored and reported as DUPLICATE.' })
  clientEventId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The profile, by ID.' })
  profileId?: string | null;

  @Field(() => String, { nullable: true, description: 'The profile, by email (created when unknown).' })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'The profile, by phone (created when unknown).' })
  phone?: string | null;
}

@InputType({ description: 'Change the email eligibility of a profile, named by exactly one of profileId or email.' })
export class SetEmailStatusInput {
  @Field(() => ID, { nullable: true, description: 'The profile, by ID.' })
  profileId?: string | null;

  @Field(() => String, { nullable: true, description: 'The profile, by email. An unknown email creates a profile keyed by it (first KNOWN, then the new status).' })
  email?: string | null;

  @Field(() => EmailStatusEnum, { description: 'The new status. KNOWN is only ever a starting state.' })
  status!: 'KNOWN' | 'SUBSCRIBED' | 'UNSUBSCRIBED';

  @Field(() => ConsentSourceEnum, { defaultValue: 'API', description: 'Where the change came from, for the consent history.' })
  source!: 'FORM' | 'PREFERENCE_CENTER' | 'UNSUBSCRIBE_LINK' | 'KEYWORD' | 'IMPORT' | 'API' | 'BOUNCE' | 'SYSTEM';
}

@InputType({ description: 'Change the SMS eligibility of a phone number (an unknown number becomes a phone-keyed profile).' })
export class SetSmsStatusInput {
  @Field({ description: "The number: E.164, or national in the namespace's region." })
  phone!: string;

  @Field(() => SmsStatusEnum, { description: 'The new status.' })
  status!: 'KNOWN' | 'PENDING' | 'SUBSCRIBED' | 'UNSUBSCRIBED';

  @Field(() => SmsOptInMethodEnum, { nullable: true, description: 'For SUBSCRIBED: SINGLE subscribes at once; DOUBLE confirms a PENDING number (the default from PENDING).' })
  method?: 'SINGLE' | 'DOUBLE' | null;

  @Field(() => ConsentSourceEnum, { defaultValue: 'API', description: 'Where the change came from, for the consent history.' })
  source!: 'FORM' | 'PREFERENCE_CENTER' | 'UNSUBSCRIBE_LINK' | 'KEYWORD' | 'IMPORT' | 'API' | 'BOUNCE' | 'SYSTEM';
}

@InputType({ description: 'An inbound SMS to handle as a keyword.' })
export class SmsKeywordInput {
  @Field({ description: 'The sending number.' })
  phone!: string;

  @Field({ description: 'The message body. STOP, UNSUBSCRIBE, CANCEL, END, QUIT unsubscribe; YES, Y, START confirm a pending opt-in.' })
  body!: string;
}

@InputType({ description: 'A new custom field.' })
export class DefineCustomFieldInput {
  @Field({ description: 'Lower-case letters, digits and underscores, starting with a letter.' })
  key!: string;

  @Field(() => CustomFieldTypeEnum, { description: 'Changed later only with changeCustomFieldType, which converts the stored values.' })
  type!: 'STRING' | 'NUMBER' | 'BOOLEAN' | 'DATETIME';

  @Field(() => String, { nullable: true, description: 'What the field means, for builder UIs.' })
  description?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Serve audience filters on it from an index.' })
  indexed?: boolean | null;
}

@InputType({ description: 'Changes to a custom field. Its key and type are fixed.' })
export class UpdateCustomFieldInput {
  @Field(() => String, { nullable: true, description: 'A new description.' })
  description?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether audience filters on it should be served by an index.' })
  indexed?: boolean | null;
}

@InputType({ description: 'A new API key.' })
export class CreateApiKeyInput {
  @Field({ description: 'A name to recognise it by, e.g. "nightly feed".' })
  name!: string;

  @Field(() => RoleEnum, { description: 'What the key may do.' })
  role!: 'VIEWER' | 'MARKETER' | 'DATA_MANAGER' | 'CLIENT_ADMIN';
}

@InputType({ description: 'A new namespace (platform admin only).' })
export class CreateNamespaceInput {
  @Field({ description: '2 to 63 lower-case letters, digits and hyphens, starting with a letter.' })
  slug!: string;

  @Field({ description: 'Display name of the brand.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'ISO 3166 region for national phone numbers (default US).' })
  defaultRegion?: string | null;
}
