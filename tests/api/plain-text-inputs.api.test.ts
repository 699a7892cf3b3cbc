import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  CreateApiKeyDocument, CreateNamespaceDocument, CreateSegmentDocument, Customer360Document, DefineCustomFieldDocument, DeleteSegmentDocument, RevokeApiKeyDocument,
  SegmentDocument, SegmentsDocument, UpdateCustomFieldDocument, UpdateSegmentDocument, UpsertProfileDocument, ValidateSegmentDocument,
} from '../generated/graphql';
import { describeEachApp, TEST_ADMIN_TOKEN } from '../support/app';
import { GraphQLClient, newNamespace, type GraphQLResult } from '../support/client';
import { hostile } from '../support/hostile';

// Issue 12 §3 (rest) and §5: plain-text inputs that used to give INTERNAL_SERVER_ERROR with a NUL,
// a lone surrogate, a `;` or a year PostgreSQL cannot read are a clear BAD_USER_INPUT (or
// NOT_FOUND), and nothing is written.
const NUL = hostile('nul');
const HIGH = hostile('lone high surrogate');
const NUL_MESSAGE = 'contains a NUL character (U+0000) at position 1, which cannot be stored; remove it';
const HIGH_MESSAGE = 'contains a lone surrogate (U+D800) at position 1, which is not valid Unicode; send well-formed UTF-8 text';
const CURSOR_MESSAGE = 'is not a cursor from this connection; pass a pageInfo.endCursor you received';

const ProfileEventsOfTypeDocument = parse(`query ProfileEventsOfType($id: ID!, $type: String) { profile(id: $id) { id events(first: 5, type: $type) { nodes { type } } } }`) as TypedDocumentNode<{ profile: { events: { nodes: { type: string }[] } } }, { id: string; type: string }>;

function expectError(result: GraphQLResult<unknown>, code: string, message: string, problem?: { path: string[]; message: string }): void {
  expect(result.errors).toHaveLength(1);
  const [error] = result.errors!;
  expect(error).toMatchObject({ message, extensions: { code } });
  if (problem) {
    const problems = (error!.extensions!.problems as { path: string[]; message: string }[]).map(({ path, message }) => ({ path, message }));
    expect(problems).toEqual([{ path: problem.path, message: problem.message }]);
  }
}

