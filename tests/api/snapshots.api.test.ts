import { parse } from 'csv-parse/sync';
import { emailHashNumber } from '../../src/domain/email';
import {
  CreateApiKeyDocument, CreateSegmentDocument, DefineCustomFieldDocument, DeleteSegmentDocument, DeleteSegmentSnapshotDocument, PreviewSegmentDocument,
  SegmentCountDocument, SegmentMembersDocument, SegmentSnapshotDocument, SegmentSnapshotsDocument, SnapshotMembersDocument, SnapshotSegmentDocument,
  TrackEventsDocument, UpdateSegmentDocument, UpsertProfilesDocument, ValidateSegmentDocument, ViewerDocument,
} from '../generated/graphql';
import { describeEachApp } from '../support/app';
import { newNamespace, type GraphQLClient } from '../support/client';
import { download } from '../support/download';

const AS_OF = '2026-11-28T12:00:00.000Z';

/** `n` profiles p0@…, every third one silver, the rest gold; their ids by email. */
async function seed(client: GraphQLClient, n: number): Promise<Map<string, string>> {
  await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING' } });
  const emails = Array.from({ length: n }, (_, i) => `p${i}@example.com`);
  const { upsertProfiles } = await client.data(UpsertProfilesDocument, { inputs: emails.map((email, i) => ({ email, custom: { tier: i % 3 === 2 ? 'silver' : 'gold' } })) });
  return new Map(emails.map((e, i) => [e, upsertProfiles.results[i]!.profileId!]));
}

async function allMembers(client: GraphQLClient, id: string, group?: 'ALL' | 'HOLDOUT' | 'TREATMENT'): Promise<{ profileId: string; holdout: boolean; email: string | null }[]> {
  const found: { profileId: string; holdout: boolean; email: string | null }[] = [];
  let after: string | null = null;
  for (;;) {
    const page: Awaited<ReturnType<typeof client.data<import('../generated/graphql').SnapshotMembersQuery, import('../generated/graphql').SnapshotMembersQueryVariables>>> =
      await client.data(SnapshotMembersDocument, { id, first: 7, after, group });
    const members = page.segmentSnapshot.members;
    found.push(...members.nodes.map((m) => ({ profileId: m.profileId, holdout: m.holdout, email: m.profile?.email ?? null })));
    if (!members.pageInfo.hasNextPage) return found;
    after = members.pageInfo.endCursor;
  }
}

const byId = (a: { profileId: string }, b: { profileId: string }) => Number(a.profileId) - Number(b.profileId);

async function keyFor(admin: GraphQLClient, role: 'VIEWER' | 'MARKETER'): Promise<GraphQLClient> {
  const { createApiKey } = await admin.data(CreateApiKeyDocument, { input: { name: `${role} of test`, role } });
  return admin.withKey(createApiKey.secret);
}

