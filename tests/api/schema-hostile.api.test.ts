import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema, getNamedType, getNullableType, isEnumType, isInputObjectType, isListType, isNonNullType, isObjectType, isScalarType,
  type GraphQLArgument, type GraphQLField, type GraphQLInputType, type GraphQLSchema,
} from 'graphql';
import {
  ApiKeysDocument, CreateApiKeyDocument, CreateSegmentDocument, CustomFieldsDocument, DefineCustomFieldDocument, ProfilePageDocument, SegmentsDocument,
  TrackEventsDocument, UpsertProfileDocument,
} from '../generated/graphql';
import { describeEachApp, TEST_ADMIN_TOKEN } from '../support/app';
import { type GraphQLClient, newNamespace } from '../support/client';
import { HOSTILE_JSON, HOSTILE_STRINGS, sampleFor, toJsonText, type HostileValue } from '../support/hostile';

// Issue 12, tests: the hostile corpus sent to every string argument (String, ID, DateTime, and
// JSON values) of every query and mutation, read from the schema itself, including string
// fields of input objects and the arguments of the fields of what a top-level field returns.
// Each site gets the corpus's core values plus a deterministic sample of the rest. Asserts: no
// INTERNAL_SERVER_ERROR and no 5xx, another namespace is untouched, /healthz still answers.
const SCHEMA: GraphQLSchema = buildSchema(readFileSync(join(__dirname, '../../schema/schema.graphql'), 'utf8'));
const EXTRA_PER_SITE = 1;
const PARALLEL = 4;

type Path = (string | number)[];

/** The valid values the namespace of the test offers: IDs to point at, and known keys. */
interface Fixture {
  readonly profileId: string;
  readonly segmentId: string;
  readonly keyId: string;
}

/** A valid value for a named field or argument, where the type alone is not enough. */
function namedValue(name: string, parent: string, fixture: Fixture): unknown {
  switch (name) {
    case 'email': return 'ann@example.com';
    case 'phone': return '+14155552671';
    case 'phones': return ['+14155552671'];
    case 'created': return '2026-01-01T00:00:00Z';
    case 'type': return 'purchase';
    case 'slug': return `ns-${Math.random().toString(36).slice(2, 10)}`;
    case 'key': return 'tier';
    case 'expression': return 'first_name is set';
    case 'body': return 'hello';
    case 'defaultRegion': return 'US';
    case 'profileId': return fixture.profileId;
    case 'id':
      if (parent === 'profile') return fixture.profileId;
      if (parent === 'revokeApiKey') return fixture.keyId;
      return fixture.segmentId;
    default: return undefined;
  }
}

/** A valid baseline for an input type: required fields filled, optional ones left out. */
function baseline(type: GraphQLInputType, name: string, parent: string, fixture: Fixture): unknown {
  const named = namedValue(name, parent, fixture);
  if (named !== undefined) return named;
  const inner = getNullableType(type) as GraphQLInputType;
  if (isListType(inner)) return [baseline(inner.ofType, name, parent, fixture)];
  if (isInputObjectType(inner)) {
    if (inner.name === 'SegmentDefinitionInput') return { expression: 'first_name is set' };
    const out: Record<string, unknown> = {};
    for (const field of Object.values(inner.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined) out[field.name] = baseline(field.type, field.name, inner.name, fixture);
    }
    return out;
  }
  if (isEnumType(inner)) return inner.getValues()[0]!.value;
  if (isScalarType(inner)) {
    switch (inner.name) {
      case 'Int': case 'Float': return 1;
      case 'Boolean': return false;
      case 'DateTime': return '2026-01-01T00:00:00Z';
      case 'JSON': case 'JSONObject': return {};
      default: return 'x';
    }
  }
  throw new Error(`no baseline for ${String(type)}`);
}

/** Where a hostile value can go: a path into an argument, with the kind of value that fits. */
interface Site {
  readonly arg: string;
  readonly path: Path;
  readonly kind: 'string' | 'json';
  /** The input object type that holds the last step, if any. */
  readonly holder?: string;
}

