import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { blockedAddressReason } from '../domain/network-address';

/** A delivery that may not be sent: the receiver's host is, or resolves to, an address outbound calls may not reach. */
export class WebhookAddressRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookAddressRefused';
  }
}

export interface WebhookRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly signal: AbortSignal;
  /** WEBHOOK_ALLOW_PRIVATE_ADDRESSES: let deliveries reach loopback and private addresses (tests, private networks). */
  readonly allowPrivateAddresses: boolean;
}

interface Resolved {
  readonly address: string;
  readonly family: number;
}

/**
 * The addresses a delivery may connect to: the host's own address when it is an IP literal, else
 * every address DNS gives for it, each checked by `blockedAddressReason` (one blocked address
 * refuses the host: a name with a public and a private address is not trusted with either).
 */
export async function resolveWebhookHost(hostname: string, allowPrivateAddresses: boolean): Promise<Resolved[]> {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const family = isIP(host);
  const addresses: Resolved[] = family ? [{ address: host, family }] : await lookup(host, { all: true, verbatim: true });
  if (!addresses.length) throw new WebhookAddressRefused(`${host} resolves to no address`);
  if (!allowPrivateAddresses) {
    for (const { address } of addresses) {
      const reason = blockedAddressReason(address);
      if (reason) {
        const where = family ? `${host} is` : `${host} resolves to ${address}, which is`;
        throw new WebhookAddressRefused(`refused to deliver: ${where} not a public address (${reason}); webhooks reach only public addresses (WEBHOOK_ALLOW_PRIVATE_ADDRESSES is off)`);
      }
    }
  }
  return addresses;
}

/**
 * POSTs one webhook call and answers the receiver's HTTP status. The host is resolved once, here,
 * every address checked, and the connection is pinned to the first checked address (a `lookup` that
 * answers it, without asking DNS again), so a name cannot resolve to a public address for the check
 * and to a private one for the connection. TLS still verifies the certificate against the URL's host
 * name. Redirects are never followed (a 3xx is a failed attempt), and every call opens its own socket.
 */
export async function postWebhook(request: WebhookRequest): Promise<number> {
  const url = new URL(request.url);
  const [pinned] = await resolveWebhookHost(url.hostname, request.allowPrivateAddresses);
  const pinnedLookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: pinned!.address, family: pinned!.family }]);
    else callback(null, pinned!.address, pinned!.family);
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const req = send(url, {
      method: 'POST',
      headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
      lookup: pinnedLookup,
      agent: false,
      signal: request.signal,
    }, (response: IncomingMessage) => {
      response.resume();
      response.on('error', () => undefined);
      resolve(response.statusCode ?? 0);
      response.destroy();
    });
    req.on('error', reject);
    req.end(request.body);
  });
}
