import { customIndexName } from '../../src/db/custom-index.sql';
import { Sql } from '../../src/db/sql';
import {
  ChangeCustomFieldTypeDocument, CreateApiKeyDocument, CreateSegmentDocument, CustomFieldsDocument, DefineCustomFieldDocument, DeleteCustomFieldDocument,
  DeleteSegmentDocument, PreviewSegmentDocument, ProfileByEmailDocument, UpsertProfilesDocument, UpsertProfilesOutcomeDocument,
} from '../generated/graphql';
import { describeEachApp, type TestApp } from '../support/app';
import { newNamespace, type GraphQLClient } from '../support/client';

async function customOf(client: GraphQLClient, email: string): Promise<Record<string, unknown>> {
  return (await client.request(ProfileByEmailDocument, { email })).data!.profileByEmail!.custom as Record<string, unknown>;
}

async function indexDef(app: TestApp, namespaceId: string, key: string): Promise<string | null> {
  const rows = await new Sql(app.app.db.orm.em.fork()).rows<{ indexdef: string }>(`select indexdef from pg_indexes where indexname = $1`, [customIndexName(namespaceId, key)]);
  return rows[0]?.indexdef ?? null;
}

describeEachApp('custom field lifecycle over HTTP', (getApp) => {
  test('a field a saved segment uses cannot be deleted (CONFLICT naming the segments); once unused, its values and index go', async () => {
    const { client, namespaceId } = await newNamespace(getApp().url);
    await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING', indexed: true } });
    await client.data(DefineCustomFieldDocument, { input: { key: 'score', type: 'NUMBER' } });
    await client.data(UpsertProfilesDocument, { inputs: [
      { email: 'a@example.com', custom: { tier: 'gold', score: 3 } }, { email: 'b@example.com', custom: { tier: 'silver' } }, { email: 'c@example.com', custom: { score: 1 } },
    ] });
    const gold = (await client.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } })).createSegment;
    const goldBuyers = (await client.data(CreateSegmentDocument, { input: { name: 'Gold buyers', definition: { expression: `in segment "${gold.id}" and custom.score > 1` } } })).createSegment;
    expect(await indexDef(getApp(), namespaceId, 'tier')).not.toBeNull();

    const refused = await client.request(DeleteCustomFieldDocument, { key: 'tier' });
    expect(refused.errors![0]).toMatchObject({
      message: `custom.tier is used by 2 saved segments "Gold" (${gold.id}), "Gold buyers" (${goldBuyers.id}, through ${gold.id}); change or delete them before you delete it.`,
      extensions: { code: 'CONFLICT', segments: [{ id: gold.id, name: 'Gold', via: null }, { id: goldBuyers.id, name: 'Gold buyers', via: gold.id }] },
    });
    expect(await customOf(client, 'a@example.com')).toEqual({ tier: 'gold', score: 3 });

    await client.data(DeleteSegmentDocument, { id: goldBuyers.id });
    await client.data(DeleteSegmentDocument, { id: gold.id });
    expect((await client.data(DeleteCustomFieldDocument, { key: 'tier' })).deleteCustomField).toEqual({ key: 'tier', valuesRemoved: 2 });
    expect(await customOf(client, 'a@example.com')).toEqual({ score: 3 });
    expect(await customOf(client, 'b@example.com')).toEqual({});
    expect((await client.data(CustomFieldsDocument)).customFields.map((f) => f.key)).toEqual(['score']);
    expect(await indexDef(getApp(), namespaceId, 'tier')).toBeNull();
    const write = await client.data(UpsertProfilesOutcomeDocument, { inputs: [{ email: 'a@example.com', custom: { tier: 'gold' } }] });
    expect(write.upsertProfiles.results[0]!.outcome).toBe('FAILED');
    expect((await client.request(DeleteCustomFieldDocument, { key: 'tier' })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });

  test('a type change reports what converts; it fails unless asked to clear what does not; applied, it converts set-based and rebuilds the index', async () => {
    const { client, namespaceId } = await newNamespace(getApp().url);
    await client.data(DefineCustomFieldDocument, { input: { key: 'points', type: 'STRING', indexed: true } });
    const values = ['12', ' 7.5 ', 'abc', 'abc', 'n/a', '-3e2'];
    await client.data(UpsertProfilesDocument, { inputs: [...values.map((v, i) => ({ email: `p${i}@example.com`, custom: { points: v } })), { email: 'none@example.com' }] });
    const before = await Promise.all(values.map((_, i) => customOf(client, `p${i}@example.com`)));

    const dry = (await client.data(ChangeCustomFieldTypeDocument, { input: { key: 'points', type: 'NUMBER', dryRun: true } })).changeCustomFieldType;
    expect(dry).toEqual({
      key: 'points', fromType: 'STRING', toType: 'NUMBER', dryRun: true, applied: false, values: 6, converted: 3, unconvertible: 3, cleared: 0,
      samples: [
        { value: 'abc', profiles: 2, reason: 'expects a number, got the string "abc"' },
        { value: 'n/a', profiles: 1, reason: 'expects a number, got the string "n/a"' },
      ],
      usedBySegments: [], field: { key: 'points', type: 'STRING', indexed: true },
    });
    expect(await Promise.all(values.map((_, i) => customOf(client, `p${i}@example.com`)))).toEqual(before);

    const refused = await client.request(ChangeCustomFieldTypeDocument, { input: { key: 'points', type: 'NUMBER' } });
    expect(refused.errors![0]).toMatchObject({
      message: '3 of 6 values of custom.points do not convert to NUMBER (for example "abc": expects a number, got the string "abc"); nothing was changed. Fix them first, or send clearUnconvertible: true to remove them.',
      extensions: { code: 'CONFLICT', unconvertible: 3, converted: 3, samples: dry.samples },
    });
    expect((await client.data(CustomFieldsDocument)).customFields[0]!.type).toBe('STRING');
    expect(await Promise.all(values.map((_, i) => customOf(client, `p${i}@example.com`)))).toEqual(before);

    const applied = (await client.data(ChangeCustomFieldTypeDocument, { input: { key: 'points', type: 'NUMBER', clearUnconvertible: true } })).changeCustomFieldType;
    expect(applied).toMatchObject({ dryRun: false, applied: true, values: 6, converted: 3, unconvertible: 3, cleared: 3, samples: dry.samples, field: { type: 'NUMBER', indexed: true } });
    expect(await Promise.all(values.map((_, i) => customOf(client, `p${i}@example.com`)))).toEqual([{ points: 12 }, { points: 7.5 }, {}, {}, {}, { points: -300 }]);
    expect(await indexDef(getApp(), namespaceId, 'points')).toContain('numeric');
    const preview = await client.data(PreviewSegmentDocument, { definition: { expression: 'custom.points > 5' }, sampleSize: 10 });
    expect(preview.previewSegment.count).toBe(2);
    // New writes follow the new type.
    const writes = await client.data(UpsertProfilesOutcomeDocument, { inputs: [{ email: 'p9@example.com', custom: { points: 4 } }, { email: 'p10@example.com', custom: { points: 'four' } }] });
    expect(writes.upsertProfiles.results.map((r) => r.outcome)).toEqual(['CREATED', 'FAILED']);
  });

  test('conversions follow the import rules for every direction; a segment using the field blocks an applied change', async () => {
    const { client } = await newNamespace(getApp().url);
    await client.data(DefineCustomFieldDocument, { input: { key: 'flag', type: 'BOOLEAN' } });
    await client.data(DefineCustomFieldDocument, { input: { key: 'joined', type: 'STRING' } });
    await client.data(UpsertProfilesDocument, { inputs: [
      { email: 'x@example.com', custom: { flag: true, joined: '2026-01-02' } },
      { email: 'y@example.com', custom: { flag: false, joined: '2026-02-30' } },
      { email: 'z@example.com', custom: { joined: '2026-03-04T05:06:07+02:00' } },
    ] });
    const toString = (await client.data(ChangeCustomFieldTypeDocument, { input: { key: 'flag', type: 'STRING' } })).changeCustomFieldType;
    expect(toString).toMatchObject({ applied: true, converted: 2, unconvertible: 0, cleared: 0 });
    expect([await customOf(client, 'x@example.com'), await customOf(client, 'y@example.com')].map((c) => c.flag)).toEqual(['true', 'false']);
    expect((await client.data(ChangeCustomFieldTypeDocument, { input: { key: 'flag', type: 'BOOLEAN' } })).changeCustomFieldType).toMatchObject({ applied: true, converted: 2 });
    expect((await customOf(client, 'y@example.com')).flag).toBe(false);

    const segment = (await client.data(CreateSegmentDocument, { input: { name: 'Joined set', definition: { expression: 'custom.joined is set' } } })).createSegment;
    const dry = (await client.data(ChangeCustomFieldTypeDocument, { input: { key: 'joined', type: 'DATETIME', dryRun: true } })).changeCustomFieldType;
    expect(dry).toMatchObject({ converted: 2, unconvertible: 1, usedBySegments: [{ id: segment.id, name: 'Joined set', via: null }] });
    expect(dry.samples).toEqual([{ value: '2026-02-30', profiles: 1, reason: 'expects an ISO 8601 date (2026-01-31) or date-time with offset (2026-01-31T09:30:00Z), got "2026-02-30"' }]);
    const blocked = await client.request(ChangeCustomFieldTypeDocument, { input: { key: 'joined', type: 'DATETIME', clearUnconvertible: true } });
    expect(blocked.errors![0]).toMatchObject({ extensions: { code: 'CONFLICT', segments: [{ id: segment.id, name: 'Joined set', via: null }] } });
    await client.data(DeleteSegmentDocument, { id: segment.id });
    await client.data(ChangeCustomFieldTypeDocument, { input: { key: 'joined', type: 'DATETIME', clearUnconvertible: true } });
    expect([await customOf(client, 'x@example.com'), await customOf(client, 'y@example.com'), await customOf(client, 'z@example.com')].map((c) => c.joined))
      .toEqual(['2026-01-02T00:00:00.000Z', undefined, '2026-03-04T03:06:07.000Z']);

    expect((await client.request(ChangeCustomFieldTypeDocument, { input: { key: 'joined', type: 'DATETIME' } })).errors![0]).toMatchObject({
      message: 'input.type: custom field "joined" is already DATETIME; send another type', extensions: { code: 'BAD_USER_INPUT' },
    });
    expect((await client.request(ChangeCustomFieldTypeDocument, { input: { key: 'nope', type: 'NUMBER' } })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });

  test('VIEWER and MARKETER can neither delete a field nor change its type', async () => {
    const { client } = await newNamespace(getApp().url);
    await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING' } });
    for (const role of ['VIEWER', 'MARKETER'] as const) {
      const other = client.withKey((await client.data(CreateApiKeyDocument, { input: { name: role, role } })).createApiKey.secret);
      expect((await other.request(DeleteCustomFieldDocument, { key: 'tier' })).errors![0]!.extensions!.code).toBe('FORBIDDEN');
      expect((await other.request(ChangeCustomFieldTypeDocument, { input: { key: 'tier', type: 'NUMBER', dryRun: true } })).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    }
    expect((await client.data(CustomFieldsDocument)).customFields.map((f) => f.key)).toEqual(['tier']);
  });
});
