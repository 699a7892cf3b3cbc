import { request, type IncomingHttpHeaders } from 'node:http';

export interface Download {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly trailers: NodeJS.Dict<string>;
  /** The body as UTF-8 text. */
  readonly text: string;
}

/**
 * A plain HTTP request to the app (exports and downloads are not GraphQL), reading the whole body
 * and the trailers. `base` is the app's URL (`http://127.0.0.1:port`).
 */
export function download(base: string, path: string, options: { key?: string; method?: string; body?: unknown } = {}): Promise<Download> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
    const req = request(new URL(path, base), {
      method: options.method ?? (payload ? 'POST' : 'GET'),
      headers: { ...(options.key ? { authorization: `Bearer ${options.key}` } : {}), ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, trailers: res.trailers, text: body.toString('utf8') });
      });
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`request to ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}
