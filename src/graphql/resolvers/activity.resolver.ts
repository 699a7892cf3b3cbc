import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { EventInput as EventWrite } from '../../domain/event-input';
import type { RequestContext } from '../context';
import { parseNumericId } from '../cursors';
import { toInputErrors, toProfile } from '../mappers';
import { EventInput, SetEmailStatusInput, SetSmsStatusInput, SmsKeywordInput } from '../types/inputs.type';
import { EventResult, SmsKeywordPayload, TrackEventsPayload } from '../types/payloads.type';
import { Profile } from '../types/profile.type';

/** Events and eligibility: what customers do and what they consent to. */
@Resolver()
export class ActivityResolver {
  @Mutation(() => TrackEventsPayload, {
    description: 'Ingests up to 1,000 events. Each is ACCEPTED, DUPLICATE (its clientEventId was seen), REJECTED with its errors, or SUPPRESSED (it names a forgotten person); one bad event never loses the rest. Reserved fields update in the same transaction.',
  })
  async trackEvents(@Arg('events', () => [EventInput], { description: '1 to 1,000 events.' }) events: EventInput[], @Ctx() ctx: RequestContext): Promise<TrackEventsPayload> {
    const outcomes = await ctx.services.events.track(events satisfies EventWrite[]);
    const results = outcomes.map((o) =>
      Object.assign(new EventResult(), {
        index: o.index,
        status: o.status,
        eventId: o.eventId === null ? null : String(o.eventId),
        profileId: o.profileId === null ? null : String(o.profileId),
        errors: toInputErrors(o.problems),
      }),
    );
    const count = (s: string) => results.filter((r) => r.status === s).length;
    return { accepted: count('ACCEPTED'), duplicates: count('DUPLICATE'), rejected: count('REJECTED'), suppressed: count('SUPPRESSED'), results };
  }

  @Mutation(() => Profile, {
    description: 'Changes email eligibility: KNOWN → SUBSCRIBED | UNSUBSCRIBED, SUBSCRIBED ↔ UNSUBSCRIBED. Never back to KNOWN. Recorded in the consent history. An unknown email creates its profile first (identified as KNOWN, then changed), as setSmsStatus does for a number, so an unsubscribe is kept even before the profile is imported.',
  })
  async setEmailStatus(@Arg('input', () => SetEmailStatusInput, { description: 'The profile and its new status.' }) input: SetEmailStatusInput, @Ctx() ctx: RequestContext): Promise<Profile> {
    const { profileId } = await ctx.services.consent.setEmailStatus({
      profileId: input.profileId ? parseNumericId(input.profileId, ['input', 'profileId']) : null,
      email: input.email,
      status: input.status,
      source: input.source,
    });
    return this.fresh(ctx, profileId);
  }

  @Mutation(() => Profile, { description: 'Changes the SMS eligibility of one phone number. KNOWN → PENDING | SUBSCRIBED | UNSUBSCRIBED; PENDING → SUBSCRIBED | UNSUBSCRIBED; SUBSCRIBED → UNSUBSCRIBED; UNSUBSCRIBED → PENDING | SUBSCRIBED. Never back to KNOWN.' })
  async setSmsStatus(@Arg('input', () => SetSmsStatusInput, { description: 'The number and its new status.' }) input: SetSmsStatusInput, @Ctx() ctx: RequestContext): Promise<Profile> {
    const { profileId } = await ctx.services.consent.setSmsStatus(input);
    return this.fresh(ctx, profileId);
  }

  @Mutation(() => SmsKeywordPayload, { description: 'Handles an inbound SMS: STOP, UNSUBSCRIBE, CANCEL, END, QUIT unsubscribe the number; YES, Y, START confirm a pending double opt-in; anything else is ignored.' })
  async receiveSmsKeyword(@Arg('input', () => SmsKeywordInput, { description: 'The inbound message.' }) input: SmsKeywordInput, @Ctx() ctx: RequestContext): Promise<SmsKeywordPayload> {
    const result = await ctx.services.consent.receiveKeyword(input.phone, input.body);
    return { outcome: result.outcome, phone: result.phone, profile: result.profileId === null ? null : await this.fresh(ctx, result.profileId) };
  }

  private async fresh(ctx: RequestContext, profileId: number): Promise<Profile> {
    ctx.loaders.profile.clear(profileId);
    ctx.loaders.phones.clear(profileId);
    return toProfile(await ctx.services.profiles.get(profileId));
  }
}
