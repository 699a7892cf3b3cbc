import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import {
  Customer360Document, PreviewSegmentDocument, ProfileByEmailDocument, ProfilePageDocument, SetEmailStatusDocument, TrackEventsDocument, UpsertProfilesDocument,
} from '../generated/graphql';
import { describeEachApp } from '../support/app';
import { newNamespace } from '../support/client';

/** Schema conventions (issue 9 §5): typed times, enums, Relay page info and error locations. */
describeEachApp('schema conventions over HTTP', (getApp) => {
  test('an event time without a UTC offset is refused, saying the offset is missing, and nothing is stored', async () => {
    const { client } = await newNamespace(getApp().url);
    const local = await client.request(TrackEventsDocument, {
      events: [
        { type: 'purchase', created: '2026-11-28T09:30:00Z', email: 'ok@example.com' },
        { type: 'purchase', created: '2026-11-28T09:30:00', email: 'late@example.com' },
      ],
    });
    expect(local.data).toBeNull();
    expect(local.errors).toEqual([
      {
        message: 'Variable "$events" got invalid value "2026-11-28T09:30:00" at "events[1].created"; DateTime "2026-11-28T09:30:00" has no UTC offset: add Z (UTC) or ±HH:MM, e.g. 2026-11-28T09:30:00Z',
        locations: [expect.any(Object)],
        extensions: { code: 'BAD_USER_INPUT' },
      },
    ]);
    const override = await client.request(TrackEventsDocument, { events: [{ type: 'purchase', created: '2026-11-28T09:30:00Z', createdOverride: '2026-11-28', email: 'ok@example.com' }] });
    expect(override.errors![0]!.message).toContain('at "events[0].createdOverride"; DateTime "2026-11-28" is a date without a time and UTC offset: send e.g. 2026-11-28T00:00:00Z');
    const page = await client.data(ProfilePageDocument, { first: 10 });
    expect(page.profiles.nodes).toEqual([]);

    const stored = await client.data(TrackEventsDocument, { events: [{ type: 'purchase', created: '2026-11-28T10:30:00+01:00', createdOverride: '2026-11-28T12:00:00-02:00', email: 'ok@example.com' }] });
    expect(stored.trackEvents).toMatchObject({ accepted: 1, rejected: 0 });
    const profile = await client.data(Customer360Document, { id: stored.trackEvents.results[0]!.profileId! });
    expect(profile.profile.events.nodes.map((e) => [e.created, e.createdOverride, e.occurredAt])).toEqual([
      ['2026-11-28T09:30:00.000Z', '2026-11-28T14:00:00.000Z', '2026-11-28T14:00:00.000Z'],
    ]);
  });

  test('consent history reports enums for its statuses and source', async () => {
    const { client } = await newNamespace(getApp().url);
    const { setEmailStatus } = await client.data(SetEmailStatusDocument, { input: { email: 'c@example.com', status: 'SUBSCRIBED', source: 'FORM' } });
    await client.data(SetEmailStatusDocument, { input: { profileId: setEmailStatus.id, status: 'UNSUBSCRIBED', source: 'UNSUBSCRIBE_LINK' } });
    const { profile } = await client.data(Customer360Document, { id: setEmailStatus.id });
    expect(profile.consentHistory.nodes.map((c) => [c.channel, c.fromStatus, c.toStatus, c.source])).toEqual([
      ['EMAIL', 'SUBSCRIBED', 'UNSUBSCRIBED', 'UNSUBSCRIBE_LINK'],
      ['EMAIL', 'KNOWN', 'SUBSCRIBED', 'FORM'],
      ['EMAIL', null, 'KNOWN', 'API'],
    ]);
  });

  test('PageInfo has startCursor and hasPreviousPage', async () => {
    const { client } = await newNamespace(getApp().url);
    await client.data(UpsertProfilesDocument, { inputs: ['a', 'b', 'c'].map((x) => ({ email: `${x}@example.com` })) });
    const first = await client.data(ProfilePageDocument, { first: 2 });
    expect(first.profiles.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: expect.any(String), endCursor: expect.any(String) });
    expect(first.profiles.pageInfo.startCursor).not.toBe(first.profiles.pageInfo.endCursor);
    const second = await client.data(ProfilePageDocument, { first: 2, after: first.profiles.pageInfo.endCursor });
    expect(second.profiles.nodes.map((n) => n.email)).toEqual(['c@example.com']);
    expect(second.profiles.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: second.profiles.pageInfo.endCursor, endCursor: expect.any(String) });
    const empty = await client.data(ProfilePageDocument, { first: 2, after: second.profiles.pageInfo.endCursor });
    expect(empty.profiles.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null });
  });

  test('previewSegment problems point at definition.expression, its argument', async () => {
    const { client } = await newNamespace(getApp().url);
    const preview = await client.request(PreviewSegmentDocument, { definition: { expression: 'frist_name = "x"' } });
    expect(preview.errors).toHaveLength(1);
    expect(preview.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      problems: [expect.objectContaining({ path: ['definition', 'expression'], code: 'UNKNOWN_FIELD', line: 1, column: 1 })],
    });
  });

  test('one failing mutation of several nulls only its own field; the others keep their results', async () => {
    const { client } = await newNamespace(getApp().url);
    type Created = { id: string; name: string } | null;
    const three = parse(`mutation {
      a: createSegment(input: { name: "A", definition: { expression: "first_name is set" } }) { id name }
      b: createSegment(input: { name: "B", definition: { expression: "frist_name is set" } }) { id name }
      c: createSegment(input: { name: "C", definition: { expression: "last_name is set" } }) { id name }
    }`) as TypedDocumentNode<{ a: Created; b: Created; c: Created }, Record<string, never>>;
    const result = await client.request(three, {});
    expect(result.data).toEqual({ a: { id: expect.stringMatching(/^seg_/), name: 'A' }, b: null, c: { id: expect.stringMatching(/^seg_/), name: 'C' } });
    expect(result.errors).toEqual([
      expect.objectContaining({
        path: ['b'],
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', problems: [expect.objectContaining({ path: ['input', 'definition', 'expression'], code: 'UNKNOWN_FIELD', line: 1, column: 1 })] }),
      }),
    ]);
  });

  test('upsertProfiles sets email and SMS statuses in bulk, with their history; a refused change refuses its write', async () => {
    const { client } = await newNamespace(getApp().url);
    const consentWrites = (n: number) => Array.from({ length: n }, (_, i) => ({ email: `bulk${i}@example.com`, phones: [`+1415555${String(1000 + i)}`], emailStatus: 'SUBSCRIBED' as const, smsStatus: 'SUBSCRIBED' as const, consentSource: 'FORM' as const }));
    const one = await client.request(UpsertProfilesDocument, { inputs: consentWrites(1) });
    const many = await client.request(UpsertProfilesDocument, { inputs: consentWrites(60).slice(1) });
    expect([one.data!.upsertProfiles!.succeeded, many.data!.upsertProfiles!.succeeded]).toEqual([1, 59]);
    // Set-based: the same statements for 1 write and for 59.
    expect(many.statements).toBe(one.statements);

    const result = await client.data(UpsertProfilesDocument, {
      inputs: [
        { email: 'bulk1@example.com', emailStatus: 'UNSUBSCRIBED', consentSource: 'UNSUBSCRIBE_LINK' },
        { email: 'bulk2@example.com', firstName: 'Never', emailStatus: 'KNOWN' },
        { phones: ['+14155551003'], smsStatus: 'PENDING' },
        { email: 'bulk4@example.com', smsStatus: 'UNSUBSCRIBED' },
      ],
    });
    expect(result.upsertProfiles.results.map((r) => r.errors)).toEqual([
      [],
      [{ path: ['inputs', '1', 'emailStatus'], message: 'email status is SUBSCRIBED and cannot change to KNOWN (a channel never returns to KNOWN); from SUBSCRIBED it can change to UNSUBSCRIBED' }],
      [{ path: ['inputs', '2', 'smsStatus'], message: 'phone +14155551003: SMS status is SUBSCRIBED and cannot change to PENDING; from SUBSCRIBED it can change to UNSUBSCRIBED' }],
      [{ path: ['inputs', '3', 'smsStatus'], message: 'needs phones in the same write: it sets the status of each phone the write names' }],
    ]);
    const { profile } = await client.data(Customer360Document, { id: result.upsertProfiles.results[0]!.profileId! });
    expect(profile.channels.email?.status).toBe('UNSUBSCRIBED');
    expect(profile.channels.sms.map((c) => [c.phone, c.status, c.optInMethod])).toEqual([['+14155551001', 'SUBSCRIBED', 'SINGLE']]);
    expect(profile.consentHistory.nodes.map((c) => [c.channel, c.phone, c.fromStatus, c.toStatus, c.optInMethod, c.source])).toEqual([
      ['EMAIL', null, 'SUBSCRIBED', 'UNSUBSCRIBED', null, 'UNSUBSCRIBE_LINK'],
      ['SMS', '+14155551001', 'KNOWN', 'SUBSCRIBED', 'SINGLE', 'FORM'],
      ['EMAIL', null, 'KNOWN', 'SUBSCRIBED', null, 'FORM'],
      ['SMS', '+14155551001', null, 'KNOWN', null, 'API'],
      ['EMAIL', null, null, 'KNOWN', null, 'API'],
    ]);
    const refused = await client.request(ProfileByEmailDocument, { email: 'bulk2@example.com' });
    expect(refused.data!.profileByEmail?.firstName).toBeNull();
  });
});
