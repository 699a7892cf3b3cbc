import { createHash } from 'node:crypto';
import {
  ApiKeysDocument, CreateApiKeyDocument, CreateSegmentDocument, DefineCustomFieldDocument, EvaluateSegmentMembershipDocument, ForgetProfileDocument,
  ForgetRequestsDocument, ProfileByEmailDocument, ProfileByPhoneDocument, ProfileDocument, ProfilePageDocument, ReceiveSmsKeywordDocument,
  SegmentChangesDocument, SegmentMembersDocument, SetEmailStatusDocument, SetSmsStatusDocument, SnapshotMembersDocument, SnapshotSegmentDocument,
  TrackEventsOutcomeDocument, UpsertProfileDocument, UpsertProfilesDocument, UpsertProfilesOutcomeDocument,
} from '../generated/graphql';
import { Sql } from '../../src/db/sql';
import { describeEachApp, type TestApp } from '../support/app';
import { newNamespace, type GraphQLClient } from '../support/client';
import { download } from '../support/download';

const SUPPRESSED_MESSAGE = 'belongs to a person who asked to be forgotten; it is never identified again, so nothing was stored for this write';

/** Every row of the namespace in every table that can hold personal data, as text. */
async function namespaceText(app: TestApp, namespaceId: string): Promise<string> {
  const sql = new Sql(app.app.db.orm.em.fork());
  const parts: string[] = [];
  for (const table of ['profile', 'profile_phone', 'consent_change', 'profile_merge', 'event', 'forget_request', 'suppressed_identifier', 'job']) {
    const rows = await sql.rows<{ t: string }>(`select t::text as t from ${table} t where t.namespace_id = $1`, [namespaceId]);
    parts.push(...rows.map((r) => `${table}: ${r.t}`));
  }
  return parts.join('\n');
}

/** HMAC-SHA256 from the stored pads, computed in Node: what the suppression list must hold. */
async function expectedDigest(app: TestApp, namespaceId: string, message: string): Promise<string> {
  const sql = new Sql(app.app.db.orm.em.fork());
  const pads = await sql.one<{ inner_pad: Uint8Array; outer_pad: Uint8Array }>(`select inner_pad, outer_pad from privacy_secret where namespace_id = $1`, [namespaceId]);
  const inner = createHash('sha256').update(Buffer.from(pads!.inner_pad)).update(message, 'utf8').digest();
  return createHash('sha256').update(Buffer.from(pads!.outer_pad)).update(inner).digest('hex');
}

/** A person with everything a profile can hold, who had absorbed a phone-only profile. */
async function seedPerson(client: GraphQLClient, email: string, phones: [string, string]): Promise<{ id: string; absorbedId: string }> {
  await client.data(UpsertProfileDocument, { input: { email, phones: [phones[0]] } });
  const phoneOnly = (await client.data(UpsertProfileDocument, { input: { phones: [phones[1]], firstName: 'Phone', custom: { tier: 'bronze' } } })).upsertProfile.profile.id;
  await client.data(TrackEventsOutcomeDocument, { events: [{ type: 'purchase', created: '2026-11-01T10:00:00Z', phone: phones[1], properties: { sku: 'PHONE-ONLY-SKU' } }] });
  const { upsertProfile } = await client.data(UpsertProfileDocument, {
    input: { email, phones: [phones[0], phones[1]], firstName: 'Forgotten', lastName: 'Person', birthdayDay: 14, birthdayMonth: 7, custom: { tier: 'gold' } },
  });
  expect(upsertProfile.mergedProfileIds).toEqual([phoneOnly]);
  await client.data(SetEmailStatusDocument, { input: { email, status: 'SUBSCRIBED', source: 'FORM' } });
  await client.data(SetSmsStatusDocument, { input: { phone: phones[0], status: 'SUBSCRIBED', source: 'FORM' } });
  const tracked = await client.data(TrackEventsOutcomeDocument, {
    events: [
      { type: 'purchase', created: '2026-11-20T10:00:00Z', email, properties: { address: '1 Secret Street', total: 10 } },
      { type: 'page_view', created: '2026-11-21T10:00:00Z', phone: phones[0], properties: { url: 'https://example.com/private' } },
    ],
  });
  expect(tracked.trackEvents.accepted).toBe(2);
  return { id: upsertProfile.profile.id, absorbedId: phoneOnly };
}

