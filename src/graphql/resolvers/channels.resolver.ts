import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../context';
import { toSmsChannel } from '../mappers';
import { Channels, SmsChannel } from '../types/profile.type';

@Resolver(() => Channels)
export class ChannelsResolver {
  @FieldResolver(() => [SmsChannel], { description: 'One SMS channel per phone number of the profile.' })
  async sms(@Root() channels: Channels, @Ctx() ctx: RequestContext): Promise<SmsChannel[]> {
    return (await ctx.loaders.phones.load(channels.profileId)).map(toSmsChannel);
  }
}
