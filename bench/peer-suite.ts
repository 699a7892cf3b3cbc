import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { DATASET_AS_OF } from './dataset';
import { load, operationText, post, startBenchServer, stopChild, type LoadLevel } from './http-suite';
import { assertPeerInstalled } from './peer-package';
import { servicesFor } from './services';
import { median } from './stats';
import type { BenchTarget } from './targets';

/**
 * The peers suite (issue 11 §3): audience-graph against PostGraphile 5 with
 * postgraphile-plugin-connection-filter (`peer-server.ts`) on the same bench database, each in a
 * child process of its own with a pool of `poolSize`, loaded by autocannon from this process,
 * alternating (A B, then B A) so that drift on the shared machine falls on both. Every workload is
 * first checked: both servers must return the same count and the same first page.
 */
export interface PeerOptions {
  readonly namespace: string;
  readonly connections: readonly number[];
  readonly seconds: number;
  readonly rounds: number;
  readonly poolSize: number;
  readonly log: (message: string) => void;
}

export interface PeerLevel {
  readonly connections: number;
  /** One pair per round, in the order run. */
  readonly ours: readonly LoadLevel[];
  readonly peer: readonly LoadLevel[];
  /** audience-graph ÷ PostGraphile requests per second, per round. */
  readonly ratios: readonly number[];
  readonly ratio: { readonly median: number; readonly min: number; readonly max: number };
}

export interface PeerWorkload {
  readonly key: string;
  readonly label: string;
  /** Members (or profiles on the first page) each server returned, and whether the first pages agree. */
  readonly check: { readonly ours: number; readonly peer: number; readonly sameCount: boolean; readonly samePage: boolean };
  readonly levels: readonly PeerLevel[];
}

export interface PeersResult {
  readonly poolSize: number;
  readonly seconds: number;
  readonly rounds: number;
  readonly peerVersion: string;
  readonly workloads: readonly PeerWorkload[];
  /** Where the two differ by semantics, with the counts of each (not load-tested). */
  readonly semantics: readonly { readonly key: string; readonly what: string; readonly ours: number; readonly peer: number | null }[];
  readonly loadAverage: readonly number[];
}

const DAY_MS = 86_400_000;
const ago = (days: number) => new Date(DATASET_AS_OF.getTime() - days * DAY_MS).toISOString();

/** The segment workloads: the DSL of a saved segment here, and the same filter in PostGraphile's connection filter. */
const SEGMENTS = [
  {
    key: 'cheap-segment', label: '`last_purchase_date within last 1 day`: count + first 100 members',
    text: 'last_purchase_date within last 1 day', filter: { lastPurchaseDate: { greaterThanOrEqualTo: ago(1), lessThanOrEqualTo: DATASET_AS_OF.toISOString() } },
  },
  {
    key: 'dimension-segment', label: '`email_status = "SUBSCRIBED" and first_identified_date within last 30 days`: count + first 100',
    text: 'email_status = "SUBSCRIBED" and first_identified_date within last 30 days',
    filter: { emailStatus: { equalTo: 'SUBSCRIBED' }, firstIdentifiedAt: { greaterThanOrEqualTo: ago(30), lessThanOrEqualTo: DATASET_AS_OF.toISOString() } },
  },
  {
    key: 'custom-boolean', label: '`custom.vip = true and custom.app_installed = true` (an expression index here; `@>` there): count + first 100',
    text: 'custom.vip = true and custom.app_installed = true', filter: { custom: { contains: { vip: true, app_installed: true } } },
  },
] as const;

