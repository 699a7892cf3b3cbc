import { Field, ID, Int, ObjectType } from 'type-graphql';
import { EventStatusEnum, KeywordOutcomeEnum, ProfileWriteOutcomeEnum } from '../enums';
import { InputError } from './common.type';
import { Profile } from './profile.type';

/** What identity resolution did for one write. */
@ObjectType()
abstract class ResolutionOutcome {
  @Field({ description: 'A new profile was created.' })
  created!: boolean;

  @Field({ description: 'A phone-keyed profile received its first email.' })
  promoted!: boolean;

  @Field(() => [ID], { description: 'Phone-keyed profiles merged into this one.' })
  mergedProfileIds!: string[];
}

@ObjectType({ description: 'The result of upserting one profile.' })
export class UpsertProfilePayload extends ResolutionOutcome {
  @Field(() => Profile, { description: 'The profile as it is now.' })
  profile!: Profile;
}

@ObjectType({ description: 'The result of one write of a batch.' })
export class UpsertProfileResult extends ResolutionOutcome {
  @Field(() => Int, { description: 'Position in the batch.' })
  index!: number;

  @Field(() => ID, { nullable: true, description: 'The profile written, when it succeeded.' })
  profileId!: string | null;

  @Field(() => ProfileWriteOutcomeEnum, { description: 'CREATED, UPDATED, SUPPRESSED (a forgotten person: nothing stored) or FAILED.' })
  outcome!: string;

  @Field(() => [InputError], { description: 'Why it failed; empty on success.' })
  errors!: InputError[];
}

@ObjectType({ description: 'Outcomes of a batch of profile writes. A bad write never stops the others.' })
export class UpsertProfilesPayload {
  @Field(() => Int, { description: 'How many writes succeeded.' })
  succeeded!: number;

  @Field(() => Int, { description: 'How many writes failed.' })
  failed!: number;

  @Field(() => [UpsertProfileResult], { description: 'One result per write, in input order.' })
  results!: UpsertProfileResult[];
}

@ObjectType({ description: 'What happened to one event.' })
export class EventResult {
  @Field(() => Int, { description: 'Position in the batch.' })
  index!: number;

  @Field(() => EventStatusEnum, { description: 'ACCEPTED, DUPLICATE, REJECTED or SUPPRESSED.' })
  status!: string;

  @Field(() => ID, { nullable: true, description: 'The stored event, when ACCEPTED.' })
  eventId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The profile the event belongs to.' })
  profileId!: string | null;

  @Field(() => [InputError], { description: 'Why it was rejected or is a duplicate; empty when ACCEPTED.' })
  errors!: InputError[];
}

@ObjectType({ description: 'Outcomes of an event batch. One bad event never loses the rest.' })
export class TrackEventsPayload {
  @Field(() => Int, { description: 'Events stored.' })
  accepted!: number;

  @Field(() => Int, { description: 'Events whose clientEventId was seen before.' })
  duplicates!: number;

  @Field(() => Int, { description: 'Invalid events, with their errors.' })
  rejected!: number;

  @Field(() => Int, { description: 'Events naming a forgotten person\'s email or phone; nothing was stored for them.' })
  suppressed!: number;

  @Field(() => [EventResult], { description: 'One result per event, in input order.' })
  results!: EventResult[];
}

@ObjectType({ description: 'What an inbound SMS did.' })
export class SmsKeywordPayload {
  @Field(() => KeywordOutcomeEnum, { description: 'UNSUBSCRIBED, CONFIRMED (a pending opt-in), or IGNORED.' })
  outcome!: string;

  @Field({ description: 'The number, in E.164.' })
  phone!: string;

  @Field(() => Profile, { nullable: true, description: 'The profile of the number, when it has one.' })
  profile!: Profile | null;
}
