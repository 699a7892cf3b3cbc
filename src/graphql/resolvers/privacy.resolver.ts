import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { ForgetRequestRecord } from '../../services';
import type { RequestContext } from '../context';
import { auditCursor, parseAuditCursor, parseNumericId } from '../cursors';
import { toConnection } from '../types/connection.type';
import { ForgetProfileInput, ForgetRequest, ForgetRequestConnection } from '../types/privacy.type';

function toForgetRequest(r: ForgetRequestRecord): ForgetRequest {
  return {
    id: r.id, requestedAt: r.requestedAt, actor: r.actor, actorKeyId: r.actorKeyId, actorRole: r.actorRole, namedBy: r.namedBy,
    source: r.source, found: r.removed.profiles > 0, identifiers: r.identifiers.map((i) => ({ ...i })), removed: { ...r.removed },
  };
}

/** Right to be forgotten and its audit (CLIENT_ADMIN). */
@Resolver()
export class PrivacyResolver {
  @Mutation(() => ForgetRequest, {
    description: 'Forgets a person (CLIENT_ADMIN): deletes the profile with its phones, events, consent history and merge records (including phone-only profiles it absorbed), puts the HMAC of each of its emails and phones on the suppression list so no later write or import identifies it again (reported as SUPPRESSED), and records an audit entry without personal data. An identifier that no profile holds is suppressed all the same.',
  })
  async forgetProfile(@Arg('input', () => ForgetProfileInput, { description: 'Exactly one of email, phone or profileId.' }) input: ForgetProfileInput, @Ctx() ctx: RequestContext): Promise<ForgetRequest> {
    const record = await ctx.services.privacy.forget({
      email: input.email,
      phone: input.phone,
      profileId: input.profileId === undefined || input.profileId === null ? input.profileId : parseNumericId(input.profileId, ['input', 'profileId']),
    });
    return toForgetRequest(record);
  }

  @Query(() => ForgetRequestConnection, { description: 'The deletion audit, newest first (CLIENT_ADMIN): when, who, the hashed identifiers and counts of what was removed.' })
  async forgetRequests(
    @Arg('first', () => Int, { defaultValue: 50, description: 'Page size, 1 to 200.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ForgetRequestConnection> {
    const { records, hasMore } = await ctx.services.privacy.requests(first, parseAuditCursor(after, 'after'));
    return toConnection(records, hasMore, (r) => auditCursor(r.requestedAt, r.id), toForgetRequest);
  }
}
