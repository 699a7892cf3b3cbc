import fc from 'fast-check';
import { DefineCustomFieldDocument, ProfilePageDocument, TrackEventsDocument, UpsertProfilesDocument, type EventInput, type ProfilePageQuery } from '../generated/graphql';
import { describeEachApp } from '../support/app';
import { newNamespace, type GraphQLClient } from '../support/client';
import { HOSTILE_JSON, HOSTILE_STRINGS } from '../support/hostile';

// Issue 12 §3, property: for any item of a batch mutated with a hostile value, the other items are
// applied exactly as they are without it. Each run writes the batch with the mutated item into one
// namespace and the batch without that item into another, and compares everything else stored.
const RUNS = 8;

type Page = ProfilePageQuery['profiles']['nodes'];

/** What differs between two namespaces by construction: IDs and the times rows were written. */
const UNCOMPARABLE = new Set(['id', 'firstIdentifiedDate', 'statusChangedAt', 'createdAt', 'updatedAt']);

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !UNCOMPARABLE.has(k)).map(([k, v]) => [k, strip(v)]));
}

/** A page of profiles as comparable data, without the ones `leaveOut` names. */
function comparable(nodes: Page, leaveOut: (n: Page[number]) => boolean): unknown {
  return strip(nodes.filter((n) => !leaveOut(n)));
}

async function setUp(url: string): Promise<GraphQLClient> {
  const { client } = await newNamespace(url);
  await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING' } });
  return client;
}

// Drawn by name, so a counterexample reads `"nul"` rather than 100 kB of value.
const hostileString = fc.constantFrom(...HOSTILE_STRINGS.map((v) => v.name)).map((name) => HOSTILE_STRINGS.find((v) => v.name === name)!.value);
const hostileJson = fc.constantFrom(...HOSTILE_JSON.map((v) => v.name)).map((name) => HOSTILE_JSON.find((v) => v.name === name)!.value);

describeEachApp('a hostile value in one batch item never changes the others (property)', (getApp) => {
  const profileField = fc.constantFrom('firstName', 'lastName', 'email', 'emailLocalPart', 'phone', 'customTier', 'customKey');

  function profileWrite(i: number): Record<string, unknown> {
    return { email: `p${i}@example.com`, firstName: `First${i}`, lastName: `Last${i}`, phones: [`+1415555${String(2670 + i).padStart(4, '0')}`], custom: { tier: `t${i}` } };
  }

  function mutateProfile(write: Record<string, unknown>, field: string, value: string): Record<string, unknown> {
    switch (field) {
      case 'email': return { ...write, email: value };
      case 'emailLocalPart': return { ...write, email: `${value}@example.com` };
      case 'phone': return { ...write, phones: [value] };
      case 'customTier': return { ...write, custom: { tier: value } };
      case 'customKey': return { ...write, custom: { [value]: 'x' } };
      default: return { ...write, [field]: value };
    }
  }

  test('upsertProfiles', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 5 }), fc.nat(), profileField, hostileString, async (size, pick, field, value) => {
        const index = pick % size;
        const writes = Array.from({ length: size }, (_, i) => profileWrite(i));
        const mutated = writes.map((w, i) => (i === index ? mutateProfile(w, field, value) : w));
        const [a, b] = await Promise.all([setUp(getApp().url), setUp(getApp().url)]);
        const withIt = await a.request(UpsertProfilesDocument, { inputs: mutated });
        const without = await b.request(UpsertProfilesDocument, { inputs: writes.filter((_, i) => i !== index) });
        expect(withIt.errors).toBeUndefined();
        expect(without.errors).toBeUndefined();
        const results = withIt.data!.upsertProfiles!.results;
        expect(results.filter((r) => r.index !== index).map((r) => r.errors)).toEqual(without.data!.upsertProfiles!.results.map((r) => r.errors));
        const mutatedId = results[index]!.profileId;
        const pageA = (await a.data(ProfilePageDocument, { first: 50 })).profiles.nodes;
        const pageB = (await b.data(ProfilePageDocument, { first: 50 })).profiles.nodes;
        expect(comparable(pageA, (n) => n.id === mutatedId)).toEqual(comparable(pageB, () => false));
      }),
      { numRuns: RUNS, seed: 12 },
    );
  });

  test('trackEvents', async () => {
    // Not `created`: an event time is a typed date-time, refused with its path by GraphQL's own
    // input coercion before anything runs (the event-time tests cover its hostile values).
    const eventField = fc.oneof(
      fc.record({ field: fc.constantFrom('type', 'clientEventId', 'propertyValue', 'propertyKey'), value: hostileString }),
      fc.record({ field: fc.constant('properties'), value: hostileJson }),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 5 }), fc.nat(), eventField, async (size, pick, { field, value }) => {
        const index = pick % size;
        const events: EventInput[] = Array.from({ length: size }, (_, i) => ({
          type: 'purchase', created: `2026-03-0${i + 1}T00:00:00Z`, email: `e${i}@example.com`, clientEventId: `ev-${i}`, properties: { total: i * 10 },
        }));
        const mutate = (e: EventInput): EventInput => {
          switch (field) {
            case 'propertyValue': return { ...e, properties: { total: value } };
            case 'propertyKey': return { ...e, properties: { [value as string]: 1 } };
            default: return { ...e, [field]: value as string };
          }
        };
        const [a, b] = await Promise.all([setUp(getApp().url), setUp(getApp().url)]);
        const withIt = await a.request(TrackEventsDocument, { events: events.map((e, i) => (i === index ? mutate(e) : e)) });
        const without = await b.request(TrackEventsDocument, { events: events.filter((_, i) => i !== index) });
        expect(withIt.errors).toBeUndefined();
        expect(without.errors).toBeUndefined();
        expect(withIt.data!.trackEvents!.results.filter((_, i) => i !== index).map((r) => r.status)).toEqual(without.data!.trackEvents!.results.map((r) => r.status));
        const pageA = (await a.data(ProfilePageDocument, { first: 50 })).profiles.nodes;
        const pageB = (await b.data(ProfilePageDocument, { first: 50 })).profiles.nodes;
        expect(comparable(pageA, (n) => n.email === `e${index}@example.com`)).toEqual(comparable(pageB, () => false));
      }),
      { numRuns: RUNS, seed: 12 },
    );
  });
});
