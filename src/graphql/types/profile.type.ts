import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ConsentChannelEnum, ConsentSourceEnum, ConsentStatusEnum, EmailStatusEnum, SmsOptInMethodEnum, SmsStatusEnum } from '../enums';
import { DateTimeScalar, JSONObjectScalar } from '../scalars';
import { Connection } from './connection.type';

@ObjectType({ description: 'Fields maintained by the system from events; clients never write them.', simpleResolvers: true })
export class ReservedFields {
  @Field(() => Int, { nullable: true, description: 'A number from 0 to 99 from a deterministic hash of the normalized email (first 4 bytes of SHA-256, unsigned big-endian, modulo 100), for holdout groups.' })
  emailHashNumber!: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'The last time an email was halted because the customer is in a control group.' })
  hasControlGroupHaltedEmail!: Date | null;

  @Field({ description: 'Whether an email-delivered event has been seen, helping determine deliverability.' })
  hasEmailDelivered!: boolean;

  @Field({ description: 'Whether this customer has received an email from this namespace.' })
  hasReceivedEmail!: boolean;

  @Field(() => DateTimeScalar, { nullable: true, description: 'The most recent time an email was scheduled to be sent to the customer.' })
  lastEmailScheduled!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "The latest created_override (else created) over the profile's purchase events." })
  lastPurchaseDate!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'The last time an email was sent to this address.' })
  lastEmailSent!: Date | null;
}

@ObjectType({ description: 'Computed dimensions: usable in segments, never exported.', simpleResolvers: true })
export class Dimensions {
  @Field(() => EmailStatusEnum, { nullable: true, description: 'The current email eligibility; null when no email is known.' })
  emailStatus!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'The first time an email was ingested or captured for this profile. It never moves later.' })
  firstIdentifiedDate!: Date | null;
}

@ObjectType({ description: 'The email channel of a profile.', simpleResolvers: true })
export class EmailChannel {
  @Field({ description: 'The address, as given.' })
  address!: string;

  @Field(() => EmailStatusEnum, { description: 'Email eligibility.' })
  status!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the status last changed.' })
  statusChangedAt!: Date | null;

  @Field({ description: 'Whether promotional email may be sent: KNOWN or SUBSCRIBED.' })
  promotionalEligible!: boolean;

  @Field({ description: 'Whether transactional email may be sent. Eligibility statuses never affect it.' })
  transactionalEligible!: boolean;
}

@ObjectType({ description: 'The SMS/MMS channel of one phone number.', simpleResolvers: true })
export class SmsChannel {
  @Field({ description: 'The number in E.164.' })
  phone!: string;

  @Field(() => SmsStatusEnum, { description: 'SMS eligibility of this number.' })
  status!: string;

  @Field(() => SmsOptInMethodEnum, { nullable: true, description: 'How the opt-in was given, while SUBSCRIBED.' })
  optInMethod!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the number last opted in (for DOUBLE, when it was confirmed).' })
  confirmedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the status last changed.' })
  statusChangedAt!: Date | null;

  @Field({ description: 'Whether marketing SMS may be sent: only SUBSCRIBED numbers.' })
  promotionalEligible!: boolean;

  @Field({ description: 'Whether transactional SMS may be sent. Eligibility statuses never affect it.' })
  transactionalEligible!: boolean;
}

@ObjectType({ description: 'Eligibility per channel. The channels are independent: unsubscribing from email leaves SMS as it is.', simpleResolvers: true })
export class Channels {
  /** The profile these channels belong to (not exposed). */
  profileId!: number;

  @Field(() => EmailChannel, { nullable: true, description: 'The email channel; null when no email is known.' })
  email!: EmailChannel | null;
}

@ObjectType({ description: 'One eligibility change, for Customer 360.', simpleResolvers: true })
export class ConsentChange {
  @Field(() => ID, { description: 'The ID of this change.' })
  id!: string;

  @Field(() => ConsentChannelEnum, { description: 'The channel that changed.' })
  channel!: string;

  @Field(() => String, { nullable: true, description: 'For SMS, the number that changed.' })
  phone!: string | null;

