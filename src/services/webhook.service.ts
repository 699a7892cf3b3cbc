import { randomBytes } from 'node:crypto';
import { WebhookRepository, type DeliveryRecord, type WebhookRecord } from '../db/webhook.sql';
import { AppError } from '../domain/errors';
import { WEBHOOK_ID } from '../domain/ids';
import { requirePermission, type Scope } from './scope';
import { MAX_SEGMENT_PAGE, type SegmentService } from './segment.service';

/** The job kind that delivers one webhook call; its payload is `{ deliveryId }`. */
export const WEBHOOK_DELIVERY_JOB = 'segment.webhook';

function checkUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw AppError.invalid(['url'], `must be an absolute http or https URL (got ${JSON.stringify(raw.slice(0, 80))})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw AppError.invalid(['url'], `must use http or https (got ${url.protocol})`);
  if (url.username || url.password) throw AppError.invalid(['url'], 'must not carry credentials; verify deliveries by their signature instead');
  if (url.href.length > 2000) throw AppError.invalid(['url'], 'must be at most 2000 characters');
  return url.href;
}

/**
 * Webhooks per saved segment: after each evaluation that found changes, every webhook of the
 * segment gets one signed POST (`x-audience-signature`, HMAC-SHA256 with the webhook's secret) with
 * who entered and who left, retried with backoff, each attempt recorded in the delivery log.
 */
export class WebhookService {
  constructor(
    private readonly scope: Scope,
    private readonly segments: SegmentService,
  ) {}

  private get repo(): WebhookRepository {
    return new WebhookRepository(this.scope.sql, this.scope.tenant.id);
  }

  /** Creates a webhook; the secret is returned here only. */
  async create(segmentId: string, url: string): Promise<{ webhook: WebhookRecord; secret: string }> {
    requirePermission(this.scope, 'segments:write', 'create segment webhooks');
    const checked = checkUrl(url);
    await this.segments.get(segmentId);
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const webhook = await this.repo.create(`whk_${randomBytes(8).toString('hex')}`, segmentId, checked, secret, this.scope.actor);
    return { webhook, secret };
  }

  async ofSegment(segmentId: string): Promise<WebhookRecord[]> {
    requirePermission(this.scope, 'read', 'read segment webhooks');
    await this.segments.get(segmentId);
    return this.repo.ofSegment(segmentId);
  }

  async delete(id: string): Promise<WebhookRecord> {
    requirePermission(this.scope, 'segments:write', 'delete segment webhooks');
    const row = await this.get(id);
    await this.repo.delete(id);
    return row;
  }

  async deliveries(id: string, first: number): Promise<DeliveryRecord[]> {
    requirePermission(this.scope, 'read', 'read webhook deliveries');
    if (!Number.isInteger(first) || first < 1 || first > MAX_SEGMENT_PAGE) throw AppError.invalid(['first'], `must be a whole number from 1 to ${MAX_SEGMENT_PAGE} (got ${first})`);
    await this.get(id);
    return this.repo.deliveries(id, first);
  }

  private async get(id: string): Promise<WebhookRecord> {
    const row = WEBHOOK_ID.test(id) ? await this.repo.get(id) : undefined;
    if (!row) throw AppError.notFound('Webhook', id);
    const { secret: _secret, ...webhook } = row;
    return webhook;
  }
}
