import { WebhookRepository } from '../db/webhook.sql';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from '../domain/webhook-signature';
import { JobFailure, type JobHandler } from '../jobs';
import { postWebhook, WebhookAddressRefused } from './webhook-transport';
import { WEBHOOK_DELIVERY_JOB } from './webhook.service';

/** Waits before each attempt after the first: 1 s, 2 s, 4 s, 8 s (five attempts in all). */
export const WEBHOOK_BACKOFF_MS = [1000, 2000, 4000, 8000] as const;
/** At most this many profile ids of each side in one delivery; receivers page `segmentChanges` for the rest. */
export const WEBHOOK_MAX_IDS = 1000;
const TIMEOUT_MS = 10_000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

export interface WebhookDeliverySettings {
  /** WEBHOOK_ALLOW_PRIVATE_ADDRESSES: deliveries may reach loopback, private and link-local addresses. */
  readonly allowPrivateAddresses: boolean;
  /** Where a refused delivery is reported (the server's error log). */
  readonly logError?: (message: string) => void;
}

/**
 * Delivers one webhook call (`segment.webhook`, payload `{ deliveryId }`): a POST of
 * `{ segmentId, asOf, entered, left, enteredCount, leftCount, truncated }` as JSON, signed in
 * `x-audience-signature`. A 2xx response delivers it; anything else (status, redirect, timeout,
 * refused connection) is retried after `WEBHOOK_BACKOFF_MS`. A receiver whose host is or resolves
 * to a loopback, private, link-local or other non-public address (see `postWebhook`) is refused at
 * once, before anything is sent, unless `allowPrivateAddresses`: that attempt fails the delivery
 * without retries, and `logError` reports it. Every attempt is recorded in the delivery log.
 */
export function webhookDeliveryJob(settings: WebhookDeliverySettings = { allowPrivateAddresses: false }): JobHandler<{ deliveryId?: unknown }> {
  return {
    kind: WEBHOOK_DELIVERY_JOB,
    concurrency: 4,
    async run(ctx) {
      const namespaceId = ctx.job.namespaceId;
      const deliveryId = Number(ctx.job.payload?.deliveryId);
      if (!namespaceId || !Number.isSafeInteger(deliveryId)) throw new JobFailure('A webhook delivery needs a namespace and a deliveryId.');
      const repo = new WebhookRepository(ctx.sql, namespaceId);
      const delivery = await repo.delivery(deliveryId);
      if (!delivery) throw new JobFailure(`Webhook delivery ${deliveryId} no longer exists.`);
      const webhook = await repo.get(delivery.webhookId);
      if (!webhook) throw new JobFailure(`Webhook ${delivery.webhookId} was deleted.`);
      const changes = await repo.changesAt(delivery.segmentId, delivery.asOf, WEBHOOK_MAX_IDS);
      const body = JSON.stringify({
        deliveryId, webhookId: webhook.id, segmentId: delivery.segmentId, asOf: delivery.asOf.toISOString(),
        entered: changes.entered.map(String), left: changes.left.map(String), enteredCount: changes.enteredCount, leftCount: changes.leftCount,
        truncated: changes.entered.length < changes.enteredCount || changes.left.length < changes.leftCount,
      });
      for (let attempt = 0; attempt <= WEBHOOK_BACKOFF_MS.length; attempt++) {
        if (attempt > 0) await sleep(WEBHOOK_BACKOFF_MS[attempt - 1]!, ctx.signal);
        ctx.throwIfAborted();
        let status: number | null = null;
        let error: string | null = null;
        try {
          status = await postWebhook({
            url: webhook.url,
            headers: { 'content-type': 'application/json', [WEBHOOK_SIGNATURE_HEADER]: signWebhook(webhook.secret, Math.floor(Date.now() / 1000), body), 'x-audience-delivery': String(deliveryId) },
            body,
            signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(TIMEOUT_MS)]),
            allowPrivateAddresses: settings.allowPrivateAddresses,
          });
          if (status >= 200 && status < 300) {
            await repo.recordAttempt(deliveryId, status, null, 'delivered');
            return { delivered: true, attempts: attempt + 1, status };
          }
          error = status >= 300 && status < 400 ? `the receiver answered HTTP ${status} (redirects are not followed)` : `the receiver answered HTTP ${status}`;
        } catch (e) {
          if (e instanceof WebhookAddressRefused) {
            await repo.recordAttempt(deliveryId, null, e.message.slice(0, 300), 'failed');
            const message = `Webhook delivery ${deliveryId} to ${webhook.id}: ${e.message}`;
            settings.logError?.(message);
            throw new JobFailure(message);
          }
          error = e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 300) : 'request failed';
        }
        const last = attempt === WEBHOOK_BACKOFF_MS.length;
        await repo.recordAttempt(deliveryId, status, error, last ? 'failed' : 'pending');
        if (last) throw new JobFailure(`Webhook delivery ${deliveryId} failed after ${attempt + 1} attempts: ${error}`);
      }
      return { delivered: false };
    },
  };
}