describeEachApp('plain-text inputs refuse what PostgreSQL cannot store', (getApp) => {
  const definition = { expression: 'first_name is set' };

  test('createSegment: NUL in the name, lone surrogate in the description', async () => {
    const { client } = await newNamespace(getApp().url);
    expectError(await client.request(CreateSegmentDocument, { input: { name: NUL, definition } }), 'BAD_USER_INPUT', `input.name: ${NUL_MESSAGE}`, { path: ['input', 'name'], message: NUL_MESSAGE });
    expectError(await client.request(CreateSegmentDocument, { input: { name: 'VIP', description: `a${HIGH.slice(1)}`, definition } }), 'BAD_USER_INPUT', `input.description: ${HIGH_MESSAGE}`, { path: ['input', 'description'], message: HIGH_MESSAGE });
    expect((await client.data(SegmentsDocument, { first: 10 })).segments.nodes).toEqual([]);
  });

  test('updateSegment: NUL in the name and description; nothing changes', async () => {
    const { client } = await newNamespace(getApp().url);
    const created = (await client.data(CreateSegmentDocument, { input: { name: 'VIP', definition } })).createSegment;
    expectError(await client.request(UpdateSegmentDocument, { id: created.id, input: { name: NUL } }), 'BAD_USER_INPUT', `input.name: ${NUL_MESSAGE}`);
    expectError(await client.request(UpdateSegmentDocument, { id: created.id, input: { description: NUL } }), 'BAD_USER_INPUT', `input.description: ${NUL_MESSAGE}`);
    expect((await client.data(SegmentDocument, { id: created.id })).segment).toMatchObject({ name: 'VIP', description: '', version: 1 });
  });

  test('createApiKey: NUL in the name', async () => {
    const { client } = await newNamespace(getApp().url);
    expectError(await client.request(CreateApiKeyDocument, { input: { name: NUL, role: 'VIEWER' } }), 'BAD_USER_INPUT', `input.name: ${NUL_MESSAGE}`, { path: ['input', 'name'], message: NUL_MESSAGE });
    expectError(await client.request(CreateApiKeyDocument, { input: { name: HIGH, role: 'VIEWER' } }), 'BAD_USER_INPUT', `input.name: ${HIGH_MESSAGE}`);
  });

  test('revokeApiKey(id: "nope") and a NUL id are NOT_FOUND', async () => {
    const { client } = await newNamespace(getApp().url);
    expectError(await client.request(RevokeApiKeyDocument, { id: 'nope' }), 'NOT_FOUND', 'API key "nope" was not found in this namespace.');
    expectError(await client.request(RevokeApiKeyDocument, { id: NUL }), 'NOT_FOUND', 'API key "a\\u0000b" was not found in this namespace.');
  });

  test('defineCustomField and updateCustomField: NUL in the description; an unknown key with a NUL is NOT_FOUND', async () => {
    const { client } = await newNamespace(getApp().url);
    expectError(await client.request(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING', description: NUL } }), 'BAD_USER_INPUT', `input.description: ${NUL_MESSAGE}`, { path: ['input', 'description'], message: NUL_MESSAGE });
    await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING', description: 'Loyalty tier' } });
    expectError(await client.request(UpdateCustomFieldDocument, { key: 'tier', input: { description: HIGH } }), 'BAD_USER_INPUT', `input.description: ${HIGH_MESSAGE}`);
    expectError(await client.request(UpdateCustomFieldDocument, { key: NUL, input: { description: 'x' } }), 'NOT_FOUND', 'Custom field "a\\u0000b" was not found in this namespace.');
  });

  test('createNamespace: NUL in the name', async () => {
    const admin = new GraphQLClient(getApp().url, TEST_ADMIN_TOKEN);
    expectError(await admin.request(CreateNamespaceDocument, { input: { slug: 'nul-name', name: NUL } }), 'BAD_USER_INPUT', `input.name: ${NUL_MESSAGE}`, { path: ['input', 'name'], message: NUL_MESSAGE });
  });

  test('profile events(type:) with a NUL or a lone surrogate', async () => {
    const { client } = await newNamespace(getApp().url);
    const profile = (await client.data(UpsertProfileDocument, { input: { email: 'ann@example.com' } })).upsertProfile.profile;
    expectError(await client.request(ProfileEventsOfTypeDocument, { id: profile.id, type: NUL }), 'BAD_USER_INPUT', `type: ${NUL_MESSAGE}`);
    expectError(await client.request(ProfileEventsOfTypeDocument, { id: profile.id, type: HIGH }), 'BAD_USER_INPUT', `type: ${HIGH_MESSAGE}`);
    expect((await client.data(ProfileEventsOfTypeDocument, { id: profile.id, type: 'purchase' })).profile.events.nodes).toEqual([]);
  });

  test.each([
    // The text lexer refuses control characters inside a string; the JSON form reaches the lookup.
    ['in segment with a NUL', hostile('in segment nul'), 'SYNTAX_ERROR', 'seg_\u0000'],
    ['in segment with a semicolon', hostile('in segment semicolon'), 'UNKNOWN_SEGMENT', 'seg_x;'],
  ])('validateSegment and createSegment: %s is refused', async (_name, expression, textCode, id) => {
    const { client } = await newNamespace(getApp().url);
    const validation = (await client.data(ValidateSegmentDocument, { definition: { expression } })).validateSegment;
    expect(validation.valid).toBe(false);
    expect(validation.errors.map((e) => e.code)).toEqual([textCode]);
    const json = (await client.data(ValidateSegmentDocument, { definition: { filter: { segment: id } } })).validateSegment;
    expect(json.errors.map((e) => e.code)).toEqual(['UNKNOWN_SEGMENT']);
    const created = await client.request(CreateSegmentDocument, { input: { name: 'ref', definition: { expression } } });
    expect(created.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  test.each([
    ['a segment id with a semicolon', 'seg_x;'],
    ['a NUL', NUL],
    ['a quote', "seg_x'"],
    ['the right shape of another namespace', 'seg_0000000000000000'],
  ])('segment, updateSegment, deleteSegment with %s are NOT_FOUND', async (_name, id) => {
    const { client } = await newNamespace(getApp().url);
    const message = `Segment ${JSON.stringify(id)} was not found in this namespace.`;
    expectError(await client.request(SegmentDocument, { id }), 'NOT_FOUND', message);
    expectError(await client.request(DeleteSegmentDocument, { id }), 'NOT_FOUND', message);
    expectError(await client.request(UpdateSegmentDocument, { id, input: { name: 'x' } }), 'NOT_FOUND', message);
  });

  test.each([
    ['a segment name with a NUL', 'cursor: segment name with nul'],
    ['a segment name with an escaped NUL', 'cursor: segment name with escaped nul'],
    ['a segment id with a semicolon', 'cursor: segment id with semicolon'],
    ['a year of 275760', 'cursor: year 275760'],
    ['text that is not JSON', 'cursor: not json'],
  ])('segments(after:) with %s', async (_name, cursor) => {
    const { client } = await newNamespace(getApp().url);
    await client.data(CreateSegmentDocument, { input: { name: 'VIP', definition } });
    expectError(await client.request(SegmentsDocument, { first: 5, after: hostile(cursor) }), 'BAD_USER_INPUT', `after: ${CURSOR_MESSAGE}`);
  });

  test.each([
    ['a year of 275760', hostile('cursor: year 275760')],
    ['a NUL in the instant', Buffer.from('t:2026-01-01T00:00:00.000Z\u0000:1').toString('base64url')],
    ['a year 0', Buffer.from('t:0000-01-01T00:00:00.000Z:1').toString('base64url')],
  ])('profile events(after:) with %s', async (_name, cursor) => {
    const { client } = await newNamespace(getApp().url);
    const profile = (await client.data(UpsertProfileDocument, { input: { email: 'ann@example.com' } })).upsertProfile.profile;
    expectError(await client.request(Customer360Document, { id: profile.id, eventsAfter: cursor }), 'BAD_USER_INPUT', `after: ${CURSOR_MESSAGE}`);
  });
});
