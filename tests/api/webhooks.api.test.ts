import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER } from '../../src/domain/webhook-signature';
import {
  CreateApiKeyDocument, CreateSegmentDocument, CreateSegmentWebhookDocument, DefineCustomFieldDocument, DeleteSegmentWebhookDocument, EvaluateSegmentMembershipDocument,
  SegmentWebhooksDocument, UpsertProfilesDocument, WebhookDeliveriesDocument,
} from '../generated/graphql';
import { waitFor } from '../jobs/support/jobs';
import { describeEachApp } from '../support/app';
import { newNamespace } from '../support/client';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A receiver on loopback that answers `statuses` in turn (then 200) and keeps every request. */
async function receiver(statuses: number[]): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(statuses.shift() ?? 200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/audience`, received, server };
}

describeEachApp('segment webhooks over HTTP', (getApp) => {
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  test('an evaluation with changes is POSTed, signed with HMAC-SHA256, retried with backoff, and logged', async () => {
    const { client } = await newNamespace(getApp().url);
    await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING' } });
    const { upsertProfiles } = await client.data(UpsertProfilesDocument, { inputs: [{ email: 'a@example.com', custom: { tier: 'gold' } }, { email: 'b@example.com', custom: { tier: 'gold' } }] });
    const [a, b] = upsertProfiles.results.map((r) => r.profileId!);
    const gold = (await client.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } })).createSegment;
    const hook = await receiver([500, 503]);
    servers.push(hook.server);
    const { createSegmentWebhook } = await client.data(CreateSegmentWebhookDocument, { segmentId: gold.id, url: hook.url });
    expect(createSegmentWebhook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
    expect((await client.data(SegmentWebhooksDocument, { segmentId: gold.id })).segmentWebhooks).toEqual([{ id: createSegmentWebhook.webhook.id, url: hook.url }]);

    const asOf = '2026-11-28T00:00:00.000Z';
    await client.data(EvaluateSegmentMembershipDocument, { id: gold.id, asOf });
    const [delivery] = await waitFor(async () => {
      const log = (await client.data(WebhookDeliveriesDocument, { id: createSegmentWebhook.webhook.id })).webhookDeliveries;
      return log[0]?.status === 'delivered' ? log : undefined;
    }, 'the webhook delivery', 30_000);
    expect(delivery).toEqual({ id: expect.any(String), asOf, status: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null, finishedAt: expect.any(String) });

    expect(hook.received).toHaveLength(3);
    const expected = { deliveryId: Number(delivery!.id), webhookId: createSegmentWebhook.webhook.id, segmentId: gold.id, asOf, entered: [a, b], left: [], enteredCount: 2, leftCount: 0, truncated: false };
    for (const request of hook.received) {
      expect(JSON.parse(request.body)).toEqual(expected);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['x-audience-delivery']).toBe(delivery!.id);
      const signature = request.headers[WEBHOOK_SIGNATURE_HEADER] as string;
      expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature(createSegmentWebhook.secret, signature, request.body)).toBe(true);
      expect(verifyWebhookSignature('whsec_someone-else', signature, request.body)).toBe(false);
      expect(verifyWebhookSignature(createSegmentWebhook.secret, signature, request.body.replace(a, b))).toBe(false);
    }

    // No changes: no delivery. A change: a second delivery, first try.
    await client.data(EvaluateSegmentMembershipDocument, { id: gold.id, asOf: '2026-11-28T01:00:00.000Z' });
    await client.data(UpsertProfilesDocument, { inputs: [{ email: 'a@example.com', custom: { tier: 'silver' } }] });
    await client.data(EvaluateSegmentMembershipDocument, { id: gold.id, asOf: '2026-11-28T02:00:00.000Z' });
    await waitFor(async () => hook.received.length === 4, 'the second delivery', 30_000);
    expect(JSON.parse(hook.received[3]!.body)).toMatchObject({ asOf: '2026-11-28T02:00:00.000Z', entered: [], left: [a], leftCount: 1 });
    const log = await waitFor(async () => {
      const rows = (await client.data(WebhookDeliveriesDocument, { id: createSegmentWebhook.webhook.id })).webhookDeliveries;
      return rows[0]?.status === 'delivered' ? rows : undefined;
    }, 'the log');
    expect(log.map((d) => [d.asOf, d.status, d.attempts])).toEqual([['2026-11-28T02:00:00.000Z', 'delivered', 1], [asOf, 'delivered', 3]]);
  }, 60_000);

  test('URLs are checked; tenancy and roles hold for every webhook operation', async () => {
    const { client: admin } = await newNamespace(getApp().url);
    const { client: other } = await newNamespace(getApp().url);
    const gold = (await admin.data(CreateSegmentDocument, { input: { name: 'Everyone', definition: { expression: 'email is set' } } })).createSegment;
    const bad = await admin.request(CreateSegmentWebhookDocument, { segmentId: gold.id, url: 'ftp://example.com/x' });
    expect(bad.errors![0]!.message).toBe('url: must use http or https (got ftp:)');
    const creds = await admin.request(CreateSegmentWebhookDocument, { segmentId: gold.id, url: 'https://user:pw@example.com/x' });
    expect(creds.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const { createSegmentWebhook } = await admin.data(CreateSegmentWebhookDocument, { segmentId: gold.id, url: 'https://example.com/hook' });

    const { createApiKey } = await admin.data(CreateApiKeyDocument, { input: { name: 'viewer', role: 'VIEWER' } });
    const viewer = admin.withKey(createApiKey.secret);
    expect((await viewer.data(SegmentWebhooksDocument, { segmentId: gold.id })).segmentWebhooks).toHaveLength(1);
    expect((await viewer.request(CreateSegmentWebhookDocument, { segmentId: gold.id, url: 'https://example.com/2' })).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await viewer.request(DeleteSegmentWebhookDocument, { id: createSegmentWebhook.webhook.id })).errors![0]!.extensions!.code).toBe('FORBIDDEN');

    expect((await other.request(CreateSegmentWebhookDocument, { segmentId: gold.id, url: 'https://example.com/x' })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect((await other.request(SegmentWebhooksDocument, { segmentId: gold.id })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect((await other.request(WebhookDeliveriesDocument, { id: createSegmentWebhook.webhook.id })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect((await other.request(DeleteSegmentWebhookDocument, { id: createSegmentWebhook.webhook.id })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect((await admin.data(DeleteSegmentWebhookDocument, { id: createSegmentWebhook.webhook.id })).deleteSegmentWebhook.id).toBe(createSegmentWebhook.webhook.id);
    expect((await admin.data(SegmentWebhooksDocument, { segmentId: gold.id })).segmentWebhooks).toEqual([]);
  });
});
