import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { DeliveryRecord, WebhookRecord } from '../../services';
import type { RequestContext } from '../context';
import { CreatedSegmentWebhook, SegmentWebhook, WebhookDelivery } from '../types/webhook.type';

const toWebhook = (r: WebhookRecord) => Object.assign(new SegmentWebhook(), { id: r.id, segmentId: r.segmentId, url: r.url, createdBy: r.createdBy, createdAt: r.createdAt });
const toDelivery = (r: DeliveryRecord) =>
  Object.assign(new WebhookDelivery(), { id: String(r.id), asOf: r.asOf, status: r.status, attempts: r.attempts, lastStatusCode: r.lastStatusCode, lastError: r.lastError, finishedAt: r.finishedAt });

@Resolver()
export class WebhookResolver {
  @Mutation(() => CreatedSegmentWebhook, { description: 'Adds a webhook to a segment: every evaluation with changes is POSTed to url, signed, retried with backoff.' })
  async createSegmentWebhook(
    @Arg('segmentId', () => ID, { description: 'The saved segment.' }) segmentId: string,
    @Arg('url', { description: 'An http or https URL.' }) url: string,
    @Ctx() ctx: RequestContext,
  ): Promise<CreatedSegmentWebhook> {
    const { webhook, secret } = await ctx.services.webhooks.create(segmentId, url);
    return Object.assign(new CreatedSegmentWebhook(), { webhook: toWebhook(webhook), secret });
  }

  @Mutation(() => SegmentWebhook, { description: 'Deletes a webhook and its delivery log.' })
  async deleteSegmentWebhook(@Arg('id', () => ID, { description: 'The webhook.' }) id: string, @Ctx() ctx: RequestContext): Promise<SegmentWebhook> {
    return toWebhook(await ctx.services.webhooks.delete(id));
  }

  @Query(() => [SegmentWebhook], { description: 'The webhooks of a segment.' })
  async segmentWebhooks(@Arg('segmentId', () => ID, { description: 'The saved segment.' }) segmentId: string, @Ctx() ctx: RequestContext): Promise<SegmentWebhook[]> {
    return (await ctx.services.webhooks.ofSegment(segmentId)).map(toWebhook);
  }

  @Query(() => [WebhookDelivery], { description: 'The delivery log of a webhook, newest first.' })
  async webhookDeliveries(
    @Arg('id', () => ID, { description: 'The webhook.' }) id: string,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many, 1 to 500.' }) first: number,
    @Ctx() ctx: RequestContext,
  ): Promise<WebhookDelivery[]> {
    return (await ctx.services.webhooks.deliveries(id, first)).map(toDelivery);
  }
}
