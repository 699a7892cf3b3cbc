import { Directive, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ForgetNamedByEnum, IdentifierKindEnum, RoleEnum } from '../enums';
import { DateTimeScalar } from '../scalars';
import { Connection } from './connection.type';

/** `@oneOf` (see `applyOneOf` in schema.ts): GraphQL itself refuses none or two. */
@Directive('@oneOf')
@InputType({ description: 'The person to forget, named by exactly one of email, phone or profileId (@oneOf).' })
export class ForgetProfileInput {
  @Field(() => String, { nullable: true, description: 'An email address (compared normalized). Forgotten even when no profile holds it yet.' })
  email?: string | null;

  @Field(() => String, { nullable: true, description: "A phone number (E.164 or national in the namespace's region). Forgets the whole person holding it." })
  phone?: string | null;

  @Field(() => ID, { nullable: true, description: 'A profile ID; an ID merged into another profile names that profile.' })
  profileId?: string | null;
}

@ObjectType({ description: 'One identifier put on the suppression list: its kind and its HMAC (the secret is never returned).', simpleResolvers: true })
export class SuppressedIdentifier {
  @Field(() => IdentifierKindEnum, { description: 'EMAIL or PHONE.' })
  kind!: string;

  @Field({ description: 'HMAC-SHA256 of the normalized identifier with the namespace\'s secret, hex.' })
  digest!: string;

  @Field({ description: 'It was already on the list from an earlier request.' })
  alreadySuppressed!: boolean;
}

@ObjectType({ description: 'How much was deleted for one request. Counts only: no personal data.', simpleResolvers: true })
export class ForgetRemovedCounts {
  @Field(() => Int, { description: 'Profiles deleted: the person\'s profile plus the phone-only profiles merged into it.' })
  profiles!: number;

  @Field(() => Int, { description: 'Of those, profiles that had been merged into it (their merge records and snapshots are deleted).' })
  mergedProfiles!: number;

  @Field(() => Int, { description: 'Phone numbers (SMS channels) deleted.' })
  phones!: number;

  @Field(() => Int, { description: 'Events deleted, with their properties.' })
  events!: number;

  @Field(() => Int, { description: 'Consent history entries deleted.' })
  consentChanges!: number;

  @Field(() => Int, { description: 'Custom field values deleted.' })
  customValues!: number;

  @Field(() => Int, { description: 'Standard fields that had a value (email, first and last name, birthday day and month).' })
  namedFields!: number;
}

@ObjectType({ description: 'The audit record of one deletion request: when, who, the hashed identifiers and what was removed. It holds no personal data.', simpleResolvers: true })
export class ForgetRequest {
  @Field(() => ID, { description: 'The request ID.' })
  id!: string;

  @Field(() => DateTimeScalar, { description: 'When the request was applied.' })
  requestedAt!: Date;

  @Field({ description: 'Who asked: `key:<prefix>` of the API key.' })
  actor!: string;

  @Field(() => ID, { nullable: true, description: 'The API key\'s ID.' })
  actorKeyId!: string | null;

  @Field(() => RoleEnum, { description: 'The role of that key.' })
  actorRole!: string;

  @Field(() => ForgetNamedByEnum, { description: 'What the request named the person by.' })
  namedBy!: string;

  @Field({ description: 'API, or IMPORT for a bulk request.' })
  source!: string;

  @Field({ description: 'False when no profile held the identifier: it is suppressed all the same, so it is never collected later.' })
  found!: boolean;

  @Field(() => [SuppressedIdentifier], { description: 'Every identifier now suppressed for this person.' })
  identifiers!: SuppressedIdentifier[];

  @Field(() => ForgetRemovedCounts, { description: 'Counts of what was deleted.' })
  removed!: ForgetRemovedCounts;
}

@ObjectType({ description: 'The deletion audit, newest first.' })
export class ForgetRequestConnection extends Connection(ForgetRequest, 'ForgetRequest', 'deletion requests') {}
