import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import {
  CreateSegmentDocument, DefineCustomFieldDocument, ProfilePageDocument, SegmentCountDocument, SegmentMembersDocument, TrackEventsDocument,
  UpdateSegmentDocument, UpsertProfilesDocument,
} from '../generated/graphql';
import { describeEachApp } from '../support/app';
import { newNamespace, type GraphQLClient } from '../support/client';

const AS_OF = '2026-11-28T12:00:00.000Z';

/** A page of members without a count beside it: its form comes from the planner's estimate (one `explain`, kept per process with the segment). */
const MembersOnly = parse(`query MembersOnly($id: ID!, $asOf: DateTime) { segment(id: $id) { members(first: 10, asOf: $asOf) { nodes { id } } } }`) as TypedDocumentNode<
  { segment: { members: { nodes: { id: string }[] } } },
  { id: string; asOf: string }
>;

async function seed(client: GraphQLClient): Promise<void> {
  await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING' } });
  await client.data(UpsertProfilesDocument, {
    inputs: ['a', 'b', 'c', 'd'].map((x, i) => ({ email: `${x}@example.com`, phones: [`+1415555010${i}`], custom: { tier: i < 2 ? 'gold' : 'silver' } })),
  });
  await client.data(TrackEventsDocument, {
    events: [
      { type: 'purchase', created: '2026-11-27T00:00:00Z', email: 'a@example.com', properties: { total: 10 } },
      { type: 'purchase', created: '2026-11-27T01:00:00Z', email: 'c@example.com', properties: { total: 20 } },
    ],
  });
}

// Statements per request are deterministic (x-sql-statements); timings are not, and are never asserted.
describeEachApp('SQL statements per request', (getApp) => {
  test('a saved segment: count and first page of members run 2 statements once the process has read the segment and the catalog', async () => {
    const { client } = await newNamespace(getApp().url);
    await seed(client);
    const { createSegment } = await client.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } });
    const variables = { id: createSegment.id, first: 10, asOf: AS_OF };
    // Saving forgot what the process kept: the segment, the custom fields, then the count, the
    // planner's estimate (a small segment: is it cheap to count, so that its page is fenced?) and the page.
    const cold = await client.request(SegmentMembersDocument, variables);
    expect(cold.errors).toBeUndefined();
    expect(cold.statements).toBe(5);
    const warm = await client.request(SegmentMembersDocument, variables);
    expect(warm.data).toEqual(cold.data);
    expect(warm.data!.segment.count).toBe(2);
    expect(warm.statements).toBe(2);
    expect((await client.request(SegmentCountDocument, { id: createSegment.id, asOf: AS_OF })).statements).toBe(1);
    // Without the count: the planner's estimate, kept since the first request, then the page.
    const membersOnly = await client.request(MembersOnly, { id: createSegment.id, asOf: AS_OF });
    expect(membersOnly.data!.segment.members.nodes).toEqual(warm.data!.segment.members.nodes.map((n) => ({ id: n.id })));
    expect(membersOnly.statements).toBe(1);
  });

  test('a reference is read once per process too; a change to a segment or a custom field is seen at once', async () => {
    const { client } = await newNamespace(getApp().url);
    await seed(client);
    const gold = (await client.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } })).createSegment;
    const buyers = (await client.data(CreateSegmentDocument, { input: { name: 'Gold buyers', definition: { expression: `in segment "${gold.id}" and did purchase` } } })).createSegment;
    const variables = { id: buyers.id, first: 10, asOf: AS_OF };
    // The segment, the segment it references, the custom fields, the count, the estimate, the page.
    expect((await client.request(SegmentMembersDocument, variables)).statements).toBe(6);
    const warm = await client.request(SegmentMembersDocument, variables);
    expect(warm.data!.segment.count).toBe(1);
    expect(warm.statements).toBe(2);

    // Changing the referenced segment changes what the referencing one counts, on the next request.
    await client.data(UpdateSegmentDocument, { id: gold.id, input: { definition: { expression: 'custom.tier is set' } } });
    const changed = await client.request(SegmentMembersDocument, variables);
    expect(changed.data!.segment.count).toBe(2);
    expect(changed.statements).toBe(6);

    // A new custom field is in the catalog at once (a segment may use it right away).
    await client.data(DefineCustomFieldDocument, { input: { key: 'score', type: 'NUMBER' } });
    const scored = await client.request(CreateSegmentDocument, { input: { name: 'Scored', definition: { expression: 'custom.score > 1' } } });
    expect(scored.errors).toBeUndefined();
    expect((await client.request(SegmentMembersDocument, variables)).statements).toBe(6);
  });

  test('ProfilePage: 3 statements for a page of 1 and of 4, cursors selected or not', async () => {
    const { client } = await newNamespace(getApp().url);
    await seed(client);
    const one = await client.request(ProfilePageDocument, { first: 1, events: 5 });
    const four = await client.request(ProfilePageDocument, { first: 4, events: 5 });
    expect(four.data!.profiles.nodes).toHaveLength(4);
    expect(one.statements).toBe(3);
    expect(four.statements).toBe(3);
    // Cursors are computed when selected, and are the same as before (a lazy getter, not a new format).
    const next = await client.request(ProfilePageDocument, { first: 2, after: one.data!.profiles.pageInfo.endCursor, events: 5 });
    expect(next.data!.profiles.nodes.map((n) => n.id)).toEqual(four.data!.profiles.nodes.slice(1, 3).map((n) => n.id));
    expect(next.data!.profiles.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true, startCursor: expect.any(String), endCursor: expect.any(String) });
  });
});
