import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AppError } from '../../domain/errors';
import type { ProfileWrite } from '../../domain/profile-input';
import { requireStorableText } from '../../domain/storable-text';
import type { RequestContext } from '../context';
import { parseNumericId, parseProfileCursor, parseTimeCursor, profileCursor, timeCursor } from '../cursors';
import { toConsentChange, toEvent, toInputErrors, toProfile, toSelectedProfile } from '../mappers';
import { needsWideEvents, profileColumnsOf } from '../selection';
import { ProfileInput } from '../types/inputs.type';
import { UpsertProfilePayload, UpsertProfileResult, UpsertProfilesPayload } from '../types/payloads.type';
import { toConnection } from '../types/connection.type';
import { ConsentChangeConnection, Profile, ProfileConnection, ProfileEventConnection } from '../types/profile.type';

export const MAX_NESTED_PAGE = 100;

function nestedLimit(first: number, path: string): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_NESTED_PAGE) throw AppError.invalid([path], `must be from 1 to ${MAX_NESTED_PAGE} (got ${first})`);
  return first;
}

/** Maps a GraphQL profile input to a profile write, keeping "omitted" apart from "null". */
export function toProfileWrite(input: ProfileInput): ProfileWrite {
  const write: Record<string, unknown> = {};
  for (const key of ['email', 'phones', 'firstName', 'lastName', 'birthdayDay', 'birthdayMonth', 'custom', 'movePhones', 'emailStatus', 'smsStatus', 'smsOptInMethod', 'consentSource'] as const) {
    if (input[key] !== undefined) write[key] = input[key];
  }
  return write as ProfileWrite;
}

@Resolver(() => Profile)
export class ProfileResolver {
  @Query(() => Profile, { description: 'A profile by ID. A profile of another namespace, or none, is NOT_FOUND. An ID merged into another profile returns that profile.' })
  async profile(@Arg('id', () => ID, { description: 'The profile ID.' }) id: string, @Ctx() ctx: RequestContext): Promise<Profile> {
    return toProfile(await ctx.services.profiles.get(parseNumericId(id, ['id'])));
  }

  @Query(() => Profile, { nullable: true, description: 'The profile with this email (compared normalized), or null.' })
  async profileByEmail(@Arg('email', { description: 'The email address, in any case.' }) email: string, @Ctx() ctx: RequestContext): Promise<Profile | null> {
    const id = await ctx.services.profiles.idByEmail(email);
    return id === undefined ? null : this.load(ctx, id);
  }

  @Query(() => Profile, { nullable: true, description: "The profile holding this phone number (E.164, or national in the namespace's region), or null." })
  async profileByPhone(@Arg('phone', { description: 'The phone number.' }) phone: string, @Ctx() ctx: RequestContext): Promise<Profile | null> {
    const id = await ctx.services.profiles.idByPhone(phone);
    return id === undefined ? null : this.load(ctx, id);
  }

