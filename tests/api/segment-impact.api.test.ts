import {
  CreateApiKeyDocument, CreateSegmentDocument, DefineCustomFieldDocument, SegmentImpactDocument, SegmentVersionDiffDocument, SegmentVersionsDocument,
  UpdateSegmentDocument, UpsertProfilesDocument,
} from '../generated/graphql';
import { describeEachApp } from '../support/app';
import { newNamespace, type GraphQLClient } from '../support/client';

const AS_OF = '2026-11-28T12:00:00.000Z';
const TIERS = ['gold', 'silver', 'gold', 'bronze', 'silver', 'gold'];

/** Six profiles a@..f@ with tiers; returns their ids by letter. */
async function seed(client: GraphQLClient): Promise<Record<string, string>> {
  await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING' } });
  const emails = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `${x}@example.com`);
  const { upsertProfiles } = await client.data(UpsertProfilesDocument, { inputs: emails.map((email, i) => ({ email, custom: { tier: TIERS[i] } })) });
  return Object.fromEntries(emails.map((e, i) => [e[0]!, upsertProfiles.results[i]!.profileId!]));
}

async function keyFor(admin: GraphQLClient, role: 'VIEWER' | 'MARKETER'): Promise<GraphQLClient> {
  const { createApiKey } = await admin.data(CreateApiKeyDocument, { input: { name: `${role} of test`, role } });
  return admin.withKey(createApiKey.secret);
}

