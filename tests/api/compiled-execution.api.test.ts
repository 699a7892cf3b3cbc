import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { buildClientSchema, getIntrospectionQuery, lexicographicSortSchema, print, printSchema, type DocumentNode, type IntrospectionQuery } from 'graphql';
import type { DatabaseTarget } from '../../src/db/database';
import {
  CreateSegmentDocument, Customer360Document, CustomFieldsDocument, DefineCustomFieldDocument, EventFieldsDocument, ProfileDocument,
  ProfileFieldsDocument, ProfilePageDocument, ProfilePageSegmentsDocument, ProfileSegmentsDocument, SegmentCountDocument, SegmentMembersDocument,
  SegmentsDocument, SetEmailStatusDocument, SetSmsStatusDocument, TrackEventsDocument, UpsertProfilesDocument, ValidateSegmentDocument, ViewerDocument,
} from '../generated/graphql';
import { startTestApp, type TestApp } from '../support/app';
import { newNamespace } from '../support/client';
import { lastingTestDatabase, TEST_TARGETS } from '../support/databases';
import { toJsonText } from '../support/hostile';

interface Probe {
  readonly name: string;
  readonly query: string;
  readonly variables?: Record<string, unknown>;
}

interface Answer {
  readonly name: string;
  readonly status: number;
  readonly statements: string | null;
  /** The response body as sent: compared byte for byte. */
  readonly text: string;
}

const AS_OF = '2026-06-01T00:00:00.000Z';

/** Requests whose answers depend only on the data: reads, failing writes, bad variables, introspection. */
function probes(ids: { profile: string; segment: string }): Probe[] {
  const op = (name: string, document: DocumentNode, variables?: Record<string, unknown>): Probe => ({ name, query: print(document), variables });
  return [
    op('ProfilePage', ProfilePageDocument, { first: 100, events: 5 }),
    op('ProfilePage, second page', ProfilePageDocument, { first: 2, after: null, events: 1 }),
    op('Customer360', Customer360Document, { id: ids.profile, events: 2, consent: 5 }),
    op('ProfileSegments', ProfileSegmentsDocument, { id: ids.profile, asOf: AS_OF }),
    op('ProfilePageSegments', ProfilePageSegmentsDocument, { first: 10, asOf: AS_OF }),
    op('Segments', SegmentsDocument, { first: 10 }),
    op('SegmentMembers', SegmentMembersDocument, { id: ids.segment, first: 2, asOf: AS_OF }),
    op('SegmentCount', SegmentCountDocument, { id: ids.segment, asOf: AS_OF }),
    op('ValidateSegment with a typo', ValidateSegmentDocument, { definition: { expression: 'custom.tierr = "gold" and' } }),
    op('ProfileFields', ProfileFieldsDocument),
    op('CustomFields', CustomFieldsDocument),
    op('EventFields', EventFieldsDocument),
    op('Viewer', ViewerDocument),
    // Errors: an AppError from a resolver, one from argument checks, bad and missing variables.
    op('Profile not found', ProfileDocument, { id: '999999' }),
    op('ProfilePage too large', ProfilePageDocument, { first: 501 }),
    op('ProfilePage bad cursor', ProfilePageDocument, { first: 5, after: 'bm9wZQ' }),
    op('ProfilePage variable of the wrong type', ProfilePageDocument, { first: 'ten' }),
    op('ProfilePage variable missing', ProfilePageDocument, {}),
    op('SetEmailStatus of an unknown profile (input default source)', SetEmailStatusDocument, { input: { profileId: '999999', status: 'SUBSCRIBED' } }),
    op('SetEmailStatus with both identifiers (oneOf-like check)', SetEmailStatusDocument, { input: { profileId: ids.profile, email: 'x@example.com', status: 'SUBSCRIBED' } }),
    op('SetSmsStatus with a bad phone', SetSmsStatusDocument, { input: { phone: '12', status: 'SUBSCRIBED' } }),
    // A hand-written document: aliases, fragments, directives, __typename, literals with defaults.
    {
      name: 'aliases, fragments and directives',
      query: `query Mixed($withEvents: Boolean!, $skipChannels: Boolean = true) {
        a: profiles(first: 2) { nodes { __typename ...Who events(first: 1) @include(if: $withEvents) { nodes { type properties } } } }
        b: profiles(first: 1) { nodes { id channels @skip(if: $skipChannels) { email { status } sms { phone status } } } pageInfo { hasNextPage endCursor } }
      }
      fragment Who on Profile { id email custom reserved { lastPurchaseDate emailHashNumber } dimensions { emailStatus firstIdentifiedDate } }`,
      variables: { withEvents: true },
    },
    {
      // Literals and aliases reach graphql-jit's generated code: quotes, backticks, template and
      // escape sequences, and aliases named like Object's own properties. (No profiles page beside
      // the lookups: it primes the profile loader, and whether the lookup's load comes before or
      // after that is a race, so the statement count would vary.)
      name: 'hostile literals and aliases',
      query: `query Hostile {
        __proto__: profileByEmail(email: "a\\"b\`\${process.exit(1)}\\\\n'c@example.com") { id }
        constructor: profileByPhone(phone: "+1 415 555 2671\\u0000") { id }
        toString: segments(first: 1) { nodes { hasOwnProperty: id valueOf: name } }
      }`,
    },
    {
      // graphql-jit builds literals when it compiles: a variable inside a JSON literal would be
      // dropped (so the unknown custom field below would go unreported), and a left-out one would
      // become null. The write fails on its email either way, so nothing is stored.
      name: 'variables inside literals',
      query: `mutation Literals($v: String, $left: String) {
        upsertProfiles(inputs: [{ email: "not an email", lastName: $left, custom: { nope: $v } }]) { failed results { errors { path message } } }
      }`,
      variables: { v: 'x' },
    },
    {
      name: 'two failing mutations keep their own paths',
      query: `mutation Two {
        a: createSegment(input: { name: "", definition: { expression: "first_name is set" } }) { id }
        b: createSegment(input: { name: "broken", definition: { expression: "first_name ==" } }) { id }
      }`,
    },
  ];
}