  @Field(() => ConsentStatusEnum, { nullable: true, description: 'The status before; null when the channel was first identified.' })
  fromStatus!: string | null;

  @Field(() => ConsentStatusEnum, { description: 'The status after.' })
  toStatus!: string;

  @Field(() => SmsOptInMethodEnum, { nullable: true, description: 'For an SMS opt-in, how it was given.' })
  optInMethod!: string | null;

  @Field(() => ConsentSourceEnum, { description: 'Where the change came from.' })
  source!: string;

  @Field({ description: 'Who made the change (an API key prefix, or the system).' })
  actor!: string;

  @Field(() => DateTimeScalar, { description: 'When it changed.' })
  occurredAt!: Date;
}

@ObjectType({ description: 'A behavioural event of a profile.', simpleResolvers: true })
export class ProfileEvent {
  @Field(() => ID, { description: 'The event ID.' })
  id!: string;

  @Field({ description: 'The event type: purchase, email_scheduled, email_sent, email_delivered, control_group_email_halted, or a custom type.' })
  type!: string;

  @Field(() => DateTimeScalar, { description: 'When the event happened, as sent.' })
  created!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'A correction of the time, which wins over created when present.' })
  createdOverride!: Date | null;

  @Field(() => DateTimeScalar, { description: 'The event time used everywhere: createdOverride, else created.' })
  occurredAt!: Date;

  @Field(() => JSONObjectScalar, { description: 'Free JSON properties.' })
  properties!: Record<string, unknown>;

  @Field(() => String, { nullable: true, description: 'The client event ID that made ingestion idempotent.' })
  clientEventId!: string | null;

  @Field(() => DateTimeScalar, { description: 'When it was ingested.' })
  receivedAt!: Date;
}

@ObjectType({ description: 'A customer profile: one per person per namespace, keyed by email, or by phone when no email is known.', simpleResolvers: true })
export class Profile {
  @Field(() => ID, { description: 'The profile ID. A profile merged into another resolves to the one it was merged into.' })
  id!: string;

  @Field(() => String, { nullable: true, description: 'The primary email address, as given (lookups use its normalized form).' })
  email!: string | null;

  @Field(() => String, { nullable: true, description: "The customer's first name." })
  firstName!: string | null;

  @Field(() => String, { nullable: true, description: "The customer's last name (surname), including hyphenated and multi-part names." })
  lastName!: string | null;

  @Field(() => Int, { nullable: true, description: 'Day of birth, 1 to 31.' })
  birthdayDay!: number | null;

  @Field(() => Int, { nullable: true, description: 'Month of birth, 1 to 12.' })
  birthdayMonth!: number | null;

  @Field(() => [String], { description: 'The phone numbers tied to this profile, in E.164.' })
  phones!: string[];

  @Field(() => JSONObjectScalar, { description: 'Custom field values by key (see customFields for their types).' })
  custom!: Record<string, unknown>;

  @Field(() => ReservedFields, { description: 'System-maintained fields.' })
  reserved!: ReservedFields;

  @Field(() => Dimensions, { description: 'Computed dimensions.' })
  dimensions!: Dimensions;

  @Field(() => Channels, { description: 'Email and SMS eligibility.' })
  channels!: Channels;

  @Field(() => DateTimeScalar, { description: 'When the profile was created.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When the profile last changed.' })
  updatedAt!: Date;

  /** The numeric ID, for loaders (not exposed). */
  profileId!: number;
}

@ObjectType({ description: 'A page of profiles, in stable ID order (keyset pagination).', simpleResolvers: true })
export class ProfileConnection extends Connection(Profile, 'Profile', 'profiles') {}

@ObjectType({ description: 'Events of one profile, newest first.', simpleResolvers: true })
export class ProfileEventConnection extends Connection(ProfileEvent, 'ProfileEvent', 'events') {}

@ObjectType({ description: 'Eligibility changes of one profile, newest first.', simpleResolvers: true })
export class ConsentChangeConnection extends Connection(ConsentChange, 'ConsentChange', 'changes') {}
