import { CreateSegmentDocument, ProfilePageSegmentsDocument, ProfileSegmentsDocument, SegmentDocument, UpdateSegmentDocument, UpsertProfilesDocument } from '../generated/graphql';
import { Sql } from '../../src/db/sql';
import { describeEachApp } from '../support/app';
import { newNamespace, type GraphQLClient } from '../support/client';

// Issue 12 §4: a legal updateSegment made a segment further down a chain of references invalid
// (9 levels, one more than MAX_SEGMENT_NESTING), and then every Profile.segments in the namespace
// failed with CONFLICT and a profiles page asking for segments came back as `data: null`.

/** A chain s1 ← s2 ← … ← s9, each `in segment` the previous; s1 is `first_name is set`. */
async function chain(client: GraphQLClient): Promise<{ id: string; name: string }[]> {
  const made: { id: string; name: string }[] = [];
  for (let i = 1; i <= 9; i++) {
    const expression = i === 1 ? 'first_name is set' : `in segment "${made[i - 2]!.id}"`;
    made.push((await client.data(CreateSegmentDocument, { input: { name: `s${i}`, definition: { expression } } })).createSegment);
  }
  return made;
}

describeEachApp('segments that use a changed segment', (getApp) => {
  test('updateSegment that would push a dependent past the nesting limit is a CONFLICT naming it, and nothing changes', async () => {
    const { client } = await newNamespace(getApp().url);
    const [s1, , , , , , , , s9] = await chain(client);
    const other = (await client.data(CreateSegmentDocument, { input: { name: 'other', definition: { expression: 'last_name is set' } } })).createSegment;
    const result = await client.request(UpdateSegmentDocument, { id: s1!.id, input: { definition: { expression: `in segment "${other.id}"` } } });
    expect(result.errors).toHaveLength(1);
    const error = result.errors![0]!;
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', wouldBreak: s9!.id, reasons: [{ code: 'LIMIT_EXCEEDED', message: expect.stringContaining('8') }] });
    expect(error.message).toMatch(new RegExp(`^Saving segment "s1" \\(${s1!.id}\\) would break segment "s9" \\(${s9!.id}\\), which uses it: .+ Nothing was saved: change "s9" first, or save a definition that keeps it valid\\.$`));
    expect((await client.data(SegmentDocument, { id: s1!.id })).segment).toMatchObject({ version: 1, text: 'first_name is set' });
    const { upsertProfiles } = await client.data(UpsertProfilesDocument, { inputs: [{ email: 'ann@example.com', firstName: 'Ann' }] });
    const segments = await client.request(ProfileSegmentsDocument, { id: upsertProfiles.results[0]!.profileId! });
    expect(segments.errors).toBeUndefined();
    expect(segments.data!.profile.segments.map((s) => s.name)).toEqual(['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9']);
  });

  test('an update that keeps every dependent valid is saved', async () => {
    const { client } = await newNamespace(getApp().url);
    const [s1, s2] = await chain(client);
    const updated = (await client.data(UpdateSegmentDocument, { id: s1!.id, input: { definition: { expression: 'last_name is set' } } })).updateSegment;
    expect(updated).toMatchObject({ version: 2, text: 'last_name is set' });
    expect((await client.data(SegmentDocument, { id: s2!.id })).segment.version).toBe(1);
  });

  test('a stale saved segment is left out of Profile.segments with a warning naming it; the rest and the page still answer', async () => {
    const { client } = await newNamespace(getApp().url);
    const good = (await client.data(CreateSegmentDocument, { input: { name: 'named', definition: { expression: 'first_name is set' } } })).createSegment;
    const stale = (await client.data(CreateSegmentDocument, { input: { name: 'stale', definition: { expression: 'first_name = "Ann"' } } })).createSegment;
    // As an earlier version of the service could leave it: referencing a segment that is gone.
    await new Sql(getApp().app.db.orm.em.fork()).execute('update segment set definition = $1 where id = $2', [{ version: 1, filter: { segment: 'seg_0000000000000000' } }, stale.id]);
    const { upsertProfiles } = await client.data(UpsertProfilesDocument, { inputs: [{ email: 'ann@example.com', firstName: 'Ann' }, { email: 'bob@example.com', firstName: 'Bob' }] });
    const one = await client.request(ProfileSegmentsDocument, { id: upsertProfiles.results[0]!.profileId! });
    expect(one.errors).toBeUndefined();
    expect(one.data!.profile.segments).toEqual([{ id: good.id, name: 'named' }]);
    const warnings = (JSON.parse(one.body) as { extensions?: { warnings?: unknown[] } }).extensions?.warnings;
    expect(warnings).toEqual([{
      code: 'SEGMENT_SKIPPED', segmentId: stale.id, segmentName: 'stale',
      message: expect.stringMatching(new RegExp(`^Segment "stale" \\(${stale.id}\\) was left out of Profile.segments: Segment "stale" \\(${stale.id}\\) no longer validates, so it is not evaluated: .*seg_0000000000000000`)),
    }]);
    const page = await client.request(ProfilePageSegmentsDocument, { first: 10 });
    expect(page.errors).toBeUndefined();
    expect(page.data!.profiles.nodes.map((n) => n.segments.map((s) => s.id))).toEqual([[good.id], [good.id]]);
    expect((JSON.parse(page.body) as { extensions: { warnings: unknown[] } }).extensions.warnings).toHaveLength(1);
  });
});
