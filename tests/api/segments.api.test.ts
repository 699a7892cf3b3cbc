import {
  CreateApiKeyDocument, CreateSegmentDocument, DeleteSegmentDocument, ExplainSegmentDocument, PreviewSegmentDocument, ProfilePageSegmentsDocument,
  SegmentCountDocument, SegmentDocument, SegmentMembersDocument, SegmentsDocument, SegmentVersionsDocument, SetEmailStatusDocument, TrackEventsDocument,
  UpdateSegmentDocument, UpsertProfilesDocument, ValidateSegmentDocument, DefineCustomFieldDocument,
} from '../generated/graphql';
import { describeEachApp } from '../support/app';
import { newNamespace, type GraphQLClient } from '../support/client';

const AS_OF = '2026-11-28T12:00:00.000Z';

/** Six profiles: a@..f@, with statuses, custom tiers and purchases. */
async function seed(client: GraphQLClient): Promise<Record<string, string>> {
  await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING' } });
  const emails = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `${x}@example.com`);
  const { upsertProfiles } = await client.data(UpsertProfilesDocument, {
    inputs: emails.map((email, i) => ({ email, firstName: i % 2 ? 'Odd' : null, custom: i < 3 ? { tier: ['gold', 'silver', 'gold'][i] } : {} })),
  });
  await client.data(SetEmailStatusDocument, { input: { email: emails[0]!, status: 'SUBSCRIBED', source: 'FORM' } });
  await client.data(SetEmailStatusDocument, { input: { email: emails[1]!, status: 'UNSUBSCRIBED', source: 'UNSUBSCRIBE_LINK' } });
  await client.data(TrackEventsDocument, {
    events: [
      { type: 'purchase', created: '2026-11-01T00:00:00Z', email: emails[0]!, properties: { total: 120, category: 'shoes' } },
      { type: 'purchase', created: '2026-11-20T00:00:00Z', email: emails[0]!, properties: { total: 80, category: 'bags' } },
      { type: 'purchase', created: '2026-06-01T00:00:00Z', email: emails[2]!, properties: { total: '75' } },
    ],
  });
  return Object.fromEntries(emails.map((e, i) => [e[0]!, upsertProfiles.results[i]!.profileId!]));
}

