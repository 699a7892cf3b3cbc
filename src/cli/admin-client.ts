import { request } from 'node:http';
import type { Readable } from 'node:stream';
import type { AdminReply } from '../http/admin-server';

/** Where a running server serves its admin operations (from the data directory's lock file). */
export interface AdminEndpoint {
  readonly socket: string;
  readonly token: string;
  readonly pid: number;
}

export interface AdminResponse {
  readonly status: number;
  readonly body: Readable;
}

/**
 * A client of a running server's admin socket. `call` runs a JSON operation; `request` is the
 * raw form (any method and path, a streamed body), for commands that send or receive files.
 *
 * @example await new AdminClient(endpoint).call('create-key', { namespace: 'demo', role: 'VIEWER' })
 */
export class AdminClient {
  constructor(readonly endpoint: AdminEndpoint) {}

  request(method: string, path: string, body?: Readable | string, headers: Record<string, string> = {}): Promise<AdminResponse> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.endpoint.socket, method, path, headers: { authorization: `Bearer ${this.endpoint.token}`, ...headers } }, (res) => resolve({ status: res.statusCode ?? 0, body: res }));
      req.on('error', reject);
      if (body === undefined) req.end();
      else if (typeof body === 'string') req.end(body);
      else body.pipe(req);
    });
  }

  async call(name: string, input: Record<string, unknown>): Promise<AdminReply> {
    const response = await this.request('POST', `/admin/v1/${name}`, JSON.stringify(input), { 'content-type': 'application/json' });
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      return JSON.parse(text) as AdminReply;
    } catch {
      return { ok: false, code: 'INTERNAL_SERVER_ERROR', message: `The server answered ${response.status} with a body that is not JSON.` };
    }
  }
}