function sitesOf(type: GraphQLInputType, path: Path, arg: string, holder?: string, depth = 0): Site[] {
  const inner = getNullableType(type) as GraphQLInputType;
  if (isListType(inner)) return sitesOf(inner.ofType, [...path, 0], arg, holder, depth);
  if (isInputObjectType(inner)) {
    if (depth > 3) return [];
    return Object.values(inner.getFields()).flatMap((f) => sitesOf(f.type, [...path, f.name], arg, inner.name, depth + 1));
  }
  if (isScalarType(inner)) {
    if (['String', 'ID', 'DateTime'].includes(inner.name)) return [{ arg, path, kind: 'string', holder }];
    if (['JSON', 'JSONObject'].includes(inner.name)) return [{ arg, path, kind: 'json', holder }];
  }
  return [];
}

function setAt(root: Record<string, unknown>, site: Site, value: unknown): void {
  let target: Record<string, unknown> | unknown[] = root;
  const steps: Path = [site.arg, ...site.path];
  for (let i = 0; i < steps.length - 1; i++) {
    const step = steps[i]!;
    const container = target as Record<string | number, unknown>;
    container[step] ??= typeof steps[i + 1] === 'number' ? [{}] : {};
    target = container[step] as Record<string, unknown>;
  }
  const last = steps[steps.length - 1]!;
  // A definition holds exactly one of `filter` or `expression`.
  if (site.holder === 'SegmentDefinitionInput') for (const k of Object.keys(target)) delete (target as Record<string, unknown>)[k];
  (target as Record<string | number, unknown>)[last] = value;
}

function selection(field: GraphQLField<unknown, unknown>): string {
  return isObjectType(getNamedType(field.type)) ? ' { __typename }' : '';
}

function variableList(args: readonly GraphQLArgument[], prefix: string): string {
  return args.map((a) => `$${prefix}${a.name}: ${String(a.type)}`).join(', ');
}

function argList(args: readonly GraphQLArgument[], prefix: string): string {
  return args.length ? `(${args.map((a) => `${a.name}: $${prefix}${a.name}`).join(', ')})` : '';
}

/** One request: a top-level field, optionally with one field of what it returns, and its variables. */
interface Probe {
  readonly label: string;
  readonly operation: 'query' | 'mutation';
  readonly field: GraphQLField<unknown, unknown>;
  readonly nested?: GraphQLField<unknown, unknown>;
  readonly site: Site;
  readonly nestedSite: boolean;
}

function probes(): Probe[] {
  const out: Probe[] = [];
  for (const operation of ['query', 'mutation'] as const) {
    const root = operation === 'query' ? SCHEMA.getQueryType()! : SCHEMA.getMutationType()!;
    for (const field of Object.values(root.getFields())) {
      for (const arg of field.args) {
        for (const site of sitesOf(arg.type, [], arg.name)) out.push({ label: `${field.name}(${[arg.name, ...site.path].join('.')})`, operation, field, site, nestedSite: false });
      }
      if (operation !== 'query') continue;
      const returned = getNamedType(field.type);
      if (!isObjectType(returned)) continue;
      for (const nested of Object.values(returned.getFields())) {
        for (const arg of nested.args) {
          for (const site of sitesOf(arg.type, [], arg.name)) out.push({ label: `${field.name}.${nested.name}(${[arg.name, ...site.path].join('.')})`, operation, field, nested, site, nestedSite: true });
        }
      }
    }
  }
  return out;
}

function request(probe: Probe, fixture: Fixture, value: unknown): { query: string; variables: Record<string, unknown> } {
  const { field, nested } = probe;
  const variables: Record<string, unknown> = {};
  const top: Record<string, unknown> = {};
  for (const a of field.args) if (isNonNullType(a.type) && a.defaultValue === undefined) top[a.name] = baseline(a.type, a.name, field.name, fixture);
  const inner: Record<string, unknown> = {};
  for (const a of nested?.args ?? []) if (isNonNullType(a.type) && a.defaultValue === undefined) inner[a.name] = baseline(a.type, a.name, nested!.name, fixture);
  setAt(probe.nestedSite ? inner : top, probe.site, value);
  for (const [k, v] of Object.entries(top)) variables[`a_${k}`] = v;
  for (const [k, v] of Object.entries(inner)) variables[`b_${k}`] = v;
  const declared = [variableList(field.args, 'a_'), variableList(nested?.args ?? [], 'b_')].filter(Boolean).join(', ');
  const body = nested
    ? `${field.name}${argList(field.args, 'a_')} { ${nested.name}${argList(nested.args, 'b_')}${selection(nested)} }`
    : `${field.name}${argList(field.args, 'a_')}${selection(field)}`;
  return { query: `${probe.operation} Probe${declared ? `(${declared})` : ''} { ${body} }`, variables };
}

