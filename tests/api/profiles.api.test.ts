import {
  Customer360Document, ProfileByEmailDocument, ProfileByPhoneDocument, ProfileDocument, ProfilePageDocument,
  TrackEventsDocument, UpsertProfileDocument, UpsertProfilesDocument, DefineCustomFieldDocument,
} from '../generated/graphql';
import { describeEachApp } from '../support/app';
import { newNamespace } from '../support/client';

describeEachApp('profiles over HTTP', (getApp) => {
  test('upsert, then read back by ID, email and phone', async () => {
    const { client } = await newNamespace(getApp().url);
    await client.data(DefineCustomFieldDocument, { input: { key: 'loyalty_tier', type: 'STRING' } });
    const created = await client.data(UpsertProfileDocument, {
      input: { email: 'Zoë.Ng@Example.com', phones: ['(415) 555-2671'], firstName: ' Zoë ', lastName: 'Ng-Smith', birthdayDay: 29, birthdayMonth: 2, custom: { loyalty_tier: 'gold' } },
    });
    expect(created.upsertProfile).toMatchObject({ created: true, promoted: false, mergedProfileIds: [] });
    const profile = created.upsertProfile.profile;
    expect(profile).toMatchObject({
      email: 'Zoë.Ng@Example.com',
      firstName: 'Zoë',
      lastName: 'Ng-Smith',
      birthdayDay: 29,
      birthdayMonth: 2,
      phones: ['+14155552671'],
      custom: { loyalty_tier: 'gold' },
      dimensions: { emailStatus: 'KNOWN' },
      reserved: { hasEmailDelivered: false, hasReceivedEmail: false, lastPurchaseDate: null },
      channels: {
        email: { address: 'Zoë.Ng@Example.com', status: 'KNOWN', promotionalEligible: true, transactionalEligible: true },
        sms: [{ phone: '+14155552671', status: 'KNOWN', optInMethod: null, promotionalEligible: false, transactionalEligible: true }],
      },
    });
    expect(profile.reserved.emailHashNumber).toEqual(expect.any(Number));
    expect((await client.data(ProfileDocument, { id: profile.id })).profile.id).toBe(profile.id);
    expect((await client.request(ProfileByEmailDocument, { email: ' zoë.ng@EXAMPLE.com' })).data!.profileByEmail?.id).toBe(profile.id);
    expect((await client.request(ProfileByPhoneDocument, { phone: '+1 415 555 2671' })).data!.profileByPhone?.id).toBe(profile.id);
    expect((await client.request(ProfileByEmailDocument, { email: 'nobody@example.com' })).data!.profileByEmail).toBeNull();
  });

  test('bad input is a BAD_USER_INPUT error naming the field, and writes nothing', async () => {
    const { client } = await newNamespace(getApp().url);
    const result = await client.request(UpsertProfileDocument, { input: { email: '"Ana" <ana@example.com>', phones: ['12'], birthdayDay: 31, birthdayMonth: 4, custom: { nope: 1 } } });
    expect(result.data).toEqual({ upsertProfile: null });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      problems: [
        { path: ['input', 'email'], message: '"\\"Ana\\" <ana@example.com>" is not a valid email address: it looks like it has a display name; send only the address, such as ana@example.com' },
        { path: ['input', 'phones', '0'], message: '"12" is not a valid phone number: it is too short for a number of region US; send E.164 such as +14155552671' },
        { path: ['input', 'birthdayDay'], message: 'april has no day 31; it has at most 30 days' },
        { path: ['input', 'custom', 'nope'], message: 'is not a custom field of this namespace; define it first' },
      ],
    });
    expect(result.body).not.toMatch(/select|insert|stack|at .*\.ts/i);
    const page = await client.data(ProfilePageDocument, { first: 10 });
    expect(page.profiles.nodes).toEqual([]);
  });

  test('another namespace cannot read a profile: NOT_FOUND, never the data', async () => {
    const a = await newNamespace(getApp().url);
    const b = await newNamespace(getApp().url);
    const { upsertProfile } = await a.client.data(UpsertProfileDocument, { input: { email: 'secret@example.com', firstName: 'Secret' } });
    const stolen = await b.client.request(ProfileDocument, { id: upsertProfile.profile.id });
    expect(stolen.data).toBeNull();
    expect(stolen.errors![0]).toMatchObject({ extensions: { code: 'NOT_FOUND' }, message: `Profile "${upsertProfile.profile.id}" was not found in this namespace.` });
    expect(stolen.body).not.toContain('secret@example.com');
    expect((await b.client.request(ProfileByEmailDocument, { email: 'secret@example.com' })).data!.profileByEmail).toBeNull();
    const events = await b.client.data(TrackEventsDocument, { events: [{ type: 'purchase', created: '2026-01-01T00:00:00Z', profileId: upsertProfile.profile.id }] });
    expect(events.trackEvents.results[0]).toMatchObject({ status: 'REJECTED', errors: [{ path: ['events', '0', 'profileId'] }] });
    expect((await b.client.data(ProfilePageDocument, { first: 50 })).profiles.nodes).toEqual([]);
  });

  test('keyset pagination walks every profile exactly once', async () => {
    const { client } = await newNamespace(getApp().url);
    const inputs = Array.from({ length: 23 }, (_, i) => ({ email: `page${i}@example.com` }));
    const batch = await client.data(UpsertProfilesDocument, { inputs });
    expect(batch.upsertProfiles).toMatchObject({ succeeded: 23, failed: 0 });
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { profiles: { nodes: { email: string | null }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } =
        await client.data(ProfilePageDocument, { first: 10, after });
      seen.push(...page.profiles.nodes.map((n) => n.email!));
      if (!page.profiles.pageInfo.hasNextPage) break;
      after = page.profiles.pageInfo.endCursor;
    }
    expect(seen).toEqual(inputs.map((i) => i.email));
    const tooBig = await client.request(ProfilePageDocument, { first: 501 });
    expect(tooBig.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: 'first: must be a whole number from 1 to 500 (got 501)' });
    const badCursor = await client.request(ProfilePageDocument, { first: 5, after: 'bm9wZQ' });
    expect(badCursor.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  test('no N+1: a page of 1 and a page of 100 profiles with nested data run the same statements', async () => {
    const { client } = await newNamespace(getApp().url);
    const inputs = Array.from({ length: 100 }, (_, i) => ({ email: `n${i}@example.com`, phones: [`+1415555${String(3000 + i)}`] }));
    await client.data(UpsertProfilesDocument, { inputs });
    await client.data(TrackEventsDocument, {
      events: inputs.flatMap((p, i) => [
        { type: 'purchase', created: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00Z`, email: p.email, properties: { total: i } },
        { type: 'email_sent', created: '2026-02-01T00:00:00Z', email: p.email },
      ]),
    });
    const one = await client.request(ProfilePageDocument, { first: 1, events: 5 });
    const hundred = await client.request(ProfilePageDocument, { first: 100, events: 5 });
    expect(hundred.data!.profiles.nodes).toHaveLength(100);
    expect(hundred.data!.profiles.nodes.every((n) => n.phones.length === 1)).toBe(true);
    expect(one.statements).toBe(hundred.statements);
    // the page, its phones (phones and SMS channels share one load), and its events
    expect(hundred.statements).toBe(3);
  });

  test('Customer 360: events newest first with cursors, and the consent history', async () => {
    const { client } = await newNamespace(getApp().url);
    const { upsertProfile } = await client.data(UpsertProfileDocument, { input: { email: 'c360@example.com' } });
    await client.data(TrackEventsDocument, {
      events: [1, 2, 3].map((d) => ({ type: 'purchase', created: `2026-03-0${d}T00:00:00Z`, email: 'c360@example.com', clientEventId: `c-${d}` })),
    });
    const first = await client.data(Customer360Document, { id: upsertProfile.profile.id, events: 2 });
    expect(first.profile.events.nodes.map((e) => e.clientEventId)).toEqual(['c-3', 'c-2']);
    expect(first.profile.events.pageInfo.hasNextPage).toBe(true);
    const next = await client.data(Customer360Document, { id: upsertProfile.profile.id, events: 2, eventsAfter: first.profile.events.pageInfo.endCursor });
    expect(next.profile.events.nodes.map((e) => e.clientEventId)).toEqual(['c-1']);
    expect(next.profile.events.pageInfo.hasNextPage).toBe(false);
    expect(first.profile.consentHistory.nodes).toEqual([
      expect.objectContaining({ channel: 'EMAIL', fromStatus: null, toStatus: 'KNOWN', source: 'API', actor: expect.stringMatching(/^key:agk_/) }),
    ]);
    expect(first.profile.reserved.lastPurchaseDate).toBe('2026-03-03T00:00:00.000Z');
  });
});
