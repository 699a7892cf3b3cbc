import { Writable } from 'node:stream';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { CreateSegmentDocument, Customer360Document, DefineCustomFieldDocument, ProfilePageDocument, SegmentMembersDocument, TrackEventsDocument, UpsertProfilesDocument } from '../generated/graphql';
import { createLogger } from '../../src/observability/logger';
import { describeEachApp } from '../support/app';
import { newNamespace, type GraphQLClient } from '../support/client';

/**
 * Pages of profiles and lists of events read only the columns the request selects
 * (`src/graphql/selection.ts`). What is checked: the statements' select lists (LOG_QUERIES), and
 * that every field the request selects still has its stored value, through fragments, edges and
 * a second read of the same profile in the request.
 */
const sqlLines: string[] = [];
const capture = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const text of chunk.toString('utf8').split('\n')) {
      if (!text.trim()) continue;
      const line = JSON.parse(text) as { msg?: string; sql?: string };
      if (line.msg === 'sql' && line.sql) sqlLines.push(line.sql);
    }
    done();
  },
});
const logger = createLogger({ level: 'info', pretty: false, destination: capture });

const AS_OF = '2026-11-28T12:00:00.000Z';

type Doc = TypedDocumentNode<Record<string, unknown>, Record<string, unknown>>;
const doc = (text: string) => parse(text) as unknown as Doc;

/** The select list right before `from` in the last logged statement holding it (`select … ` up to it). */
function lastSelect(from: string): string {
  const statement = [...sqlLines].reverse().find((s) => s.includes(from));
  if (!statement) throw new Error(`no statement ${from} in ${sqlLines.length} logged`);
  const end = statement.indexOf(from);
  return statement.slice(statement.lastIndexOf('select ', end), end);
}

async function run(client: GraphQLClient, document: Doc, variables: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  sqlLines.length = 0;
  const result = await client.request(document, variables);
  expect(result.errors).toBeUndefined();
  return result.data!;
}

describeEachApp(
  'selected columns',
  (getApp) => {
    let client: GraphQLClient;
    let segmentId: string;
    let ids: string[];
    beforeAll(async () => {
      ({ client } = await newNamespace(getApp().url));
      await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING' } });
      const upserted = await client.data(UpsertProfilesDocument, {
        inputs: [
          { email: 'ana@example.com', firstName: 'Ana', lastName: 'Lima', birthdayDay: 3, birthdayMonth: 4, phones: ['+14155550100'], custom: { tier: 'gold' } },
          { email: 'bo@example.com', firstName: 'Bo', lastName: 'Berg' },
        ],
      });
      expect(upserted.upsertProfiles.failed).toBe(0);
      ids = upserted.upsertProfiles.results.map((r) => r.profileId!);
      await client.data(TrackEventsDocument, {
        events: [
          { type: 'purchase', created: '2026-11-27T00:00:00Z', createdOverride: '2026-11-26T00:00:00Z', email: 'ana@example.com', clientEventId: 'order-1', properties: { total: 10 } },
          { type: 'purchase', created: '2026-11-27T05:00:00Z', email: 'bo@example.com', properties: { total: 20 } },
        ],
      });
      segmentId = (await client.data(CreateSegmentDocument, { input: { name: 'Everyone', definition: { expression: 'email is set' } } })).createSegment.id;
    });

    test('a page of members selecting { id email } reads the ID and the email only, with the same values as a full read', async () => {
      const slim = await run(client, SegmentMembersDocument as unknown as Doc, { id: segmentId, first: 10, asOf: AS_OF });
      expect(lastSelect('from profile p')).toBe('select p.id, p.email ');
      const full = await run(client, doc(`query($id: ID!) { segment(id: $id) { members(first: 10, asOf: "${AS_OF}") { nodes { id email firstName lastName custom } } } }`), { id: segmentId });
      expect(lastSelect('from profile p')).toContain('p.first_name');
      const nodes = (full.segment as { members: { nodes: { id: string; email: string }[] } }).members.nodes;
      expect((slim.segment as { members: unknown }).members).toEqual(expect.objectContaining({ nodes: nodes.map(({ id, email }) => ({ id, email })) }));
      expect(nodes.find((n) => n.email === 'ana@example.com')).toEqual({ id: ids[0], email: 'ana@example.com', firstName: 'Ana', lastName: 'Lima', custom: { tier: 'gold' } });
    });

    test('fields reached through fragments, inline fragments and edges keep their values', async () => {
      const data = await run(
        client,
        doc(`query($id: ID!) { segment(id: $id) { members(first: 10, asOf: "${AS_OF}") {
          edges { cursor node { ...Names ... on Profile { channels { email { status } } } } }
        } } }
        fragment Names on Profile { firstName reserved { lastPurchaseDate } dimensions { emailStatus } }`),
        { id: segmentId },
      );
      const edges = (data.segment as { members: { edges: { cursor: string; node: Record<string, unknown> }[] } }).members.edges;
      expect(edges.find((e) => e.node.firstName === 'Ana')?.node).toEqual({
        firstName: 'Ana', reserved: { lastPurchaseDate: '2026-11-26T00:00:00.000Z' }, dimensions: { emailStatus: 'KNOWN' }, channels: { email: { status: 'KNOWN' } },
      });
      expect(lastSelect('from profile p')).not.toContain('p.first_name as "firstName", p.last_name');
      expect(lastSelect('from profile p')).toContain('p.last_purchase_date');
    });

    test('a page that selects part of a profile does not stand in for a later read of the same profile in the request', async () => {
      const data = await run(client, doc(`query($id: ID!) { profiles(first: 10) { nodes { id } } profile(id: $id) { lastName birthdayDay custom } }`), { id: ids[0] });
      expect(data.profile).toEqual({ lastName: 'Lima', birthdayDay: 3, custom: { tier: 'gold' } });
    });

    test('a list of events reads four columns fewer unless it selects created, createdOverride, clientEventId or receivedAt', async () => {
      const page = await run(client, ProfilePageDocument as unknown as Doc, { first: 10, events: 5 });
      const narrow = lastSelect('from unnest($2::bigint[]) as q(profile_id)\n       cross join lateral (\n         select * from event e');
      expect(narrow).not.toContain('received_at');
      const profiles = (page.profiles as { nodes: { id: string; events: { nodes: Record<string, unknown>[] } }[] }).nodes;
      const ana = profiles.find((p) => p.id === ids[0])!;
      expect(ana.events.nodes).toEqual([{ id: expect.any(String), type: 'purchase', occurredAt: '2026-11-26T00:00:00.000Z', properties: { total: 10 } }]);

      const wide = await run(client, Customer360Document as unknown as Doc, { id: ids[0] });
      expect(lastSelect('from unnest($2::bigint[]) as q(profile_id)\n       cross join lateral (\n         select * from event e')).toContain('received_at');
      expect((wide.profile as { events: { nodes: Record<string, unknown>[] } }).events.nodes).toEqual([
        expect.objectContaining({ created: '2026-11-27T00:00:00.000Z', createdOverride: '2026-11-26T00:00:00.000Z', clientEventId: 'order-1', occurredAt: '2026-11-26T00:00:00.000Z' }),
      ]);
    });
  },
  { logQueries: true },
  logger,
);
