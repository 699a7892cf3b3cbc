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

/** A receiver on loopback that answers `statuses` in turn (then 200; a 3xx points at the cloud metadata address) and keeps every request. */
async function receiver(statuses: number[]): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = statuses.shift() ?? 200;
      res.writeHead(status, status >= 300 && status < 400 ? { location: 'http://169.254.169.254/latest/meta-data/' } : {}).end('ok');
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

  test('a redirect is a failed attempt, never followed', async () => {
    const { client } = await newNamespace(getApp().url);
    await client.data(UpsertProfilesDocument, { inputs: [{ email: 'a@example.com' }] });
    const everyone = (await client.data(CreateSegmentDocument, { input: { name: 'Everyone', definition: { expression: 'email is set' } } })).createSegment;
    const hook = await receiver([302, 307]);
    servers.push(hook.server);
    const { webhook } = (await client.data(CreateSegmentWebhookDocument, { segmentId: everyone.id, url: hook.url })).createSegmentWebhook;
    await client.data(EvaluateSegmentMembershipDocument, { id: everyone.id, asOf: '2026-11-28T00:00:00.000Z' });
    const [retrying] = await waitFor(async () => {
      const log = (await client.data(WebhookDeliveriesDocument, { id: webhook.id })).webhookDeliveries;
      return log[0]?.status === 'pending' && log[0].attempts > 0 ? log : undefined;
    }, 'the first redirected attempt', 30_000);
    expect(retrying!.lastError).toMatch(/^the receiver answered HTTP (302|307) \(redirects are not followed\)$/);
    const [delivery] = await waitFor(async () => {
      const log = (await client.data(WebhookDeliveriesDocument, { id: webhook.id })).webhookDeliveries;
      return log[0]?.status === 'delivered' ? log : undefined;
    }, 'the delivery', 30_000);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200 });
    expect(hook.received).toHaveLength(3);
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
}, { webhookAllowPrivateAddresses: true });

const logged: string[] = [];
const capture = {
  info: () => undefined,
  error: (message: string, detail?: unknown) => logged.push(`${message}: ${detail instanceof Error ? detail.message : String(detail)}`),
};

describeEachApp('segment webhooks to private addresses (WEBHOOK_ALLOW_PRIVATE_ADDRESSES off)', (getApp) => {
  let hook: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    hook = await receiver([]);
  });
  afterAll(async () => {
    await new Promise((resolve) => hook.server.close(resolve));
  });

  test('loopback, private, link-local and IPv4-mapped receivers are refused before anything is sent, and the log says why', async () => {
    const { client } = await newNamespace(getApp().url);
    await client.data(UpsertProfilesDocument, { inputs: [{ email: 'a@example.com' }] });
    const everyone = (await client.data(CreateSegmentDocument, { input: { name: 'Everyone', definition: { expression: 'email is set' } } })).createSegment;
    const port = new URL(hook.url).port;
    const off = 'webhooks reach only public addresses (WEBHOOK_ALLOW_PRIVATE_ADDRESSES is off)';
    const targets: [string, string | RegExp][] = [
      [hook.url, `refused to deliver: 127.0.0.1 is not a public address (the loopback range 127.0.0.0/8); ${off}`],
      [`http://[::ffff:127.0.0.1]:${port}/hooks/audience`, `refused to deliver: ::ffff:7f00:1 is not a public address (IPv4-mapped 127.0.0.1 in the loopback range 127.0.0.0/8); ${off}`],
      [`http://[::1]:${port}/hooks/audience`, `refused to deliver: ::1 is not a public address (the IPv6 loopback ::1); ${off}`],
      // A name is resolved at delivery, and every address it resolves to is checked.
      [`http://localhost:${port}/hooks/audience`, /^refused to deliver: localhost resolves to (127\.0\.0\.1, which is not a public address \(the loopback range 127\.0\.0\.0\/8\)|::1, which is not a public address \(the IPv6 loopback ::1\)); webhooks reach only public addresses \(WEBHOOK_ALLOW_PRIVATE_ADDRESSES is off\)$/],
      ['http://169.254.169.254/latest/meta-data/', `refused to deliver: 169.254.169.254 is not a public address (the link-local range 169.254.0.0/16 (cloud metadata)); ${off}`],
      ['https://10.0.0.7/hook', `refused to deliver: 10.0.0.7 is not a public address (the private range 10.0.0.0/8); ${off}`],
      ['https://192.168.1.20:8443/hook', `refused to deliver: 192.168.1.20 is not a public address (the private range 192.168.0.0/16); ${off}`],
      ['http://0.0.0.0:9/hook', `refused to deliver: 0.0.0.0 is not a public address (the unspecified "this network" range 0.0.0.0/8); ${off}`],
      ['http://[fd00:ec2::254]/latest', `refused to deliver: fd00:ec2::254 is not a public address (the IPv6 unique-local range fc00::/7); ${off}`],
    ];
    const hooks = [];
    for (const [url] of targets) hooks.push((await client.data(CreateSegmentWebhookDocument, { segmentId: everyone.id, url })).createSegmentWebhook.webhook);

    await client.data(EvaluateSegmentMembershipDocument, { id: everyone.id, asOf: '2026-11-28T00:00:00.000Z' });
    for (const [i, webhook] of hooks.entries()) {
      const [delivery] = await waitFor(async () => {
        const log = (await client.data(WebhookDeliveriesDocument, { id: webhook.id })).webhookDeliveries;
        return log[0]?.status === 'failed' ? log : undefined;
      }, `the refused delivery to ${webhook.url}`, 30_000);
      expect(delivery).toEqual({ id: expect.any(String), asOf: '2026-11-28T00:00:00.000Z', status: 'failed', attempts: 1, lastStatusCode: null, lastError: typeof targets[i]![1] === 'string' ? targets[i]![1] : expect.stringMatching(targets[i]![1]), finishedAt: expect.any(String) });
      const reason = delivery!.lastError!;
      await waitFor(async () => logged.some((line) => line.startsWith(`Webhook delivery ${delivery!.id} to ${webhook.id}: ${reason}`)), `the logged refusal of ${webhook.url}`);
    }
    expect(hook.received).toEqual([]);
  }, 60_000);
}, {}, capture);
