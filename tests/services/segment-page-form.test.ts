import { createRequestServices, createProcessServices } from '../../src/services';
import { FENCE_MAX_COST, FENCE_MAX_MEMBERS, estimateMembers, pageForm, tooCostlyToFence, tooManyToFence } from '../../src/services/segment-page-form';
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
  /**
   * The labels in the order of a request's steps. The count and the estimate run side by side on
   * PostgreSQL and may finish in either order; the page of a small segment waits for both.
   */
  const inOrder = (labels: string[]) => {
    expect(labels.at(-1)).toBe('segment.members');
    const steps = ['segment.get', 'segment.count', 'segment.estimate', 'segment.members'];
    return [...labels].sort((a, b) => steps.indexOf(a) - steps.indexOf(b));
  };

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
    expect(inOrder(take())).toEqual(['segment.get', 'segment.count', 'segment.estimate', 'segment.members']);
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
    expect(inOrder(take())).toEqual(['segment.get', 'segment.count', 'segment.estimate', 'segment.members']);
    expect(fencedPages).toEqual([true, true, true, true]);
  });

  test('a saved segment whose estimate rules fencing out pages beside its count, not after it; a cheap one waits for the count', async () => {
    const db = opened!.db;
    const tenant = await createTenant(db);
    const shared = createProcessServices();
    const setup = createRequestServices(scopeFor(db, tenant), shared);
    await setup.customFields.define({ key: 'tier', type: 'STRING' });
    await setup.profiles.upsertMany(['a', 'b', 'c'].map((x) => ({ email: `${x}@example.com`, custom: { tier: 'gold' } })));
    const gold = await setup.segments.create({ name: 'Gold', definition: { expression: 'custom.tier = "gold"' } });
    const sql = setup.scope.sql;

    /** One request whose count statement is held until `release`; resolves with whether its page finished first. */
    async function pageBeforeCount(): Promise<boolean> {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const scope = scopeFor(db, tenant);
      const gated = new Proxy(scope.sql, {
        get(target, name) {
          if (name === 'one') {
            return (text: string, params: unknown[], options?: { label?: string }) =>
              options?.label === 'segment.count' ? held.then(() => target.one(text, params, options)) : target.one(text, params, options);
          }
          const value: unknown = Reflect.get(target, name, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const services = createRequestServices({ ...scope, sql: gated }, shared);
      const row = await services.segments.get(gold.id);
      const counting = services.segments.count(row, AS_OF);
      const paging = services.segments.members(row, AS_OF, 10, 0);
      const first = await Promise.race([paging.then(() => 'page'), new Promise((resolve) => setTimeout(() => resolve('count'), 300))]);
      release();
      expect(await counting).toBe(3);
      expect((await paging).profiles).toHaveLength(3);
      return first === 'page';
    }

    // Three profiles: the planner costs the count low, so the page waits for it (it may be fenced).
    expect(await pageBeforeCount()).toBe(false);
    // The planner believing the table holds 100 million rows costs the count far above the fence.
    await sql.execute(`update pg_class set relpages = 1, reltuples = 1e8 where oid = 'profile'::regclass`);
    try {
      await setup.segments.update(gold.id, { name: 'Gold, estimated again' });
      expect(tooCostlyToFence(await estimateMembers(sql, await setup.segments.compiled(await setup.segments.get(gold.id), AS_OF)))).toBe(true);
      expect(await pageBeforeCount()).toBe(true); // the estimate is loaded beside the held count
      expect(await pageBeforeCount()).toBe(true); // the kept estimate
    } finally {
      await sql.execute('analyze profile');
    }
  });
});
