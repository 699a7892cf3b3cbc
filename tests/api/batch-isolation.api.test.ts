import { DefineCustomFieldDocument, ProfileByEmailDocument, ProfilePageDocument, TrackEventsDocument, UpsertProfilesDocument } from '../generated/graphql';
import { describeEachApp } from '../support/app';
import { newNamespace } from '../support/client';
import { hostile, hostileJson } from '../support/hostile';

// Issue 12 §1 and §3: one item with a value PostgreSQL cannot store (NUL, a lone surrogate) or
// nested too deep is rejected with its path and a message; the rest of the batch is applied.
const NUL = hostile('nul');
const HIGH = hostile('lone high surrogate');
const LOW = hostile('lone low surrogate');
const NUL_MESSAGE = 'contains a NUL character (U+0000) at position 1, which cannot be stored; remove it';
const HIGH_MESSAGE = 'contains a lone surrogate (U+D800) at position 1, which is not valid Unicode; send well-formed UTF-8 text';

describeEachApp('one bad item never loses the batch', (getApp) => {
  const profileCases: { name: string; write: Record<string, unknown>; path: string[]; message: string }[] = [
    { name: 'NUL in first name', write: { firstName: NUL }, path: ['firstName'], message: NUL_MESSAGE },
    { name: 'lone surrogate in first name', write: { firstName: HIGH }, path: ['firstName'], message: HIGH_MESSAGE },
    { name: 'lone low surrogate in last name', write: { lastName: LOW }, path: ['lastName'], message: 'contains a lone surrogate (U+DC00) at position 0, which is not valid Unicode; send well-formed UTF-8 text' },
    { name: 'lone surrogate in the email local part', write: { email: hostile('email with lone surrogate') }, path: ['email'], message: HIGH_MESSAGE },
    { name: 'NUL in a quoted email local part', write: { email: hostile('quoted email with nul') }, path: ['email'], message: NUL_MESSAGE.replace('position 1', 'position 2') },
    { name: 'NUL in a custom string value', write: { custom: { tier: NUL } }, path: ['custom', 'tier'], message: NUL_MESSAGE },
    { name: 'lone surrogate in a custom string value', write: { custom: { tier: HIGH } }, path: ['custom', 'tier'], message: HIGH_MESSAGE },
    { name: 'NUL in a custom key', write: { custom: { 'ti\u0000er': 'gold' } }, path: ['custom', 'ti\u0000er'], message: `has a key that ${NUL_MESSAGE.replace('position 1', 'position 2')}` },
    { name: 'NUL in a phone', write: { phones: [hostile('phone with nul')] }, path: ['phones', '0'], message: NUL_MESSAGE.replace('position 1', 'position 8') },
  ];

  test.each(profileCases)('upsertProfiles: $name', async ({ write, path, message }) => {
    const { client } = await newNamespace(getApp().url);
    await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING' } });
    const inputs = [
      { email: 'first@example.com', firstName: 'First' },
      { email: 'bad@example.com', ...write },
      { email: 'third@example.com', custom: { tier: 'gold' } },
    ];
    const result = await client.request(UpsertProfilesDocument, { inputs });
    expect(result.errors).toBeUndefined();
    const payload = result.data!.upsertProfiles!;
    expect(payload).toMatchObject({ succeeded: 2, failed: 1 });
    expect(payload.results[1]).toEqual({ index: 1, profileId: null, created: false, promoted: false, mergedProfileIds: [], errors: [{ path: ['inputs', '1', ...path], message }] });
    expect(payload.results[0]!.errors).toEqual([]);
    expect(payload.results[2]!.errors).toEqual([]);
    const page = await client.data(ProfilePageDocument, { first: 10 });
    expect(page.profiles.nodes.map((n) => [n.email, n.firstName, n.custom])).toEqual([
      ['first@example.com', 'First', {}],
      ['third@example.com', null, { tier: 'gold' }],
    ]);
  });

  const eventCases: { name: string; event: Record<string, unknown>; path: (string | number)[]; message: RegExp }[] = [
    { name: 'NUL in a property value', event: { properties: { category: NUL } }, path: ['properties', 'category'], message: /NUL character/ },
    { name: 'lone surrogate in a property value', event: { properties: { category: HIGH } }, path: ['properties', 'category'], message: /lone surrogate \(U\+D800\)/ },
    { name: 'NUL in a property key', event: { properties: { ['a\u0000']: 1 } }, path: ['properties', 'a\u0000'], message: /^has a key that contains a NUL character/ },
    { name: 'lone surrogate deep in properties', event: { properties: { tags: [{ label: ['ok', LOW] }] } }, path: ['properties', 'tags', 0, 'label', 1], message: /lone surrogate \(U\+DC00\)/ },
    { name: 'NUL in clientEventId', event: { clientEventId: NUL }, path: ['clientEventId'], message: /NUL character/ },
    { name: 'lone surrogate in clientEventId', event: { clientEventId: HIGH }, path: ['clientEventId'], message: /lone surrogate/ },
    { name: 'NUL in the type', event: { type: 'pur\u0000chase' }, path: ['type'], message: /NUL character \(U\+0000\) at position 3/ },
    { name: 'NUL in the email', event: { email: hostile('email with nul') }, path: ['email'], message: /NUL character/ },
    {
      name: 'properties nested 1000 lists deep (2.2 kB)',
      event: { properties: { a: hostileJson('deep lists 1000') } },
      path: ['properties', 'a', ...Array.from({ length: 31 }, () => 0)],
      message: /^nests objects and lists deeper than 32 levels; at most 32 are accepted$/,
    },
    {
      name: 'properties nested 5000 objects deep',
      event: { properties: hostileJson('deep objects 5000') },
      path: ['properties', ...Array.from({ length: 32 }, () => 'a')],
      message: /deeper than 32 levels/,
    },
  ];

  test.each(eventCases)('trackEvents: $name', async ({ event, path, message }) => {
    const { client } = await newNamespace(getApp().url);
    const base = { type: 'purchase', created: '2026-03-01T00:00:00Z', email: 'buyer@example.com' };
    const events = [
      { ...base, clientEventId: 'e-1', properties: { total: 10 } },
      { ...base, clientEventId: 'e-2', ...event },
      { ...base, clientEventId: 'e-3', properties: { total: 30 } },
    ];
    const result = await client.request(TrackEventsDocument, { events });
    expect(result.errors).toBeUndefined();
    const payload = result.data!.trackEvents!;
    expect(payload).toMatchObject({ accepted: 2, rejected: 1, duplicates: 0 });
    expect(payload.results.map((r) => r.status)).toEqual(['ACCEPTED', 'REJECTED', 'ACCEPTED']);
    expect(payload.results[1]!.errors).toEqual([{ path: ['events', '1', ...path.map(String)], message: expect.stringMatching(message) }]);
    const profile = await client.data(ProfileByEmailDocument, { email: 'buyer@example.com' });
    expect(profile.profileByEmail).not.toBeNull();
    const health = await fetch(`${getApp().app.url}/healthz`);
    expect(health.status).toBe(200);
  });

  test('after a deep event, unrelated writes in other namespaces go on and are kept', async () => {
    const a = await newNamespace(getApp().url);
    const b = await newNamespace(getApp().url);
    const deep = await a.client.request(TrackEventsDocument, { events: [{ type: 'purchase', created: '2026-03-01T00:00:00Z', email: 'x@example.com', properties: { a: hostileJson('deep lists 1000') } }] });
    expect(deep.data!.trackEvents!.rejected).toBe(1);
    for (let i = 0; i < 12; i++) {
      const write = await b.client.request(UpsertProfilesDocument, { inputs: [{ email: `after${i}@example.com` }] });
      expect(write.errors).toBeUndefined();
    }
    expect((await b.client.data(ProfilePageDocument, { first: 50 })).profiles.nodes).toHaveLength(12);
  });
});