async function ask(app: TestApp, key: string, probe: Probe): Promise<Answer> {
  const response = await fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: toJsonText({ query: probe.query, variables: probe.variables }),
  });
  return { name: probe.name, status: response.status, statements: response.headers.get('x-sql-statements'), text: await response.text() };
}

async function askAll(app: TestApp, key: string, all: readonly Probe[]): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (const probe of all) answers.push(await ask(app, key, probe));
  return answers;
}

/**
 * The compiled executor (graphql-jit, the default) against graphql-js on the same stored data: every
 * answer, errors and SQL statement counts included, must be the same byte for byte, on the request
 * that compiles an operation and on the ones that reuse it.
 */
describe.each(TEST_TARGETS)('compiled and interpreted GraphQL execution on $name', (target) => {
  let database: DatabaseTarget;
  let cleanup: (() => Promise<void>) | undefined;
  const started: TestApp[] = [];

  beforeAll(async () => {
    ({ database, drop: cleanup } = await lastingTestDatabase(target, 'ag-compiled-'));
  });

  afterAll(async () => {
    for (const app of started) await app.close().catch(() => undefined);
    await cleanup?.();
  });

  async function start(compiledExecution: boolean): Promise<TestApp> {
    // The target only decides whether startTestApp makes a scratch database; this one is ours.
    const app = await startTestApp({ name: 'pglite' }, { database, compiledExecution, jobConcurrency: 0 });
    started.push(app);
    return app;
  }

  test('every answer, error and statement count is the same as graphql-js gives', async () => {
    const compiled = await start(true);
    const { client } = await newNamespace(compiled.url);
    await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING' } });
    await client.data(DefineCustomFieldDocument, { input: { key: 'vip', type: 'BOOLEAN' } });
    const upserted = await client.data(UpsertProfilesDocument, {
      inputs: [
        { email: 'ann@example.com', firstName: 'Ann', phones: ['+14155552671', '+14155552672'], custom: { tier: 'gold', vip: true }, birthdayDay: 3, birthdayMonth: 4 },
        { email: 'bo@example.com', lastName: 'Bo', custom: { tier: 'silver' } },
        { phones: ['+14155552673'], firstName: 'Phone only' },
      ],
    });
    const ann = upserted.upsertProfiles.results[0]!.profileId!;
    await client.data(TrackEventsDocument, {
      events: [
        { type: 'purchase', created: '2026-01-02T03:04:05Z', email: 'ann@example.com', properties: { total: 12.5, items: ['a', 'b'], nested: { x: null } }, clientEventId: 'o-1' },
        { type: 'email_sent', created: '2026-01-03T00:00:00Z', email: 'ann@example.com' },
        { type: 'purchase', created: '2026-02-01T00:00:00Z', createdOverride: '2026-01-31T00:00:00+01:00', email: 'bo@example.com', properties: { total: 3 } },
      ],
    });
    await client.data(SetEmailStatusDocument, { input: { email: 'ann@example.com', status: 'SUBSCRIBED' } });
    await client.data(SetSmsStatusDocument, { input: { phone: '+14155552671', status: 'SUBSCRIBED', method: 'SINGLE' } });
    const segment = (await client.data(CreateSegmentDocument, { input: { name: 'Buyers', definition: { expression: 'did purchase at least 1 time' } } })).createSegment;
    const all = probes({ profile: ann, segment: segment.id });

    // An operation is interpreted on its first request, compiled on its second, reused on the third.
    await askAll(compiled, client.key!, all);
    const compiling = await askAll(compiled, client.key!, all);
    const reusing = await askAll(compiled, client.key!, all);
    const introspectionQuery = { name: 'introspection', query: getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true, oneOf: true }) };
    await ask(compiled, client.key!, introspectionQuery);
    const introspection = await ask(compiled, client.key!, introspectionQuery);
    await compiled.close();
    started.pop();
    const second = await start(false);
    const interpreted = await askAll(second, client.key!, all);
    const interpretedAgain = await askAll(second, client.key!, all);

    // The first pass of each process differs only in what its evaluation cache already held (the
    // compiled one created the segment), so its statement counts are compared on the second pass.
    const withoutCounts = (answers: Answer[]) => answers.map(({ statements: _, ...rest }) => rest);
    expect(withoutCounts(compiling)).toEqual(withoutCounts(interpreted));
    expect(reusing).toEqual(interpretedAgain);
    // Introspection through the compiled executor describes exactly the committed schema.
    const described = buildClientSchema((JSON.parse(introspection.text) as { data: IntrospectionQuery }).data);
    expect(`${printSchema(lexicographicSortSchema(described))}\n`).toBe(readFileSync(join(__dirname, '../../schema/schema.graphql'), 'utf8'));
    // The probes reach data and errors, not only empty answers.
    const byName = new Map(interpreted.map((a) => [a.name, a]));
    expect(byName.get('ProfilePage')!.text).toContain('"total":12.5');
    expect(byName.get('Profile not found')!.text).toContain('NOT_FOUND');
    expect(byName.get('ProfilePage variable of the wrong type')!.text).toContain('BAD_USER_INPUT');
    expect(byName.get('SetEmailStatus of an unknown profile (input default source)')!.text).toContain('NOT_FOUND');
    expect((JSON.parse(byName.get('two failing mutations keep their own paths')!.text) as { errors: { path: string[] }[] }).errors.map((e) => e.path)).toEqual([['a'], ['b']]);
    expect(byName.get('variables inside literals')!.text).toContain('"path":["inputs","0","custom","nope"]');
    expect(byName.get('ProfilePage')!.statements).toBe('3');
    expect(interpretedAgain.find((a) => a.name === 'SegmentMembers')!.statements).toBe('2');
  });
});