describeEachApp('segments over HTTP', (getApp) => {
  test('create from text, read back normalized, count and page through members, update with history', async () => {
    const { client } = await newNamespace(getApp().url);
    const ids = await seed(client);
    const { createSegment } = await client.data(CreateSegmentDocument, {
      input: { name: 'Gold or buyers', description: 'demo', definition: { expression: 'custom.tier = "gold" OR (did purchase at least 2 times within last 90 days)' } },
    });
    expect(createSegment).toMatchObject({
      name: 'Gold or buyers',
      version: 1,
      text: 'custom.tier = "gold" or did purchase at least 2 times within last 90 days',
      definition: {
        version: 1,
        filter: { or: [{ field: 'custom.tier', op: 'eq', value: 'gold' }, { event: 'purchase', count: { op: 'gte', value: 2 }, window: { within_last: { amount: 90, unit: 'day' } } }] },
      },
    });
    expect(createSegment.id).toMatch(/^seg_[a-z0-9]+$/);
    const page1 = await client.data(SegmentMembersDocument, { id: createSegment.id, first: 1, asOf: AS_OF });
    expect(page1.segment.count).toBe(2);
    expect(page1.segment.members.nodes.map((n) => n.id)).toEqual([ids.a]);
    const page2 = await client.data(SegmentMembersDocument, { id: createSegment.id, first: 1, after: page1.segment.members.pageInfo.endCursor, asOf: AS_OF });
    expect(page2.segment.members.nodes.map((n) => n.id)).toEqual([ids.c]);
    expect(page2.segment.members.pageInfo.hasNextPage).toBe(false);

    const { updateSegment } = await client.data(UpdateSegmentDocument, { id: createSegment.id, input: { definition: { filter: { field: 'email_status', op: 'neq', value: 'UNSUBSCRIBED' } } } });
    expect(updateSegment).toMatchObject({ version: 2, text: 'email_status != "UNSUBSCRIBED"' });
    const count = await client.data(SegmentDocument, { id: createSegment.id, asOf: AS_OF });
    expect(count.segment.count).toBe(5);
    const history = await client.data(SegmentVersionsDocument, { id: createSegment.id });
    expect(history.segment.versions.map((v) => [v.version, v.text])).toEqual([
      [2, 'email_status != "UNSUBSCRIBED"'],
      [1, 'custom.tier = "gold" or did purchase at least 2 times within last 90 days'],
    ]);
    const list = await client.data(SegmentsDocument, { first: 10 });
    expect(list.segments.nodes.map((s) => s.name)).toEqual(['Gold or buyers']);
  });

  test('validation collects every error with positions and suggestions; invalid saves are BAD_USER_INPUT', async () => {
    const { client } = await newNamespace(getApp().url);
    await seed(client);
    const text = await client.data(ValidateSegmentDocument, { definition: { expression: 'frist_name = "x" and email_status = "MAYBE"' } });
    expect(text.validateSegment.valid).toBe(false);
    expect(text.validateSegment.errors.map((e) => [e.code, e.line, e.column])).toEqual([
      ['UNKNOWN_FIELD', 1, 1],
      ['UNKNOWN_ENUM_VALUE', 1, 22],
    ]);
    expect(text.validateSegment.errors[0]!.message).toContain('first_name');
    const json = await client.data(ValidateSegmentDocument, { definition: { filter: { and: [{ field: 'email_hash_number', op: 'contains', value: 'x' }] } } });
    expect(json.validateSegment.errors).toEqual([expect.objectContaining({ code: 'OPERATOR_NOT_ALLOWED', path: ['definition', 'filter', 'and', '0', 'op'], line: null })]);
    const ok = await client.data(ValidateSegmentDocument, { definition: { expression: 'NOT (email_status = "SUBSCRIBED")' } });
    expect(ok.validateSegment).toMatchObject({ valid: true, errors: [], text: 'not email_status = "SUBSCRIBED"' });

    const bad = await client.request(CreateSegmentDocument, { input: { name: 'bad', definition: { expression: 'custom.nope = 1 or' } } });
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', problems: [expect.objectContaining({ code: 'SYNTAX_ERROR', line: 1 })] });
    // SegmentDefinitionInput is @oneOf: both forms, or neither, are refused before any resolver runs.
    const both = await client.request(ValidateSegmentDocument, { definition: { expression: 'first_name is set', filter: { field: 'first_name', op: 'is_set' } } as never });
    expect(both.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } })]);
    expect(both.errors![0]!.message).toContain('Exactly one key must be specified for OneOf type "SegmentDefinitionInput".');
    const neither = await client.request(ValidateSegmentDocument, { definition: {} as never });
    expect(neither.errors![0]!.message).toContain('Exactly one key must be specified for OneOf type "SegmentDefinitionInput".');
  });

  test('references: inlined in one statement, cycles refused, a referenced segment cannot be deleted', async () => {
    const { client } = await newNamespace(getApp().url);
    const ids = await seed(client);
    const gold = (await client.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } })).createSegment;
    const goldSubscribed = (await client.data(CreateSegmentDocument, { input: { name: 'Gold subscribed', definition: { expression: `in segment "${gold.id}" and email_status = "SUBSCRIBED"` } } })).createSegment;
    const read = await client.request(SegmentDocument, { id: goldSubscribed.id, asOf: AS_OF });
    expect(read.data!.segment).toMatchObject({ count: 1, dependsOn: [gold.id] });
    // The reference is inlined: one count. The read above left the segment, its referenced definition
    // and the custom fields in the process's evaluation cache (tests/api/statement-counts.api.test.ts).
    const counted = await client.request(SegmentCountDocument, { id: goldSubscribed.id, asOf: AS_OF });
    expect(counted.data!.segment.count).toBe(1);
    expect(counted.statements).toBe(1);
    const { explainSegment } = await client.data(ExplainSegmentDocument, { definition: { expression: `in segment "${goldSubscribed.id}"` } });
    expect(explainSegment.sql).not.toMatch(/\bsegment\b/);
    const members = await client.data(SegmentMembersDocument, { id: goldSubscribed.id, first: 10, asOf: AS_OF });
    expect(members.segment.members.nodes.map((n) => n.id)).toEqual([ids.a]);

    const cycle = await client.request(UpdateSegmentDocument, { id: gold.id, input: { definition: { expression: `in segment "${goldSubscribed.id}"` } } });
    expect(cycle.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', problems: [expect.objectContaining({ code: 'SEGMENT_CYCLE' })] });

    const blocked = await client.request(DeleteSegmentDocument, { id: gold.id });
    expect(blocked.errors![0]).toMatchObject({ extensions: { code: 'CONFLICT', usedBy: [goldSubscribed.id] } });
    expect(blocked.errors![0]!.message).toContain('"Gold subscribed"');
    await client.data(DeleteSegmentDocument, { id: goldSubscribed.id });
    await client.data(DeleteSegmentDocument, { id: gold.id });
    expect((await client.request(SegmentDocument, { id: gold.id })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });

  test('a name is unique in its namespace; another namespace may reuse it', async () => {
    const a = await newNamespace(getApp().url);
    const b = await newNamespace(getApp().url);
    await a.client.data(CreateSegmentDocument, { input: { name: 'VIP', definition: { expression: 'first_name is set' } } });
    const again = await a.client.request(CreateSegmentDocument, { input: { name: 'vip', definition: { expression: 'first_name is set' } } });
    expect(again.errors![0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: 'A segment named "vip" already exists in this namespace.' });
    await b.client.data(CreateSegmentDocument, { input: { name: 'VIP', definition: { expression: 'first_name is set' } } });
  });

  test("tenants are sealed: another namespace's segment ID is unknown, and counts never include its profiles", async () => {
    const a = await newNamespace(getApp().url);
    const b = await newNamespace(getApp().url);
    await seed(a.client);
    const secret = (await a.client.data(CreateSegmentDocument, { input: { name: 'All', definition: { expression: 'email is set' } } })).createSegment;
    expect((await b.client.request(SegmentDocument, { id: secret.id })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    const ref = await b.client.request(CreateSegmentDocument, { input: { name: 'Steal', definition: { expression: `in segment "${secret.id}"` } } });
    expect(ref.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', problems: [expect.objectContaining({ code: 'UNKNOWN_SEGMENT' })] });
    const preview = await b.client.data(PreviewSegmentDocument, { definition: { expression: 'email is set' }, sampleSize: 5 });
    expect(preview.previewSegment).toMatchObject({ count: 0, sample: [] });
  });

  test('preview and Profile.segments: one statement for a whole page of profiles', async () => {
    const { client } = await newNamespace(getApp().url);
    const ids = await seed(client);
    await client.data(CreateSegmentDocument, { input: { name: 'Odd', definition: { expression: 'first_name = "Odd"' } } });
    await client.data(CreateSegmentDocument, { input: { name: 'Subscribed', definition: { expression: 'email_status = "SUBSCRIBED"' } } });
    const preview = await client.data(PreviewSegmentDocument, { definition: { expression: 'first_name = "Odd"' }, sampleSize: 2, asOf: AS_OF });
    expect(preview.previewSegment).toMatchObject({ count: 3, asOf: AS_OF, sample: [{ id: ids.b }, { id: ids.d }] });
    const one = await client.request(ProfilePageSegmentsDocument, { first: 1, asOf: AS_OF });
    const six = await client.request(ProfilePageSegmentsDocument, { first: 6, asOf: AS_OF });
    expect(six.data!.profiles.nodes.map((n) => n.segments.map((s) => s.id).length)).toEqual([1, 1, 0, 1, 0, 1]);
    expect(one.statements).toBe(six.statements);
  });

  test('roles: MARKETER saves segments, VIEWER cannot; explain is CLIENT_ADMIN only', async () => {
    const { client: admin } = await newNamespace(getApp().url);
    const key = async (role: 'MARKETER' | 'VIEWER') => admin.withKey((await admin.data(CreateApiKeyDocument, { input: { name: role, role } })).createApiKey.secret);
    const marketer = await key('MARKETER');
    const viewer = await key('VIEWER');
    await marketer.data(CreateSegmentDocument, { input: { name: 'M', definition: { expression: 'first_name is set' } } });
    expect((await viewer.request(CreateSegmentDocument, { input: { name: 'V', definition: { expression: 'first_name is set' } } })).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await marketer.request(ExplainSegmentDocument, { definition: { expression: 'first_name is set' } })).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const explained = await admin.data(ExplainSegmentDocument, { definition: { expression: 'first_name = "x"' } });
    expect(explained.explainSegment.sql).toContain('p.namespace_id = $1');
    expect(explained.explainSegment.plan).toMatch(/Scan|Aggregate/);
  });
});

describeEachApp('segments that cannot compile', (getApp) => {
  test('a value PostgreSQL cannot store fails closed as BAD_USER_INPUT, not an internal error', async () => {
    const { client } = await newNamespace(getApp().url);
    const result = await client.request(PreviewSegmentDocument, { definition: { filter: { field: 'first_name', op: 'eq', value: 'a\u0000b' } } });
    expect(result.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });
});