  @Query(() => ProfileConnection, { description: 'Profiles in stable ID order, with keyset pagination. `first` is at most 500.' })
  async profiles(
    @Arg('first', () => Int, { defaultValue: 50, description: 'Page size, 1 to 500.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after: string | null,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ProfileConnection> {
    const columns = profileColumnsOf(info);
    const { profiles, hasMore } = await ctx.services.profiles.page(first, parseProfileCursor(after, 'after'), columns);
    // Only whole rows are cached: a later `profile(id)` in the request may select more.
    if (columns === undefined) for (const p of profiles) ctx.loaders.profile.prime(p.id, p);
    return toConnection(profiles, hasMore, (p) => profileCursor(p.id), toSelectedProfile, after);
  }

  @FieldResolver(() => [String])
  async phones(@Root() profile: Profile, @Ctx() ctx: RequestContext): Promise<string[]> {
    return (await ctx.loaders.phones.load(profile.profileId)).map((p) => p.phone);
  }

  @FieldResolver(() => ProfileEventConnection, { description: 'Events of this profile, newest first (by createdOverride, else created).' })
  async events(
    @Root() profile: Profile,
    @Arg('first', () => Int, { defaultValue: 10, description: 'At most 100.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after: string | null,
    @Arg('type', () => String, { nullable: true, description: 'Only events of this type.' }) type: string | null,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ProfileEventConnection> {
    const limit = nestedLimit(first, 'first');
    if (type !== null) requireStorableText([[['type'], type]]);
    const key = { profileId: profile.profileId, limit: limit + 1, before: parseTimeCursor(after, 'after'), type, wide: needsWideEvents(info) };
    const rows = await ctx.loaders.events.load(key);
    return toConnection(rows.slice(0, limit), rows.length > limit, (e) => timeCursor(e.occurredAt, e.id), toEvent, after);
  }

  @FieldResolver(() => ConsentChangeConnection, { description: 'Eligibility changes of this profile, newest first: when, from what, to what, the source and the actor.' })
  async consentHistory(
    @Root() profile: Profile,
    @Arg('first', () => Int, { defaultValue: 20, description: 'At most 100.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ConsentChangeConnection> {
    const limit = nestedLimit(first, 'first');
    const rows = await ctx.loaders.consent.load({ profileId: profile.profileId, limit: limit + 1, before: parseTimeCursor(after, 'after') });
    return toConnection(rows.slice(0, limit), rows.length > limit, (c) => timeCursor(c.occurredAt, c.id), toConsentChange, after);
  }

  @Mutation(() => UpsertProfilePayload, {
    description: 'Creates or updates one profile. Resolution: match on email, else on phone, else create. A phone-keyed profile named with a new email is promoted; with a known email it is merged into that profile, which wins every conflict. A phone of another email profile is a CONFLICT unless movePhones is set.',
  })
  async upsertProfile(@Arg('input', () => ProfileInput, { description: 'The write.' }) input: ProfileInput, @Ctx() ctx: RequestContext): Promise<UpsertProfilePayload> {
    const result = await ctx.services.profiles.upsert(toProfileWrite(input));
    ctx.loaders.profile.clear(result.profileId);
    return {
      profile: await this.load(ctx, result.profileId),
      created: result.created,
      promoted: result.promoted,
      mergedProfileIds: result.mergedProfileIds.map(String),
    };
  }

  @Mutation(() => UpsertProfilesPayload, {
    description: 'Upserts up to 1,000 profiles in one transaction, set-based. Each write gets its own result; a bad write never stops the others. Writes can set email and SMS eligibility (emailStatus, smsStatus): checked write by write in input order, with the same rules and history as setEmailStatus and setSmsStatus.',
  })
  async upsertProfiles(@Arg('inputs', () => [ProfileInput], { description: 'Up to 1,000 writes.' }) inputs: ProfileInput[], @Ctx() ctx: RequestContext): Promise<UpsertProfilesPayload> {
    const outcomes = await ctx.services.profiles.upsertMany(inputs.map(toProfileWrite));
    const results = outcomes.map((o, index) =>
      Object.assign(new UpsertProfileResult(), o.ok
        ? { index, profileId: String(o.profileId), outcome: o.created ? 'CREATED' : 'UPDATED', created: o.created, promoted: o.promoted, mergedProfileIds: o.mergedProfileIds.map(String), errors: [] }
        : { index, profileId: null, outcome: o.suppressed ? 'SUPPRESSED' : 'FAILED', created: false, promoted: false, mergedProfileIds: [], errors: toInputErrors(o.problems) }),
    );
    const succeeded = outcomes.filter((o) => o.ok).length;
    return { succeeded, failed: outcomes.length - succeeded, results };
  }

  private async load(ctx: RequestContext, id: number): Promise<Profile> {
    const record = await ctx.loaders.profile.load(id);
    if (!record) throw AppError.notFound('Profile', String(id));
    return toProfile(record);
  }
}
