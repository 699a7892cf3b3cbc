import { createRequestServices, createProcessServices } from '../../src/services';
import { FENCE_MAX_COST, FENCE_MAX_MEMBERS, estimateMembers, pageForm, tooManyToFence } from '../../src/services/segment-page-form';
import { openTestDatabase, TEST_TARGETS, type OpenedTestDatabase } from '../support/databases';
import { createTenant, scopeFor } from '../support/tenants';

const AS_OF = new Date('2026-11-28T12:00:00Z');

describe('the form of a page of members', () => {
  test('fenced when the count beside it is small and the planner costs counting it low, as the first page of recent signups', () => {
    expect(pageForm({ rows: 5_200, cost: 310 }, 6_707)).toBe('fenced');
    expect(pageForm({ rows: 1, cost: FENCE_MAX_COST }, FENCE_MAX_MEMBERS)).toBe('fenced');
  });

  test('keyset when the segment is big (the page stops early) or its count is costly (the fenced page would cost as much)', () => {
    expect(pageForm({ rows: 10, cost: 1 }, FENCE_MAX_MEMBERS + 1)).toBe('keyset');
    expect(tooManyToFence(FENCE_MAX_MEMBERS + 1)).toBe(true);
    expect(tooManyToFence(FENCE_MAX_MEMBERS)).toBe(false);
    expect(pageForm({ rows: 7_900, cost: 410_000 }, 8_481)).toBe('keyset'); // a 20-condition mix with events
    expect(pageForm({ rows: 3_700, cost: FENCE_MAX_COST + 0.01 }, 3_813)).toBe('keyset'); // a bitmap heap scan over scattered rows
  });

  test('the count beside the page, when there is one, decides the size rather than the planner\'s rows', () => {
    expect(pageForm({ rows: FENCE_MAX_MEMBERS * 3, cost: 500 }, 120)).toBe('fenced');
    expect(pageForm({ rows: 120, cost: 500 }, FENCE_MAX_MEMBERS * 3)).toBe('keyset');
  });

  test('without a count: the planner\'s rows and cost', () => {
    expect(pageForm({ rows: 120, cost: 350 })).toBe('fenced');
    expect(pageForm({ rows: 120, cost: FENCE_MAX_COST + 1 })).toBe('keyset');
    expect(pageForm({ rows: FENCE_MAX_MEMBERS + 1, cost: 10 })).toBe('keyset');
  });
});

describe.each(TEST_TARGETS)('the page form the segment service chooses, on $name', (target) => {
  /** The labels of the statements that ran since the last `take()`. */
  const seen: string[] = [];
  const fencedPages: boolean[] = [];
  let opened: OpenedTestDatabase | undefined;
  beforeAll(async () => {
    opened = await openTestDatabase(target, {
      observer: {
        query: (event) => {
          if (!event.label?.startsWith('segment.')) return;
          seen.push(event.label);
          if (event.label === 'segment.members') fencedPages.push(/^select \* from \(/.test(event.sql));
        },
      },
    });
  });
  afterAll(() => opened?.close());
  const take = () => seen.splice(0);

  test('from the planner\'s estimate, the same on every request, kept per process with the saved segment', async () => {
    const db = opened!.db;
    const tenant = await createTenant(db);
    const shared = createProcessServices();
    const setup = createRequestServices(scopeFor(db, tenant), shared);
    await setup.customFields.define({ key: 'tier', type: 'STRING' });
    await setup.profiles.upsertMany(['a', 'b', 'c', 'd', 'e'].map((x, i) => ({ email: `${x}@example.com`, custom: { tier: i < 2 ? 'gold' : 'silver' } })));
    const gold = await setup.segments.create({ name: 'Gold', definition: { expression: 'custom.tier = "gold"' } });

    // The estimate is the planner's, not a timing: the same statistics give the same figures.
    const query = await setup.segments.compiled(gold, AS_OF);
    const estimate = await estimateMembers(setup.scope.sql, query);
    expect(await estimateMembers(setup.scope.sql, query)).toEqual(estimate);
    expect(estimate.cost).toBeGreaterThan(0);
    expect(pageForm(estimate, 2)).toBe('fenced'); // five profiles: cheap to count on any statistics
    take();

    /** One request: a count and a first page side by side, as GraphQL resolves them. */
    async function countAndPage(): Promise<{ count: number; ids: number[] }> {
      const services = createRequestServices(scopeFor(db, tenant), shared);
      const row = await services.segments.get(gold.id);
      const [count, page] = await Promise.all([services.segments.count(row, AS_OF), services.segments.members(row, AS_OF, 10, 0)]);
      return { count, ids: page.profiles.map((p) => Number(p.id)) };
    }

    const first = await countAndPage();
    expect(first.count).toBe(2);
    expect(first.ids).toHaveLength(2);
    // Saving forgot what the process kept: the segment is read again, then counted, estimated and paged.
    expect(take()).toEqual(['segment.get', 'segment.count', 'segment.estimate', 'segment.members']);
    expect(await countAndPage()).toEqual(first);
    expect(take()).toEqual(['segment.count', 'segment.members']);
    expect(fencedPages).toEqual([true, true]);

    // A page alone takes the same form from the kept estimate, and a changed segment is estimated again.
    const alone = await createRequestServices(scopeFor(db, tenant), shared).segments.members(await setup.segments.get(gold.id), AS_OF, 10, 0);
    expect(alone.profiles.map((p) => Number(p.id))).toEqual(first.ids);
    expect(take()).toEqual(['segment.members']);
    await setup.segments.update(gold.id, { definition: { expression: 'custom.tier is set' } });
    take();
    expect((await countAndPage()).count).toBe(5);
    expect(take()).toEqual(['segment.get', 'segment.count', 'segment.estimate', 'segment.members']);
    expect(fencedPages).toEqual([true, true, true, true]);
  });
});