const PEER_PROFILE_PAGE = `query PeerProfilePage($ns: UUID!, $after: Cursor) {
  allProfiles(first: 100, after: $after, condition: { namespaceId: $ns }, orderBy: PRIMARY_KEY_ASC) {
    nodes {
      rowId email firstName lastName birthdayDay birthdayMonth custom emailStatus emailStatusChangedAt firstIdentifiedAt
      emailHashNumber hasControlGroupHaltedEmail hasEmailDelivered hasReceivedEmail lastEmailScheduled lastPurchaseDate lastEmailSent
      createdAt updatedAt
      profilePhonesByNamespaceIdAndProfileId { nodes { phone smsStatus smsOptInMethod smsStatusChangedAt smsConfirmedAt } }
      eventsByNamespaceIdAndProfileId(first: 5, orderBy: [OCCURRED_AT_DESC, ROW_ID_DESC]) { nodes { rowId type occurredAt properties } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

const PEER_SEGMENT = `query PeerSegment($ns: UUID!, $filter: ProfileFilter!, $first: Int!) {
  allProfiles(first: $first, condition: { namespaceId: $ns }, filter: $filter, orderBy: PRIMARY_KEY_ASC) {
    totalCount
    nodes { rowId email }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Starts the peer (PostGraphile) through its start script; resolves with its URL once it listens. */
async function startPeer(config: { url: string; poolSize: number }): Promise<{ url: string; child: ChildProcess }> {
  assertPeerInstalled();
  const typescript = __filename.endsWith('.ts');
  const child = fork(join(__dirname, typescript ? 'peer-start.ts' : 'peer-start.js'), [], {
    env: { ...process.env, NODE_ENV: 'production', GRAPHILE_ENV: 'production', BENCH_PEER_CONFIG: JSON.stringify(config) },
    execArgv: typescript ? ['-r', 'ts-node/register/transpile-only'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const ready = await new Promise<{ url: string }>((resolve, reject) => {
      child.once('message', (message) => resolve(message as { url: string }));
      child.once('exit', (code) => reject(new Error(`PostGraphile exited with code ${code}`)));
    });
    return { ...ready, child };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

interface Side {
  readonly url: string;
  readonly key: string;
  readonly bodies: readonly string[];
}

export async function runPeerSuite(target: BenchTarget, options: PeerOptions): Promise<PeersResult> {
  if (target.kind !== 'postgres' || !target.url) throw new Error('the peers suite runs against PostgreSQL');
  const loadAverage = loadavg().map((l) => Math.round(l * 100) / 100);
  const namespaceId = target.namespaces[options.namespace]!;
  const services = servicesFor(target.db, { id: namespaceId, slug: options.namespace });
  const saved: Record<string, string> = {};
  for (const segment of SEGMENTS) {
    const name = `Bench peers: ${segment.text}`;
    const existing = await target.session.rows<{ id: string }>(`select id from segment where namespace_id = $1 and name = $2`, [namespaceId, name]);
    saved[segment.key] = existing[0]?.id ?? (await services.segments.create({ name, definition: { expression: segment.text } })).id;
  }
  const notMissing = 'not email_status = "UNSUBSCRIBED" and custom.vip != true';
  const oursNotMissing = await services.segments.count({ expression: notMissing }, DATASET_AS_OF);

  const ours = await startBenchServer({ url: target.url, poolSize: options.poolSize, namespaceId }, { NODE_ENV: 'production' });
  try {
    const peer = await startPeer({ url: target.url, poolSize: options.poolSize });
    try {
      options.log(`peers: audience-graph at ${ours.url}, PostGraphile at ${peer.url}`);
      const workloads: { key: string; label: string; check: PeerWorkload['check']; a: Side; b: Side }[] = [];

      // ProfilePage over 20 pages, both walked by their own cursors.
      const profilePage = operationText('profiles.graphql', 'ProfilePage');
      const ourCursors: (string | null)[] = [null];
      const peerCursors: (string | null)[] = [null];
      let firstOurs: string[] = [];
      let firstPeer: string[] = [];
      for (let i = 0; i < 20; i++) {
        const a = await post(ours.url, ours.key, profilePage, { first: 100, after: ourCursors[i], events: 5 });
        const b = await post(peer.url, '', PEER_PROFILE_PAGE, { ns: namespaceId, after: peerCursors[i] });
        if (a.json.errors?.length || b.json.errors?.length) throw new Error(`ProfilePage failed: ${JSON.stringify(a.json.errors ?? b.json.errors)}`);
        const ap = (a.json.data as { profiles: { nodes: { id: string }[]; pageInfo: { endCursor: string } } }).profiles;
        const bp = (b.json.data as { allProfiles: { nodes: { rowId: string }[]; pageInfo: { endCursor: string } } }).allProfiles;
        if (i === 0) [firstOurs, firstPeer] = [ap.nodes.map((n) => String(n.id)), bp.nodes.map((n) => String(n.rowId))];
        ourCursors.push(ap.pageInfo.endCursor);
        peerCursors.push(bp.pageInfo.endCursor);
      }
      workloads.push({
        key: 'profile-page', label: '`ProfilePage`: 100 profiles with phones, channels and their latest 5 events, rotating over 20 pages',
        check: { ours: firstOurs.length, peer: firstPeer.length, sameCount: firstOurs.length === firstPeer.length, samePage: firstOurs.join() === firstPeer.join() },
        a: { url: ours.url, key: ours.key, bodies: ourCursors.slice(0, 20).map((after) => JSON.stringify({ query: profilePage, variables: { first: 100, after, events: 5 } })) },
        b: { url: peer.url, key: '', bodies: peerCursors.slice(0, 20).map((after) => JSON.stringify({ query: PEER_PROFILE_PAGE, variables: { ns: namespaceId, after } })) },
      });

      const members = operationText('segments.graphql', 'SegmentMembers');
      for (const segment of SEGMENTS) {
        const ourVariables = { id: saved[segment.key], first: 100, asOf: DATASET_AS_OF.toISOString() };
        const peerVariables = { ns: namespaceId, filter: segment.filter, first: 100 };
        const a = await post(ours.url, ours.key, members, ourVariables);
        const b = await post(peer.url, '', PEER_SEGMENT, peerVariables);
        if (a.json.errors?.length || b.json.errors?.length) throw new Error(`${segment.key} failed: ${JSON.stringify(a.json.errors ?? b.json.errors)}`);
        const as = (a.json.data as { segment: { count: number; members: { nodes: { id: string }[] } } }).segment;
        const bs = (b.json.data as { allProfiles: { totalCount: number; nodes: { rowId: string }[] } }).allProfiles;
        workloads.push({
          key: segment.key, label: segment.label,
          check: {
            ours: as.count, peer: bs.totalCount, sameCount: as.count === bs.totalCount,
            samePage: as.members.nodes.map((n) => String(n.id)).join() === bs.nodes.map((n) => String(n.rowId)).join(),
          },
          a: { url: ours.url, key: ours.key, bodies: [JSON.stringify({ query: members, variables: ourVariables })] },
          b: { url: peer.url, key: '', bodies: [JSON.stringify({ query: PEER_SEGMENT, variables: peerVariables })] },
        });
      }

      // PostGraphile's `not` is SQL's: NOT (email_status = 'UNSUBSCRIBED') is NULL, so dropped, for a profile without a status.
      const peerNotMissing = await post(peer.url, '', PEER_SEGMENT, {
        ns: namespaceId, first: 1, filter: { and: [{ not: { emailStatus: { equalTo: 'UNSUBSCRIBED' } } }, { not: { custom: { contains: { vip: true } } } }] },
      });
      const peerNotMissingCount = (peerNotMissing.json.data as { allProfiles?: { totalCount: number } } | undefined)?.allProfiles?.totalCount ?? null;

      const results: PeerWorkload[] = [];
      for (const w of workloads) {
        options.log(`peers: ${w.key}: ${w.check.sameCount && w.check.samePage ? 'same count and first page' : `DIFFERENT (${w.check.ours} vs ${w.check.peer}, page ${w.check.samePage ? 'same' : 'different'})`}`);
        // A short warm-up of each, so that the first timed round does not pay for cold caches alone.
        await load(w.a.url, w.a.key, 1, 2, w.a.bodies);
        await load(w.b.url, w.b.key, 1, 2, w.b.bodies);
        const levels: PeerLevel[] = [];
        for (const connections of options.connections) {
          const a: LoadLevel[] = [];
          const b: LoadLevel[] = [];
          for (let round = 0; round < options.rounds; round++) {
            options.log(`peers: ${w.key}, ${connections} connection(s), round ${round + 1}/${options.rounds}…`);
            const order = round % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
            for (const side of order) {
              if (side === 'a') a.push(await load(w.a.url, w.a.key, connections, options.seconds, w.a.bodies));
              else b.push(await load(w.b.url, w.b.key, connections, options.seconds, w.b.bodies));
            }
          }
          const ratios = a.map((x, i) => x.requestsPerSecond / b[i]!.requestsPerSecond);
          levels.push({ connections, ours: a, peer: b, ratios, ratio: { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) } });
        }
        results.push({ key: w.key, label: w.label, check: w.check, levels });
      }
      return {
        poolSize: options.poolSize, seconds: options.seconds, rounds: options.rounds, peerVersion: 'postgraphile 5.1.5, postgraphile-plugin-connection-filter 4.0.1',
        workloads: results,
        semantics: [
          { key: 'not-missing', what: `\`${notMissing}\`; PostGraphile: \`and: [{ not: { emailStatus: { equalTo: UNSUBSCRIBED } } }, { not: { custom: { contains: { vip: true } } } }]\` (SQL's NOT drops NULLs)`, ours: oursNotMissing, peer: peerNotMissingCount },
          { key: 'event-count', what: '"at least 2 purchases" (`did purchase at least 2 times`): the connection filter has no aggregate over a relation, only `eventsByNamespaceIdAndProfileIdExist` / `some`', ours: await services.segments.count({ expression: 'did purchase at least 2 times' }, DATASET_AS_OF), peer: null },
        ],
        loadAverage,
      };
    } finally {
      await stopChild(peer.child);
    }
  } finally {
    await stopChild(ours.child);
  }
}