describeEachApp('segment snapshots over HTTP', (getApp) => {
  test('a snapshot keeps its members, version, definition and asOf after the data and the segment change', async () => {
    const { client } = await newNamespace(getApp().url);
    const ids = await seed(client, 9);
    const gold = (await client.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } })).createSegment;
    const taken = await client.request(SnapshotSegmentDocument, { id: gold.id, asOf: AS_OF, label: '  Black Friday send  ' });
    const snapshot = taken.data!.snapshotSegment!;
    expect(snapshot).toEqual({
      id: expect.stringMatching(/^snap_[0-9a-f]{16}$/), segmentId: gold.id, segmentName: 'Gold', segmentVersion: 1,
      definition: gold.definition, text: 'custom.tier = "gold"', label: 'Black Friday send', asOf: AS_OF, count: 6, holdout: null,
      createdBy: gold.createdBy, createdAt: expect.any(String),
    });
    // The segment, the custom fields, and the one insert … select that writes members and snapshot row.
    expect(taken.statements).toBe(3);
    const frozen = ['p0', 'p1', 'p3', 'p4', 'p6', 'p7'].map((p) => ids.get(`${p}@example.com`)!);

    // The data changes: p0 leaves gold, p2 joins, a new gold profile appears; the segment is edited.
    await client.data(UpsertProfilesDocument, { inputs: [{ email: 'p0@example.com', custom: { tier: 'silver' } }, { email: 'p2@example.com', custom: { tier: 'gold' } }, { email: 'new@example.com', custom: { tier: 'gold' } }] });
    await client.data(UpdateSegmentDocument, { id: gold.id, input: { definition: { expression: 'custom.tier in ("gold", "silver")' } } });
    expect((await client.data(SegmentCountDocument, { id: gold.id, asOf: AS_OF })).segment.count).toBe(10);

    const again = (await client.data(SegmentSnapshotDocument, { id: snapshot.id })).segmentSnapshot;
    expect(again).toEqual(snapshot);
    const members = await allMembers(client, snapshot.id);
    expect(members.map((m) => m.profileId)).toEqual(frozen);
    expect(members.map((m) => m.email)).toEqual(['p0', 'p1', 'p3', 'p4', 'p6', 'p7'].map((p) => `${p}@example.com`));
    expect(members.every((m) => !m.holdout)).toBe(true);

    const second = (await client.data(SnapshotSegmentDocument, { id: gold.id, asOf: AS_OF })).snapshotSegment;
    expect(second).toMatchObject({ segmentVersion: 2, text: 'custom.tier in ("gold", "silver")', count: 10, label: '' });
    const listed = await client.data(SegmentSnapshotsDocument, { segmentId: gold.id, first: 1 });
    expect(listed.segmentSnapshots.nodes.map((n) => n.id)).toEqual([second.id]);
    const rest = await client.data(SegmentSnapshotsDocument, { segmentId: gold.id, first: 1, after: listed.segmentSnapshots.pageInfo.endCursor });
    expect(rest.segmentSnapshots).toEqual({ nodes: [{ id: snapshot.id, label: 'Black Friday send', count: 6, createdAt: snapshot.createdAt }], pageInfo: { hasNextPage: false, endCursor: expect.any(String) } });
  });

  test('a holdout marks members whose email_hash_number is below the cut, the same members every time', async () => {
    const { client } = await newNamespace(getApp().url);
    const ids = await seed(client, 60);
    await client.data(UpsertProfilesDocument, { inputs: [{ phones: ['+14155550100'], custom: { tier: 'gold' } }] }); // no email: never holdout
    const gold = (await client.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } })).createSegment;
    const a = (await client.data(SnapshotSegmentDocument, { id: gold.id, asOf: AS_OF, holdout: { percent: 30 } })).snapshotSegment;
    const b = (await client.data(SnapshotSegmentDocument, { id: gold.id, asOf: AS_OF, holdout: { percent: 30 } })).snapshotSegment;
    const expected = [...ids].filter(([email], i) => i % 3 !== 2 && emailHashNumber(email) < 30).map(([, id]) => id).sort((x, y) => Number(x) - Number(y));
    expect(expected.length).toBeGreaterThan(5);
    expect(a.count).toBe(41);
    expect(a.holdout).toEqual({ percent: 30, count: expected.length });
    const holdoutA = (await allMembers(client, a.id, 'HOLDOUT')).map((m) => m.profileId);
    const holdoutB = (await allMembers(client, b.id, 'HOLDOUT')).map((m) => m.profileId);
    expect(holdoutA).toEqual(expected);
    expect(holdoutB).toEqual(expected);
    const all = await allMembers(client, a.id);
    const treatment = await allMembers(client, a.id, 'TREATMENT');
    expect(treatment.map((m) => m.profileId)).toEqual(all.filter((m) => !m.holdout).map((m) => m.profileId));
    expect([...treatment, ...holdoutA.map((profileId) => ({ profileId }))].sort(byId).map((m) => m.profileId)).toEqual(all.map((m) => m.profileId));
    // The same cut as a filter on the reserved field names the same people.
    const asFilter = (await client.data(CreateSegmentDocument, { input: { name: 'Gold holdout', definition: { expression: 'custom.tier = "gold" and email_hash_number < 30' } } })).createSegment;
    expect((await client.data(SegmentCountDocument, { id: asFilter.id, asOf: AS_OF })).segment.count).toBe(expected.length);

    for (const percent of [0, 100, 12.5]) {
      const bad = await client.request(SnapshotSegmentDocument, { id: gold.id, holdout: { percent } });
      expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    }
    const bad = await client.request(SnapshotSegmentDocument, { id: gold.id, holdout: { percent: 0 } });
    expect(bad.errors![0]!.message).toBe('holdout.percent: must be a whole number from 1 to 99 (got 0)');
    const long = await client.request(SnapshotSegmentDocument, { id: gold.id, label: 'x'.repeat(201) });
    expect(long.errors![0]!.message).toBe('label: must be at most 200 characters (got 201)');
  });

  test('a snapshot exports through the export path: its frozen members, one group, never dimensions', async () => {
    const { client } = await newNamespace(getApp().url);
    await seed(client, 30);
    const gold = (await client.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } })).createSegment;
    const snapshot = (await client.data(SnapshotSegmentDocument, { id: gold.id, asOf: AS_OF, holdout: { percent: 40 } })).snapshotSegment;
    await client.data(UpsertProfilesDocument, { inputs: [{ email: 'p0@example.com', custom: { tier: 'silver' } }, { email: 'late@example.com', custom: { tier: 'gold' } }] });
    const base = getApp().app.url;
    const all = await allMembers(client, snapshot.id);

    const csv = await download(base, `/exports/snapshots/${snapshot.id}.csv?columns=email,custom.tier`, { key: client.key });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="${snapshot.id}-\\d{8}T\\d{6}Z\\.csv"$`));
    const rows = parse(csv.text, { columns: true }) as { email: string; 'custom.tier': string }[];
    expect(rows.map((r) => r.email)).toEqual(all.map((m) => m.email));
    expect(rows[0]).toEqual({ email: 'p0@example.com', 'custom.tier': 'silver' }); // frozen membership, current values
    expect(csv.trailers['x-export-rows']).toBe(String(snapshot.count));

    const treatment = await download(base, `/exports/snapshots/${snapshot.id}.jsonl?group=treatment&columns=email`, { key: client.key });
    const lines = treatment.text.trim().split('\n').map((l) => JSON.parse(l) as { email: string });
    expect(lines.map((l) => l.email)).toEqual(all.filter((m) => !m.holdout).map((m) => m.email));
    expect(lines.length).toBe(snapshot.count - snapshot.holdout!.count);

    const dimension = await download(base, `/exports/snapshots/${snapshot.id}.csv?columns=email,email_status`, { key: client.key });
    expect(dimension.status).toBe(400);
    expect((JSON.parse(dimension.text) as { errors: { message: string }[] }).errors[0]!.message).toBe(
      'columns[1]: "email_status" is a dimension: it can be used to build segments, but dimensions are never exported',
    );
    const defaults = await download(base, `/exports/snapshots/${snapshot.id}.csv`, { key: client.key });
    expect(defaults.text.split('\n')[0]).not.toMatch(/email_status|first_identified_date/);
    const group = await download(base, `/exports/snapshots/${snapshot.id}.csv?group=some`, { key: client.key });
    expect(group.status).toBe(400);
    expect((JSON.parse(group.text) as { errors: { message: string }[] }).errors[0]!.message).toBe('group: must be ALL, HOLDOUT or TREATMENT (got "some")');
    const missing = await download(base, '/exports/snapshots/snap_0000000000000000.csv', { key: client.key });
    expect(missing.status).toBe(404);
  });

  test('delete removes a snapshot and its members', async () => {
    const { client } = await newNamespace(getApp().url);
    await seed(client, 6);
    const gold = (await client.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } })).createSegment;
    const snapshot = (await client.data(SnapshotSegmentDocument, { id: gold.id })).snapshotSegment;
    expect((await client.data(DeleteSegmentSnapshotDocument, { id: snapshot.id })).deleteSegmentSnapshot).toEqual({ id: snapshot.id, count: 4 });
    const gone = await client.request(SegmentSnapshotDocument, { id: snapshot.id });
    expect(gone.errors![0]).toMatchObject({ message: `Snapshot "${snapshot.id}" was not found in this namespace.`, extensions: { code: 'NOT_FOUND' } });
    expect((await client.request(DeleteSegmentSnapshotDocument, { id: snapshot.id })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect((await client.data(SegmentSnapshotsDocument, {})).segmentSnapshots.nodes).toEqual([]);
  });

  test('tenancy and roles: other namespaces see nothing; VIEWER reads, MARKETER takes, deletes and exports', async () => {
    const { client: admin } = await newNamespace(getApp().url);
    const { client: other } = await newNamespace(getApp().url);
    await seed(admin, 6);
    const gold = (await admin.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } })).createSegment;
    const snapshot = (await admin.data(SnapshotSegmentDocument, { id: gold.id })).snapshotSegment;
    const base = getApp().app.url;

    expect((await other.request(SnapshotSegmentDocument, { id: gold.id })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect((await other.request(SegmentSnapshotDocument, { id: snapshot.id })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect((await other.request(DeleteSegmentSnapshotDocument, { id: snapshot.id })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect((await other.data(SegmentSnapshotsDocument, {})).segmentSnapshots.nodes).toEqual([]);
    expect((await download(base, `/exports/snapshots/${snapshot.id}.csv`, { key: other.key })).status).toBe(404);

    const viewer = await keyFor(admin, 'VIEWER');
    expect((await viewer.data(ViewerDocument)).viewer.role).toBe('VIEWER');
    expect((await viewer.data(SegmentSnapshotDocument, { id: snapshot.id })).segmentSnapshot.count).toBe(4);
    expect((await viewer.data(SnapshotMembersDocument, { id: snapshot.id, first: 2 })).segmentSnapshot.members.nodes).toHaveLength(2);
    const denied = await viewer.request(SnapshotSegmentDocument, { id: gold.id });
    expect(denied.errors![0]).toMatchObject({ message: 'The VIEWER role may not take segment snapshots; it needs one of: MARKETER, DATA_MANAGER, CLIENT_ADMIN.', extensions: { code: 'FORBIDDEN' } });
    expect((await viewer.request(DeleteSegmentSnapshotDocument, { id: snapshot.id })).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await download(base, `/exports/snapshots/${snapshot.id}.csv`, { key: viewer.key })).status).toBe(403);

    const marketer = await keyFor(admin, 'MARKETER');
    const own = (await marketer.data(SnapshotSegmentDocument, { id: gold.id, label: 'mine' })).snapshotSegment;
    expect(own.createdBy).not.toBe(snapshot.createdBy);
    expect((await download(base, `/exports/snapshots/${own.id}.csv`, { key: marketer.key })).status).toBe(200);
    expect((await marketer.data(DeleteSegmentSnapshotDocument, { id: own.id })).deleteSegmentSnapshot.id).toBe(own.id);
  });

  test('`in snapshot` composes with other filters, in text and JSON, and keeps matching the frozen members', async () => {
    const { client } = await newNamespace(getApp().url);
    const ids = await seed(client, 9);
    const gold = (await client.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } })).createSegment;
    const sent = (await client.data(SnapshotSegmentDocument, { id: gold.id, asOf: AS_OF, label: 'send' })).snapshotSegment;
    const id = (p: string) => ids.get(`${p}@example.com`)!;
    // After the send: p0 downgraded, p2 upgraded, p1 and p3 bought.
    await client.data(UpsertProfilesDocument, { inputs: [{ email: 'p0@example.com', custom: { tier: 'silver' } }, { email: 'p2@example.com', custom: { tier: 'gold' } }] });
    await client.data(TrackEventsDocument, { events: ['p1', 'p3'].map((p) => ({ type: 'purchase', created: new Date().toISOString(), email: `${p}@example.com` })) });

    const text = `in snapshot "${sent.id}" and did purchase within last 7 days`;
    const json = { version: 1, filter: { and: [{ snapshot: sent.id }, { event: 'purchase', window: { within_last: { amount: 7, unit: 'day' } } }] } };
    const checked = (await client.data(ValidateSegmentDocument, { definition: { expression: text } })).validateSegment;
    expect(checked).toMatchObject({ valid: true, errors: [], text, normalized: json });
    const converted = (await client.data(CreateSegmentDocument, { input: { name: 'Sent and bought', definition: { filter: json } } })).createSegment;
    expect(converted.text).toBe(text);
    const members = async (segmentId: string) => (await client.data(SegmentMembersDocument, { id: segmentId, first: 50 })).segment.members.nodes.map((n) => n.id);
    expect(await members(converted.id)).toEqual([id('p1'), id('p3')]);

    const stillGold = (await client.data(PreviewSegmentDocument, { definition: { expression: `in snapshot "${sent.id}" and custom.tier = "gold"` }, sampleSize: 10 })).previewSegment;
    expect(stillGold.sample.map((p) => p.id)).toEqual(['p1', 'p3', 'p4', 'p6', 'p7'].map(id));
    const newcomers = (await client.data(PreviewSegmentDocument, { definition: { expression: `in segment "${gold.id}" and not in snapshot "${sent.id}"` }, sampleSize: 10 })).previewSegment;
    expect(newcomers.sample.map((p) => p.id)).toEqual([id('p2')]);
    const either = (await client.data(PreviewSegmentDocument, { definition: { filter: { or: [{ snapshot: sent.id }, { field: 'email', op: 'eq', value: 'p8@example.com' }] } }, sampleSize: 0 })).previewSegment;
    expect(either.count).toBe(sent.count + 1);

    // A snapshot a segment uses cannot be deleted; once the segment is gone, it can.
    const refused = await client.request(DeleteSegmentSnapshotDocument, { id: sent.id });
    expect(refused.errors![0]).toMatchObject({
      message: `Snapshot "${sent.id}" is used by "Sent and bought" (${converted.id}); change or delete those segments first.`,
      extensions: { code: 'CONFLICT', usedBy: [converted.id] },
    });
    await client.data(DeleteSegmentDocument, { id: converted.id });
    expect((await client.data(DeleteSegmentSnapshotDocument, { id: sent.id })).deleteSegmentSnapshot.id).toBe(sent.id);
  });

  test('`in snapshot` is validated like a segment reference: unknown, deleted and foreign snapshots fail closed', async () => {
    const { client } = await newNamespace(getApp().url);
    const { client: other } = await newNamespace(getApp().url);
    await seed(client, 3);
    await seed(other, 3);
    const theirs = (await other.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } })).createSegment;
    const foreign = (await other.data(SnapshotSegmentDocument, { id: theirs.id })).snapshotSegment;
    const unknown = (await client.data(ValidateSegmentDocument, { definition: { expression: `custom.tier = "gold" and in snapshot "${foreign.id}"` } })).validateSegment;
    expect(unknown).toMatchObject({ valid: false, errors: [{ code: 'UNKNOWN_SNAPSHOT', message: `Snapshot \`${foreign.id}\` does not exist.`, line: 1, column: 26 }] });
    const json = (await client.data(ValidateSegmentDocument, { definition: { filter: { not: { snapshot: 'snap_nope' } } } })).validateSegment;
    expect(json.errors).toEqual([{ code: 'UNKNOWN_SNAPSHOT', message: 'Snapshot `snap_nope` does not exist.', path: ['definition', 'filter', 'not', 'snapshot'], line: null, column: null }]);
    const wrongType = (await client.data(ValidateSegmentDocument, { definition: { filter: { snapshot: 7 } } })).validateSegment;
    expect(wrongType.errors[0]).toMatchObject({ code: 'WRONG_TYPE', path: ['definition', 'filter', 'snapshot'] });
    const create = await client.request(CreateSegmentDocument, { input: { name: 'x', definition: { expression: `in snapshot "${foreign.id}"` } } });
    expect(create.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', problems: [expect.objectContaining({ code: 'UNKNOWN_SNAPSHOT', path: ['input', 'definition', 'expression'] })] });
    // The other namespace's own segment over it works.
    const own = await other.data(PreviewSegmentDocument, { definition: { expression: `in snapshot "${foreign.id}"` }, sampleSize: 0 });
    expect(own.previewSegment.count).toBe(foreign.count);
  });
});
