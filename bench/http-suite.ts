import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, print, separateOperations } from 'graphql';
import { DATASET_AS_OF } from './dataset';
import { servicesFor } from './services';
import type { BenchTarget } from './targets';

export interface LoadLevel {
  readonly connections: number;
  readonly seconds: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly latencyMeanMs: number;
  readonly errors: number;
  readonly non2xx: number;
  /** Responses carrying GraphQL errors. */
  readonly graphqlErrors: number;
}

export interface HttpResult {
  readonly operation: string;
  readonly variables: Record<string, unknown>;
  /** `x-sql-statements` of each page walked (first: 100) and of a page of one profile. */
  readonly statements: { readonly pages: readonly number[]; readonly pageOfOne: number; readonly constant: boolean; readonly max: number };
  readonly bytesPerResponse: number;
  readonly levels: readonly LoadLevel[];
  /** SegmentMembers (count + first 10 members of a saved segment) over 8 connections, for the PostGraphile comparison. */
  readonly comparable?: LoadLevel & { readonly segment: string; readonly statements: number };
  readonly poolSize: number;
}

export interface HttpOptions {
  readonly namespace: string;
  readonly connections: readonly number[];
  readonly seconds: number;
  readonly poolSize: number;
  readonly pages: number;
  readonly log: (message: string) => void;
}

/** The package root (holds package.json), from `bench/` under ts-node or `dist/bench/` when built. */
export function packageRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found');
    dir = parent;
  }
  return dir;
}

/** One operation of a document in `schema/operations`, with only the fragments it uses. */
export function operationText(file: string, name: string): string {
  const document = parse(readFileSync(join(packageRoot(), 'schema', 'operations', file), 'utf8'));
  const separated = separateOperations(document)[name];
  if (!separated) throw new Error(`no operation ${name} in ${file}`);
  return print(separated);
}

/** Starts the bench's API server (`http-server.ts`) as a child process with `config`; resolves once it listens. */
export async function startBenchServer(
  config: { url: string; poolSize: number; namespaceId: string | undefined; role?: string }, env: Record<string, string> = {},
): Promise<{ url: string; key: string; child: ChildProcess }> {
  const typescript = __filename.endsWith('.ts');
  const script = join(__dirname, typescript ? 'http-server.ts' : 'http-server.js');
  const child = fork(script, [], {
    env: { ...process.env, ...env, BENCH_SERVER_CONFIG: JSON.stringify(config) },
    execArgv: typescript ? ['-r', 'ts-node/register/transpile-only'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ url: string; key: string }>((resolve, reject) => {
    child.once('message', (message) => resolve(message as { url: string; key: string }));
    child.once('exit', (code) => reject(new Error(`the API server exited with code ${code}`)));
  });
  return { ...ready, child };
}

export async function post(url: string, key: string, query: string, variables: Record<string, unknown>): Promise<{ json: { data?: unknown; errors?: unknown[] }; statements: number; bytes: number }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { json: JSON.parse(text) as { data?: unknown; errors?: unknown[] }, statements: Number(response.headers.get('x-sql-statements')), bytes: text.length };
}

export async function load(url: string, key: string, connections: number, seconds: number, bodies: readonly string[]): Promise<LoadLevel> {
  let next = 0;
  let graphqlErrors = 0;
  const result = await autocannon({
    url: `${url}/graphql`,
    connections,
    duration: seconds,
    timeout: 60,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) }],
    verifyBody: (body) => {
      const ok = !body.includes('"errors"');
      if (!ok) graphqlErrors++;
      return ok;
    },
  });
  return {
    connections, seconds: result.duration, requests: result.requests.total, requestsPerSecond: result.requests.total / result.duration,
    latencyP50Ms: result.latency.p50, latencyP99Ms: result.latency.p99, latencyMeanMs: result.latency.mean,
    errors: result.errors, non2xx: result.non2xx, graphqlErrors,
  };
}

/**
 * GraphQL reads over HTTP against the real server (a child process running `createApp` with
 * `exposeQueryStats`): the `ProfilePage` operation (100 profiles with phones, channels,
 * dimensions and their latest 5 events), pages rotated so the load is not one cached page.
 */
export async function runHttpSuite(target: BenchTarget, options: HttpOptions): Promise<HttpResult> {
  if (target.kind !== 'postgres' || !target.url) throw new Error('the HTTP suite runs against PostgreSQL');
  const query = operationText('profiles.graphql', 'ProfilePage');
  const members = operationText('segments.graphql', 'SegmentMembers');
  const namespace = { id: target.namespaces[options.namespace]!, slug: options.namespace };
  const services = servicesFor(target.db, namespace);
  const segmentName = 'Bench: bought in the last day';
  const existing = await target.session.rows<{ id: string }>(`select id from segment where namespace_id = $1 and name = $2`, [namespace.id, segmentName]);
  const segmentId = existing[0]?.id ?? (await services.segments.create({ name: segmentName, definition: { expression: 'last_purchase_date within last 1 day' } })).id;

  const server = await startBenchServer({ url: target.url, poolSize: options.poolSize, namespaceId: target.namespaces[options.namespace] });
  try {
    options.log(`http: server at ${server.url}; walking ${options.pages} pages…`);
    const cursors: (string | null)[] = [null];
    const statements: number[] = [];
    let bytes = 0;
    for (let i = 0; i < options.pages; i++) {
      const page = await post(server.url, server.key, query, { first: 100, after: cursors[i], events: 5 });
      if (page.json.errors?.length) throw new Error(`ProfilePage failed: ${JSON.stringify(page.json.errors)}`);
      const data = page.json.data as { profiles: { nodes: unknown[]; pageInfo: { endCursor: string; hasNextPage: boolean } } };
      if (data.profiles.nodes.length !== 100) throw new Error(`expected 100 profiles, got ${data.profiles.nodes.length}`);
      statements.push(page.statements);
      bytes += page.bytes;
      cursors.push(data.profiles.pageInfo.endCursor);
    }
    const one = await post(server.url, server.key, query, { first: 1, events: 5 });
    const bodies = cursors.slice(0, options.pages).map((after) => JSON.stringify({ query, variables: { first: 100, after, events: 5 } }));

    const levels: LoadLevel[] = [];
    for (const connections of options.connections) {
      options.log(`http: ProfilePage at ${connections} connection(s) for ${options.seconds} s…`);
      levels.push(await load(server.url, server.key, connections, options.seconds, bodies));
    }

    const membersVariables = { id: segmentId, first: 10, asOf: DATASET_AS_OF.toISOString() };
    const sample = await post(server.url, server.key, members, membersVariables);
    if (sample.json.errors?.length) throw new Error(`SegmentMembers failed: ${JSON.stringify(sample.json.errors)}`);
    options.log(`http: SegmentMembers (count + first 10) at 8 connections for ${options.seconds} s…`);
    const comparable = await load(server.url, server.key, 8, options.seconds, [JSON.stringify({ query: members, variables: membersVariables })]);

    return {
      operation: 'ProfilePage', variables: { first: 100, events: 5 },
      statements: { pages: statements, pageOfOne: one.statements, constant: new Set([...statements, one.statements]).size === 1, max: Math.max(...statements, one.statements) },
      bytesPerResponse: Math.round(bytes / statements.length),
      levels,
      comparable: { ...comparable, segment: 'last_purchase_date within last 1 day', statements: sample.statements },
      poolSize: options.poolSize,
    };
  } finally {
    await stopChild(server.child);
  }
}

/** Asks a bench child process to stop ("stop" over IPC) and kills it if it has not exited within 10 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.send('stop');
  else child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