describeEachApp('edit impact, expectedVersion and version diffs over HTTP', (getApp) => {
  test('segmentImpact: counts before and after, who is added and removed, in one statement over both definitions', async () => {
    const { client } = await newNamespace(getApp().url);
    const ids = await seed(client);
    const gold = (await client.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } })).createSegment;
    const result = await client.request(SegmentImpactDocument, { id: gold.id, definition: { expression: 'custom.tier in ("silver", "bronze") or email = "a@example.com"' }, asOf: AS_OF, sampleSize: 2 });
    expect(result.data!.segmentImpact).toEqual({
      segmentId: gold.id,
      asOf: AS_OF,
      before: { version: 1, text: 'custom.tier = "gold"', count: 3 },
      after: { version: null, text: 'custom.tier in ("silver", "bronze") or email = "a@example.com"', count: 4 },
      added: { count: 3, sample: [{ id: ids.b, email: 'b@example.com' }, { id: ids.d, email: 'd@example.com' }] },
      removed: { count: 2, sample: [{ id: ids.c, email: 'c@example.com' }, { id: ids.f, email: 'f@example.com' }] },
      unchanged: 1,
    });
    // The segment, the custom fields, the impact statement, and both samples' profiles together.
    expect(result.statements).toBe(4);
    const nothingSaved = await client.data(SegmentVersionsDocument, { id: gold.id });
    expect(nothingSaved.segment.version).toBe(1);
  });

  test('segmentImpact checks the proposal as updateSegment would: errors under `definition`, cycles, sample cap', async () => {
    const { client } = await newNamespace(getApp().url);
    await seed(client);
    const gold = (await client.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } })).createSegment;
    const uses = (await client.data(CreateSegmentDocument, { input: { name: 'Uses gold', definition: { expression: `in segment "${gold.id}"` } } })).createSegment;
    const bad = await client.request(SegmentImpactDocument, { id: gold.id, definition: { expression: 'custom.tire = "gold"' } });
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', problems: [expect.objectContaining({ code: 'UNKNOWN_FIELD', path: ['definition', 'expression'], line: 1, column: 1 })] });
    const cycle = await client.request(SegmentImpactDocument, { id: gold.id, definition: { expression: `in segment "${uses.id}"` } });
    expect(cycle.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', problems: [expect.objectContaining({ code: 'SEGMENT_CYCLE' })] });
    const big = await client.request(SegmentImpactDocument, { id: gold.id, definition: { expression: 'custom.tier is set' }, sampleSize: 101 });
    expect(big.errors![0]).toMatchObject({ message: 'sampleSize: must be from 0 to 100 (got 101)', extensions: { code: 'BAD_USER_INPUT' } });
    const referenced = await client.data(SegmentImpactDocument, { id: uses.id, definition: { expression: `in segment "${gold.id}" and custom.tier = "silver"` }, sampleSize: 0 });
    expect(referenced.segmentImpact).toMatchObject({ before: { count: 3 }, after: { count: 0 }, added: { count: 0, sample: [] }, removed: { count: 3, sample: [] }, unchanged: 0 });
  });

  test('updateSegment with a stale expectedVersion is a CONFLICT naming the newer version and who saved it; nothing is saved', async () => {
    const { client: admin } = await newNamespace(getApp().url);
    await seed(admin);
    const ana = await keyFor(admin, 'MARKETER');
    const ben = await keyFor(admin, 'MARKETER');
    const segment = (await ana.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } })).createSegment;
    const saved = await ben.data(UpdateSegmentDocument, { id: segment.id, input: { expectedVersion: 1, definition: { expression: 'custom.tier = "silver"' } } });
    expect(saved.updateSegment).toMatchObject({ version: 2, text: 'custom.tier = "silver"' });
    const stale = await ana.request(UpdateSegmentDocument, { id: segment.id, input: { expectedVersion: 1, name: 'Gold (renamed)', definition: { expression: 'custom.tier = "bronze"' } } });
    const error = stale.errors![0]!;
    expect(error.extensions).toEqual({ code: 'CONFLICT', currentVersion: 2, expectedVersion: 1, savedBy: saved.updateSegment.updatedBy, savedAt: saved.updateSegment.updatedAt });
    expect(error.message).toContain(`is at version 2, saved by ${saved.updateSegment.updatedBy} at ${saved.updateSegment.updatedAt}`);
    expect(saved.updateSegment.updatedBy).not.toBe(segment.createdBy);
    const history = await admin.data(SegmentVersionsDocument, { id: segment.id });
    expect(history.segment.versions.map((v) => [v.version, v.name, v.text])).toEqual([[2, 'Gold', 'custom.tier = "silver"'], [1, 'Gold', 'custom.tier = "gold"']]);
    const retried = await ana.data(UpdateSegmentDocument, { id: segment.id, input: { expectedVersion: 2, name: 'Gold (renamed)' } });
    expect(retried.updateSegment).toMatchObject({ version: 3, name: 'Gold (renamed)', text: 'custom.tier = "silver"' });
    const bad = await ana.request(UpdateSegmentDocument, { id: segment.id, input: { expectedVersion: 0 } });
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  test('concurrent saves: exactly one of several with the same expectedVersion wins; without it each gets its own version', async () => {
    const { client } = await newNamespace(getApp().url);
    const segment = (await client.data(CreateSegmentDocument, { input: { name: 'Race', definition: { expression: 'first_name is set' } } })).createSegment;
    const racing = await Promise.all(['A', 'B', 'C'].map((n) => client.request(UpdateSegmentDocument, { id: segment.id, input: { expectedVersion: 1, description: n } })));
    expect(racing.map((r) => r.errors?.[0]?.extensions?.code ?? 'OK').sort()).toEqual(['CONFLICT', 'CONFLICT', 'OK']);
    const free = await Promise.all(['D', 'E', 'F'].map((n) => client.request(UpdateSegmentDocument, { id: segment.id, input: { description: n } })));
    expect(free.map((r) => r.errors ?? [])).toEqual([[], [], []]);
    expect(free.map((r) => r.data!.updateSegment!.version).sort()).toEqual([3, 4, 5]);
    const history = await client.data(SegmentVersionsDocument, { id: segment.id });
    expect(history.segment.versions.map((v) => v.version)).toEqual([5, 4, 3, 2, 1]);
  });

  test('segmentVersionDiff: the same figures between two stored versions, either way round', async () => {
    const { client } = await newNamespace(getApp().url);
    const ids = await seed(client);
    const segment = (await client.data(CreateSegmentDocument, { input: { name: 'Tiers', definition: { expression: 'custom.tier = "gold"' } } })).createSegment;
    await client.data(UpdateSegmentDocument, { id: segment.id, input: { definition: { expression: 'custom.tier in ("gold", "silver")' } } });
    await client.data(UpdateSegmentDocument, { id: segment.id, input: { definition: { expression: 'custom.tier = "bronze"' } } });
    const forward = await client.data(SegmentVersionDiffDocument, { id: segment.id, from: 1, to: 2, asOf: AS_OF, sampleSize: 5 });
    expect(forward.segmentVersionDiff).toMatchObject({
      before: { version: 1, text: 'custom.tier = "gold"', count: 3 },
      after: { version: 2, text: 'custom.tier in ("gold", "silver")', count: 5 },
      added: { count: 2, sample: [{ id: ids.b }, { id: ids.e }] },
      removed: { count: 0, sample: [] },
      unchanged: 3,
    });
    const back = await client.data(SegmentVersionDiffDocument, { id: segment.id, from: 3, to: 1, asOf: AS_OF });
    expect(back.segmentVersionDiff).toMatchObject({ before: { version: 3, count: 1 }, after: { version: 1, count: 3 }, added: { count: 3 }, removed: { count: 1, sample: [{ id: ids.d }] }, unchanged: 0 });
    const missing = await client.request(SegmentVersionDiffDocument, { id: segment.id, from: 1, to: 4 });
    expect(missing.errors![0]).toMatchObject({ message: 'to: segment "Tiers" has versions 1 to 3 (got 4)', extensions: { code: 'BAD_USER_INPUT' } });
  });

  test('roles and tenancy: a VIEWER may compare but not save; another namespace sees NOT_FOUND', async () => {
    const { client: admin } = await newNamespace(getApp().url);
    await seed(admin);
    const segment = (await admin.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } })).createSegment;
    const viewer = await keyFor(admin, 'VIEWER');
    expect((await viewer.data(SegmentImpactDocument, { id: segment.id, definition: { expression: 'custom.tier is set' } })).segmentImpact.after.count).toBe(6);
    expect((await viewer.data(SegmentVersionDiffDocument, { id: segment.id, from: 1, to: 1 })).segmentVersionDiff.added.count).toBe(0);
    const denied = await viewer.request(UpdateSegmentDocument, { id: segment.id, input: { expectedVersion: 1, name: 'Mine' } });
    expect(denied.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const { client: other } = await newNamespace(getApp().url);
    for (const result of [
      await other.request(SegmentImpactDocument, { id: segment.id, definition: { expression: 'first_name is set' } }),
      await other.request(SegmentVersionDiffDocument, { id: segment.id, from: 1, to: 1 }),
      await other.request(UpdateSegmentDocument, { id: segment.id, input: { expectedVersion: 1, name: 'Theirs' } }),
    ]) {
      expect(result.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    }
  });
});
