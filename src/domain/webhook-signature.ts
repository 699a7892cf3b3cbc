import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header a webhook delivery is signed in. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-audience-signature';

/**
 * The signature of a webhook body: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`.
 * Receivers recompute it over the raw body and compare in constant time; the timestamp lets them
 * refuse old replays.
 *
 * @example signWebhook('whsec_…', 1764288000, '{"segmentId":"seg_1"}')  // 't=1764288000,v1=5f1c…'
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** True when `header` is a valid signature of `body` with `secret`, made at most `toleranceSeconds` before `now`. */
export function verifyWebhookSignature(secret: string, header: string | undefined, body: string, now = Date.now(), toleranceSeconds = 300): boolean {
  const m = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return false;
  const timestamp = Number(m[1]);
  if (Math.abs(now / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body).slice(-64), 'hex');
  return timingSafeEqual(expected, Buffer.from(m[2]!, 'hex'));
}