describeEachApp('right to be forgotten over HTTP', (getApp) => {
  test('forgetting an email deletes the person, the profile it absorbed and everything they held; the audit keeps counts and hashes only', async () => {
    const { client, namespaceId } = await newNamespace(getApp().url);
    await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING' } });
    const email = 'Forget.Me@Example.com';
    const phones: [string, string] = ['+14155550111', '+14155550112'];
    const { id, absorbedId } = await seedPerson(client, email, phones);
    const keep = (await client.data(UpsertProfileDocument, { input: { email: 'stays@example.com', firstName: 'Stays' } })).upsertProfile.profile.id;
    const { createSegment } = await client.data(CreateSegmentDocument, { input: { name: 'Everyone named', definition: { expression: 'first_name is set' } } });
    expect((await client.data(SegmentMembersDocument, { id: createSegment.id, first: 10 })).segment.members.nodes.map((n) => n.id).sort()).toEqual([id, keep].sort());

    const { forgetProfile } = await client.data(ForgetProfileDocument, { input: { email: 'forget.me@example.COM' } });
    const [adminKey] = (await client.data(ApiKeysDocument)).apiKeys;
    expect(forgetProfile).toMatchObject({
      actor: `key:${adminKey!.prefix}`, actorKeyId: adminKey!.id, actorRole: 'CLIENT_ADMIN', namedBy: 'EMAIL', source: 'API', found: true,
      // 3 consent entries: email KNOWN then SUBSCRIBED; SMS of the first phone KNOWN then SUBSCRIBED; the second phone KNOWN (from the phone-only profile)
      removed: { profiles: 2, mergedProfiles: 1, phones: 2, events: 3, consentChanges: 5, customValues: 1, namedFields: 5 },
    });
    const expected = [
      { kind: 'EMAIL', digest: await expectedDigest(getApp(), namespaceId, 'email:forget.me@example.com'), alreadySuppressed: false },
      { kind: 'PHONE', digest: await expectedDigest(getApp(), namespaceId, `phone:${phones[0]}`), alreadySuppressed: false },
      { kind: 'PHONE', digest: await expectedDigest(getApp(), namespaceId, `phone:${phones[1]}`), alreadySuppressed: false },
    ];
    expect([...forgetProfile.identifiers].sort((a, b) => a.kind.localeCompare(b.kind) || a.digest.localeCompare(b.digest)))
      .toEqual(expected.sort((a, b) => a.kind.localeCompare(b.kind) || a.digest.localeCompare(b.digest)));

    // Gone from every read.
    expect((await client.request(ProfileByEmailDocument, { email })).data!.profileByEmail).toBeNull();
    for (const phone of phones) expect((await client.request(ProfileByPhoneDocument, { phone })).data!.profileByPhone).toBeNull();
    for (const gone of [id, absorbedId]) expect((await client.request(ProfileDocument, { id: gone })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect((await client.data(ProfilePageDocument, { first: 50 })).profiles.nodes.map((n) => n.id)).toEqual([keep]);
    expect((await client.data(SegmentMembersDocument, { id: createSegment.id, first: 10 })).segment).toMatchObject({ count: 1, members: { nodes: [{ id: keep }] } });
    const csv = await download(getApp().app.url, `/exports/segments/${createSegment.id}.csv`, { key: client.key });
    expect(csv.text.split('\n').filter(Boolean)).toHaveLength(2);
    expect(csv.text).toContain('stays@example.com');

    // No personal data left anywhere in the namespace: not in the audit, the suppression list or the merge history.
    const everything = await namespaceText(getApp(), namespaceId);
    for (const personal of ['forget.me', 'Forget.Me', '4155550111', '4155550112', 'Forgotten', 'Person', 'Phone"', 'gold', 'bronze', 'Secret Street', 'private', 'PHONE-ONLY-SKU']) {
      expect([personal, everything.includes(personal)]).toEqual([personal, false]);
    }
    expect(everything).toContain('stays@example.com');

    // The audit, readable by CLIENT_ADMIN.
    const audit = (await client.data(ForgetRequestsDocument, {})).forgetRequests;
    expect(audit.nodes).toEqual([forgetProfile]);
  });

  test('a forgotten email or phone is never identified again: every write path reports SUPPRESSED and stores nothing, set-based beside ordinary writes', async () => {
    const { client, namespaceId } = await newNamespace(getApp().url);
    await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING' } });
    const phones: [string, string] = ['+14155550121', '+14155550122'];
    await seedPerson(client, 'gone@example.com', phones);
    await client.data(ForgetProfileDocument, { input: { phone: '(415) 555-0122' } });

    const batch = await client.data(UpsertProfilesOutcomeDocument, {
      inputs: [
        { email: 'GONE@example.com', firstName: 'Back again' },
        { email: 'fresh@example.com', firstName: 'Fresh' },
        { phones: [phones[0]] },
        { email: 'new-address@example.com', phones: ['+14155550199', phones[1]] },
      ],
    });
    expect(batch.upsertProfiles).toMatchObject({ succeeded: 1, failed: 3 });
    expect(batch.upsertProfiles.results.map((r) => [r.outcome, r.errors])).toEqual([
      ['SUPPRESSED', [{ path: ['inputs', '0', 'email'], message: `this email ${SUPPRESSED_MESSAGE}` }]],
      ['CREATED', []],
      ['SUPPRESSED', [{ path: ['inputs', '2', 'phones'], message: `phone ${phones[0]} ${SUPPRESSED_MESSAGE}` }]],
      ['SUPPRESSED', [{ path: ['inputs', '3', 'phones'], message: `phone ${phones[1]} ${SUPPRESSED_MESSAGE}` }]],
    ]);

    const single = await client.request(UpsertProfileDocument, { input: { email: 'gone@example.com' } });
    expect(single.errors![0]).toMatchObject({ message: `input.email: this email ${SUPPRESSED_MESSAGE}`, extensions: { code: 'SUPPRESSED', reason: 'FORGOTTEN' } });

    const events = await client.data(TrackEventsOutcomeDocument, {
      events: [
        { type: 'purchase', created: '2026-11-25T10:00:00Z', email: 'gone@example.com' },
        { type: 'purchase', created: '2026-11-25T10:00:00Z', phone: phones[1] },
        { type: 'purchase', created: '2026-11-25T10:00:00Z', email: 'fresh@example.com' },
      ],
    });
    expect(events.trackEvents).toMatchObject({ accepted: 1, rejected: 0, suppressed: 2 });
    expect(events.trackEvents.results.map((r) => [r.status, r.profileId === null, r.errors.map((e) => e.path.join('.'))])).toEqual([
      ['SUPPRESSED', true, ['events.0.email']], ['SUPPRESSED', true, ['events.1.phones']], ['ACCEPTED', false, []],
    ]);

    expect((await client.request(SetEmailStatusDocument, { input: { email: 'gone@example.com', status: 'SUBSCRIBED', source: 'FORM' } })).errors![0]!.extensions!.code).toBe('SUPPRESSED');
    expect((await client.request(SetSmsStatusDocument, { input: { phone: phones[0], status: 'SUBSCRIBED', source: 'FORM' } })).errors![0]!.extensions!.code).toBe('SUPPRESSED');
    const stop = await client.data(ReceiveSmsKeywordDocument, { input: { phone: phones[0], body: 'STOP' } });
    expect(stop.receiveSmsKeyword).toEqual({ outcome: 'UNSUBSCRIBED', phone: phones[0], profile: null });

    const everything = await namespaceText(getApp(), namespaceId);
    for (const personal of ['gone@', 'Back again', '4155550121', '4155550122', 'new-address', '4155550199']) {
      expect([personal, everything.includes(personal)]).toEqual([personal, false]);
    }
    expect((await client.data(ProfilePageDocument, { first: 50 })).profiles.nodes.map((n) => n.email)).toEqual(['fresh@example.com']);
  });

  test('an unsubscribe is not a deletion: side by side, the unsubscribed profile stays and stays SMS-eligible, the forgotten one is gone', async () => {
    const { client } = await newNamespace(getApp().url);
    for (const [email, phone] of [['unsub@example.com', '+14155550131'], ['forget@example.com', '+14155550132']] as const) {
      await client.data(UpsertProfileDocument, { input: { email, phones: [phone], firstName: 'Twin' } });
      await client.data(SetEmailStatusDocument, { input: { email, status: 'UNSUBSCRIBED', source: 'UNSUBSCRIBE_LINK' } });
      await client.data(SetSmsStatusDocument, { input: { phone, status: 'SUBSCRIBED', source: 'FORM' } });
    }
    const { createSegment } = await client.data(CreateSegmentDocument, { input: { name: 'SMS audience', definition: { expression: 'sms_status = "SUBSCRIBED"' } } });
    expect((await client.data(SegmentMembersDocument, { id: createSegment.id, first: 10 })).segment.count).toBe(2);

    await client.data(ForgetProfileDocument, { input: { email: 'forget@example.com' } });

    const unsub = (await client.request(ProfileByEmailDocument, { email: 'unsub@example.com' })).data!.profileByEmail!;
    expect(unsub).toMatchObject({
      firstName: 'Twin', phones: ['+14155550131'],
      channels: { email: { status: 'UNSUBSCRIBED', promotionalEligible: false }, sms: [{ phone: '+14155550131', status: 'SUBSCRIBED', promotionalEligible: true }] },
    });
    expect((await client.request(ProfileByEmailDocument, { email: 'forget@example.com' })).data!.profileByEmail).toBeNull();
    expect((await client.data(SegmentMembersDocument, { id: createSegment.id, first: 10 })).segment).toMatchObject({ count: 1, members: { nodes: [{ id: unsub.id, email: 'unsub@example.com' }] } });
    // The unsubscribed address can still be written to; the forgotten one cannot.
    const writes = await client.data(UpsertProfilesOutcomeDocument, { inputs: [{ email: 'unsub@example.com', lastName: 'Still here' }, { email: 'forget@example.com' }] });
    expect(writes.upsertProfiles.results.map((r) => r.outcome)).toEqual(['UPDATED', 'SUPPRESSED']);
  });

  test('by phone or by a merged-away ID the whole person is forgotten; an unknown email is suppressed all the same; a repeat is recorded', async () => {
    const { client } = await newNamespace(getApp().url);
    await client.data(UpsertProfilesDocument, { inputs: [{ email: 'by-phone@example.com', phones: ['+14155550141', '+14155550142'] }] });
    const byPhone = await client.data(ForgetProfileDocument, { input: { phone: '+14155550142' } });
    expect(byPhone.forgetProfile).toMatchObject({ namedBy: 'PHONE', found: true, removed: { profiles: 1, phones: 2 } });
    expect(byPhone.forgetProfile.identifiers.map((i) => i.kind).sort()).toEqual(['EMAIL', 'PHONE', 'PHONE']);
    expect((await client.request(ProfileByEmailDocument, { email: 'by-phone@example.com' })).data!.profileByEmail).toBeNull();

    const winner = (await client.data(UpsertProfileDocument, { input: { email: 'winner@example.com' } })).upsertProfile.profile.id;
    const loser = (await client.data(UpsertProfileDocument, { input: { phones: ['+14155550143'] } })).upsertProfile.profile.id;
    await client.data(UpsertProfileDocument, { input: { email: 'winner@example.com', phones: ['+14155550143'] } });
    const byId = await client.data(ForgetProfileDocument, { input: { profileId: loser } });
    expect(byId.forgetProfile).toMatchObject({ namedBy: 'PROFILE_ID', found: true, removed: { profiles: 2, mergedProfiles: 1, phones: 1 } });
    expect((await client.request(ProfileDocument, { id: winner })).errors![0]!.extensions!.code).toBe('NOT_FOUND');

    const unknown = await client.data(ForgetProfileDocument, { input: { email: 'never-seen@example.com' } });
    expect(unknown.forgetProfile).toMatchObject({ found: false, removed: { profiles: 0, phones: 0, events: 0 } });
    expect(unknown.forgetProfile.identifiers).toEqual([expect.objectContaining({ kind: 'EMAIL', alreadySuppressed: false })]);
    const later = await client.data(UpsertProfilesOutcomeDocument, { inputs: [{ email: 'never-seen@example.com' }] });
    expect(later.upsertProfiles.results[0]!.outcome).toBe('SUPPRESSED');

    const again = await client.data(ForgetProfileDocument, { input: { email: 'NEVER-SEEN@example.com' } });
    expect(again.forgetProfile).toMatchObject({ found: false, identifiers: [{ kind: 'EMAIL', digest: unknown.forgetProfile.identifiers[0]!.digest, alreadySuppressed: true }] });

    const audit = await client.data(ForgetRequestsDocument, { first: 2 });
    expect(audit.forgetRequests.nodes.map((n) => n.id)).toEqual([again.forgetProfile.id, unknown.forgetProfile.id]);
    expect(audit.forgetRequests.pageInfo.hasNextPage).toBe(true);
    const rest = await client.data(ForgetRequestsDocument, { first: 10, after: audit.forgetRequests.pageInfo.endCursor });
    expect(rest.forgetRequests.nodes.map((n) => n.id)).toEqual([byId.forgetProfile.id, byPhone.forgetProfile.id]);
  });

  test('bad requests say what is wrong and change nothing', async () => {
    const { client } = await newNamespace(getApp().url);
    const none = await client.request(ForgetProfileDocument, { input: {} as never });
    expect(none.errors![0]!.message).toContain('Exactly one key must be specified for OneOf type "ForgetProfileInput"');
    const two = await client.request(ForgetProfileDocument, { input: { email: 'a@example.com', phone: '+14155550151' } as never });
    expect(two.errors![0]!.message).toContain('Exactly one key must be specified for OneOf type "ForgetProfileInput"');
    const badEmail = await client.request(ForgetProfileDocument, { input: { email: 'not-an-email' } });
    expect(badEmail.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(badEmail.errors![0]!.message).toMatch(/^input\.email: "not-an-email" is not a valid email address/);
    const badPhone = await client.request(ForgetProfileDocument, { input: { phone: '12' } });
    expect(badPhone.errors![0]!.message).toMatch(/^input\.phone: "12" is not a valid phone number/);
    expect((await client.request(ForgetProfileDocument, { input: { profileId: '999999' } })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect((await client.data(ForgetRequestsDocument, {})).forgetRequests.nodes).toEqual([]);
  });

  test('namespaces are sealed: a request in one namespace never touches another, and the same email hashes differently', async () => {
    const a = await newNamespace(getApp().url);
    const b = await newNamespace(getApp().url);
    const inA = (await a.client.data(UpsertProfileDocument, { input: { email: 'shared@example.com', phones: ['+14155550161'] } })).upsertProfile.profile.id;
    expect((await b.client.request(ForgetProfileDocument, { input: { profileId: inA } })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    const fromB = await b.client.data(ForgetProfileDocument, { input: { email: 'shared@example.com' } });
    expect(fromB.forgetProfile).toMatchObject({ found: false, removed: { profiles: 0 } });
    expect((await a.client.request(ProfileByEmailDocument, { email: 'shared@example.com' })).data!.profileByEmail).toMatchObject({ id: inA });
    expect((await a.client.data(UpsertProfilesOutcomeDocument, { inputs: [{ email: 'shared@example.com', firstName: 'Still A' }] })).upsertProfiles.results[0]!.outcome).toBe('UPDATED');
    expect((await a.client.data(ForgetRequestsDocument, {})).forgetRequests.nodes).toEqual([]);
    const fromA = await a.client.data(ForgetProfileDocument, { input: { email: 'shared@example.com' } });
    const emailDigest = (r: typeof fromA) => r.forgetProfile.identifiers.find((i) => i.kind === 'EMAIL')!.digest;
    expect(emailDigest(fromA)).not.toBe(emailDigest(fromB));
    expect((await b.client.data(ForgetRequestsDocument, {})).forgetRequests.nodes.map((n) => n.id)).toEqual([fromB.forgetProfile.id]);
  });

  test('forgetting removes the person from snapshots already taken (the one before the merge held the absorbed profile, folded into the survivor by the merge) and from stored memberships, with exact counts; another namespace\'s snapshot is untouched', async () => {
    const { client, namespaceId } = await newNamespace(getApp().url);
    const email = 'snapshotted@example.com';
    const keep = (await client.data(UpsertProfileDocument, { input: { email: 'stays@example.com', firstName: 'Stays' } })).upsertProfile.profile.id;
    const person = (await client.data(UpsertProfileDocument, { input: { email, phones: ['+14155550131'] } })).upsertProfile.profile.id;
    const phoneOnly = (await client.data(UpsertProfileDocument, { input: { phones: ['+14155550132'], firstName: 'Phone' } })).upsertProfile.profile.id;
    const { createSegment: named } = await client.data(CreateSegmentDocument, { input: { name: 'Named', definition: { expression: 'first_name is set' } } });
    const members = async (snapshotId: string) => {
      const { segmentSnapshot } = await client.data(SnapshotMembersDocument, { id: snapshotId, first: 10 });
      return { count: segmentSnapshot.count, members: segmentSnapshot.members.nodes.map((n) => ({ profileId: n.profileId, holdout: n.holdout })).sort((a, b) => a.profileId.localeCompare(b.profileId)) };
    };
    const holdoutOf = async (snapshotId: string) => (await client.data(SnapshotMembersDocument, { id: snapshotId, first: 10, group: 'HOLDOUT' })).segmentSnapshot.count;

    // Before the merge: the phone-only profile is a member; then it is absorbed into the email's profile.
    const before = (await client.data(SnapshotSegmentDocument, { id: named.id, label: 'before merge', holdout: { percent: 50 } })).snapshotSegment;
    await client.data(EvaluateSegmentMembershipDocument, { id: named.id });
    const merged = (await client.data(UpsertProfileDocument, { input: { email, phones: ['+14155550131', '+14155550132'], firstName: 'Forgotten' } })).upsertProfile;
    expect({ id: merged.profile.id, absorbed: merged.mergedProfileIds }).toEqual({ id: person, absorbed: [phoneOnly] });
    const after = (await client.data(SnapshotSegmentDocument, { id: named.id, label: 'after merge', holdout: { percent: 50 } })).snapshotSegment;
    await client.data(EvaluateSegmentMembershipDocument, { id: named.id });
    // The merge folded the absorbed profile's membership into the survivor's, in the snapshot taken before it too.
    expect((await members(before.id)).members.map((m) => m.profileId).sort()).toEqual([keep, person].sort());
    expect((await members(after.id)).members.map((m) => m.profileId).sort()).toEqual([keep, person].sort());
    const keptMember = (await members(after.id)).members.find((m) => m.profileId === keep)!;

    // Another namespace holds the same email in a snapshot of its own.
    const other = await newNamespace(getApp().url);
    const otherPerson = (await other.client.data(UpsertProfileDocument, { input: { email, firstName: 'Same Email' } })).upsertProfile.profile.id;
    const { createSegment: otherNamed } = await other.client.data(CreateSegmentDocument, { input: { name: 'Named', definition: { expression: 'first_name is set' } } });
    const otherSnapshot = (await other.client.data(SnapshotSegmentDocument, { id: otherNamed.id })).snapshotSegment;

    expect((await client.data(ForgetProfileDocument, { input: { email } })).forgetProfile.removed).toMatchObject({ profiles: 2, mergedProfiles: 1 });

    // Both snapshots keep only the profile that stays, with counts (and holdout counts) that match their members.
    for (const snapshot of [before, after]) {
      expect(await members(snapshot.id)).toEqual({ count: 1, members: [keptMember] });
      expect(await holdoutOf(snapshot.id)).toBe(keptMember.holdout ? 1 : 0);
    }
    const changes = (await client.data(SegmentChangesDocument, { id: named.id, since: '2000-01-01T00:00:00Z', first: 50 })).segmentChanges.nodes;
    expect(changes.map((c) => c.profileId)).toEqual([keep]);
    const sql = new Sql(getApp().app.db.orm.em.fork());
    const left = await sql.one<{ members: string; memberships: string; changes: string }>(
      `select (select count(*) from segment_snapshot_member m where m.namespace_id = $1) as members,
              (select count(*) from segment_membership m where m.namespace_id = $1) as memberships,
              (select count(*) from segment_membership_change c where c.namespace_id = $1) as changes`,
      [namespaceId],
    );
    expect({ members: Number(left!.members), memberships: Number(left!.memberships), changes: Number(left!.changes) }).toEqual({ members: 2, memberships: 1, changes: 1 });

    const { segmentSnapshot: untouched } = await other.client.data(SnapshotMembersDocument, { id: otherSnapshot.id, first: 10 });
    expect({ count: untouched.count, ids: untouched.members.nodes.map((n) => n.profileId) }).toEqual({ count: 1, ids: [otherPerson] });
  });

  test('only CLIENT_ADMIN forgets or reads the audit', async () => {
    const { client } = await newNamespace(getApp().url);
    await client.data(UpsertProfileDocument, { input: { email: 'kept@example.com' } });
    for (const role of ['VIEWER', 'MARKETER', 'DATA_MANAGER'] as const) {
      const { createApiKey } = await client.data(CreateApiKeyDocument, { input: { name: role, role } });
      const other = client.withKey(createApiKey.secret);
      expect((await other.request(ForgetProfileDocument, { input: { email: 'kept@example.com' } })).errors![0]).toMatchObject({
        message: `The ${role} role may not forget profiles; it needs one of: CLIENT_ADMIN.`, extensions: { code: 'FORBIDDEN' },
      });
      expect((await other.request(ForgetRequestsDocument, {})).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    }
    expect((await client.request(ProfileByEmailDocument, { email: 'kept@example.com' })).data!.profileByEmail).not.toBeNull();
  });
});