async function send(url: string, key: string, body: { query: string; variables: Record<string, unknown> }): Promise<{ status: number; codes: string[]; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: toJsonText(body) });
  const text = await response.text();
  let codes: string[] = [];
  try {
    codes = ((JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] }).errors ?? []).map((e) => e.extensions?.code ?? 'NONE');
  } catch {
    codes = ['NOT_JSON'];
  }
  return { status: response.status, codes, text };
}

/** Everything a namespace holds that the probes could touch, as comparable data. */
async function snapshot(client: GraphQLClient): Promise<unknown> {
  const [profiles, segments, keys, fields] = await Promise.all([
    client.data(ProfilePageDocument, { first: 50, events: 20 }),
    client.data(SegmentsDocument, { first: 50 }),
    client.data(ApiKeysDocument),
    client.data(CustomFieldsDocument),
  ]);
  return { profiles: profiles.profiles.nodes, segments: segments.segments.nodes, keys: keys.apiKeys, fields: fields.customFields };
}

async function furnish(client: GraphQLClient): Promise<Fixture> {
  await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING' } });
  const profile = (await client.data(UpsertProfileDocument, { input: { email: 'ann@example.com', firstName: 'Ann', phones: ['+14155552671'], custom: { tier: 'gold' } } })).upsertProfile.profile;
  await client.data(TrackEventsDocument, { events: [{ type: 'purchase', created: '2026-01-01T00:00:00Z', email: 'ann@example.com', properties: { total: 5 } }] });
  const segment = (await client.data(CreateSegmentDocument, { input: { name: 'named', definition: { expression: 'first_name is set' } } })).createSegment;
  const key = (await client.data(CreateApiKeyDocument, { input: { name: 'throwaway', role: 'VIEWER' } })).createApiKey;
  return { profileId: profile.id, segmentId: segment.id, keyId: key.apiKey.id };
}

describeEachApp('every string argument of the schema with the hostile corpus', (getApp) => {
  test('no INTERNAL_SERVER_ERROR, no 5xx, another namespace untouched, /healthz answers', async () => {
    const target = await newNamespace(getApp().url);
    const other = await newNamespace(getApp().url);
    const fixture = await furnish(target.client);
    await furnish(other.client);
    const before = await snapshot(other.client);
    const all = probes();
    // Read from the schema: new fields are covered as they are added.
    expect([...new Set(all.map((p) => p.field.name))]).toEqual(expect.arrayContaining(['upsertProfiles', 'trackEvents', 'createSegment', 'revokeApiKey', 'profile', 'segments', 'createNamespace']));
    expect(all.map((p) => p.label)).toEqual(expect.arrayContaining(['profile.events(type)', 'upsertProfiles(inputs.0.email)', 'validateSegment(definition.filter)']));
    const jobs = all.flatMap((probe) => {
      const corpus: readonly HostileValue[] = probe.site.kind === 'string' ? HOSTILE_STRINGS : HOSTILE_JSON;
      return sampleFor(corpus, probe.label, EXTRA_PER_SITE).map((value) => ({ probe, value }));
    });
    const failures: string[] = [];
    for (let i = 0; i < jobs.length; i += PARALLEL) {
      await Promise.all(jobs.slice(i, i + PARALLEL).map(async ({ probe, value }) => {
        const key = probe.field.name === 'createNamespace' ? TEST_ADMIN_TOKEN : target.client.key!;
        const result = await send(getApp().url, key, request(probe, fixture, value.value));
        if (result.status >= 500 || result.codes.includes('INTERNAL_SERVER_ERROR') || result.codes.includes('NOT_JSON')) {
          failures.push(`${probe.label} with ${value.name}: ${result.status} ${result.text.slice(0, 300)}`);
        }
      }));
    }
    expect(failures).toEqual([]);
    expect(jobs.length).toBeGreaterThan(300);
    expect(await snapshot(other.client)).toEqual(before);
    expect((await fetch(`${getApp().app.url}/healthz`)).status).toBe(200);
  }, 180_000);
});
