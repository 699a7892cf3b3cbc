import { DATASET_AS_OF, DEFAULT_SEED } from '../../bench/dataset';
import { generateDataset } from '../../bench/generate';
import { NEW_INDEXES } from '../../bench/indexes';
import { explainPlan } from '../../bench/plans';
import { sessionFor, type Runner } from '../../bench/runner';
import { compileLikeService, servicesFor } from '../../bench/services';
import { namespaceIdsFor, syncBenchCustomIndexes } from '../../bench/targets';
import { customIndexName } from '../../src/db/custom-index.sql';
import { describeEachDatabase } from '../support/databases';

/**
 * The reference segment shapes use the indexes they were designed for (docs/performance.md).
 * Plans only, no timings: a small data set from the bench generator, `enable_seqscan = off` so
 * that the choice does not depend on table sizes, and an index name asserted in the plan.
 */
const MAIN = 'bench-main';

describeEachDatabase('segment indexes', (getDb) => {
  let session: Runner;
  let namespaceId: string;

  beforeAll(async () => {
    const db = getDb();
    session = await sessionFor(db);
    await generateDataset(session, { profiles: 2000, eventsPerProfile: 10, seed: DEFAULT_SEED });
    const namespaces = namespaceIdsFor(DEFAULT_SEED);
    await syncBenchCustomIndexes(db, namespaces);
    namespaceId = namespaces[MAIN]!;
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  /** The plan of a compiled statement with sequential scans off. */
  async function planOf(expression: string, statement: 'count' | 'page' | 'fenced page') {
    const services = servicesFor(getDb(), { id: namespaceId, slug: MAIN });
    const query = await compileLikeService(services, expression, DATASET_AS_OF);
    const compiled = statement === 'count' ? query.count() : query.page({ afterId: 0, limit: 101, select: 'p.id', fenced: statement === 'fenced page' });
    await session.rows('set enable_seqscan = off');
    try {
      return await explainPlan(session, compiled.sql, compiled.params);
    } finally {
      await session.rows('reset enable_seqscan');
    }
  }

  test('the migration created every segment index', async () => {
    const rows = await session.rows<{ name: string }>(`select indexname as name from pg_indexes where schemaname = 'public' and indexname = any($1::text[]) order by 1`, [NEW_INDEXES.map((i) => i.name)]);
    expect(rows.map((r) => r.name)).toEqual(NEW_INDEXES.map((i) => i.name).sort());
  });

  test.each([
    { shape: 'a dimension and a date', expression: 'email_status = "SUBSCRIBED" and first_identified_date within last 30 days', uses: ['profile_status_identified_idx'] },
    {
      shape: 'an OR across two indexed fields',
      expression: '(email_status = "SUBSCRIBED" and first_identified_date within last 7 days) or last_purchase_date within last 7 days',
      uses: ['profile_status_identified_idx', 'profile_last_purchase_idx'],
    },
    { shape: 'a reserved date', expression: 'last_purchase_date within last 7 days', uses: ['profile_last_purchase_idx'] },
    { shape: 'an event count in a window', expression: 'did purchase at least 2 times within last 90 days', uses: ['event_type_profile_time_idx'] },
    { shape: 'an event with a property filter in a window', expression: 'did purchase within last 30 days where (total > 100 and category = "shoes")', uses: ['event_type_profile_time_idx'] },
    { shape: '"did not" an event', expression: 'did not purchase within last 90 days', uses: ['event_type_profile_time_idx'] },
  ])('count of $shape uses $uses', async ({ expression, uses }) => {
    expect((await planOf(expression, 'count')).indexes).toEqual(expect.arrayContaining(uses));
  });

  test.each([
    ['STRING', 'loyalty_tier', 'custom.loyalty_tier = "platinum"'],
    ['NUMBER', 'lifetime_value', 'custom.lifetime_value > 2000'],
    ['BOOLEAN', 'vip', 'custom.vip = true'],
    ['DATETIME', 'last_store_visit', 'custom.last_store_visit within last 30 days'],
  ])('a custom %s filter uses the field\'s expression index', async (_type, key, expression) => {
    expect((await planOf(expression, 'count')).indexes).toContain(customIndexName(namespaceId, key));
  });

  test('a first page of an EXISTS event condition probes (namespace_id, type, profile_id, occurred_at) and no other event index', async () => {
    const plan = await planOf('did purchase within last 30 days', 'page');
    expect(plan.indexes.filter((i) => i.startsWith('event_'))).toEqual(['event_type_profile_time_idx']);
  });

  test('a fenced first page of a small dimension segment finds its members through their index, then sorts: no walk of profile_pkey', async () => {
    const plan = await planOf('email_status = "SUBSCRIBED" and first_identified_date within last 30 days', 'fenced page');
    expect(plan.indexes).toEqual(['profile_status_identified_idx']);
    expect(plan.outline).toMatch(/^Limit > Sort > /);
  });

  test('a first page of "at least 2 purchases" probes the event index per profile and stops at the second event: no aggregate', async () => {
    const plan = await planOf('did purchase at least 2 times within last 90 days', 'page');
    expect(plan.outline).toMatch(/\[SubPlan[^\]]*\] Limit > Index (Only )?Scan \(event_type_profile_time_idx\)/);
    expect(plan.nodes.filter((n) => n.endsWith('Aggregate'))).toEqual([]);
    // The count keeps the grouped semi-join.
    expect((await planOf('did purchase at least 2 times within last 90 days', 'count')).outline).not.toContain('SubPlan');
  });

  test('a generic plan cannot use a custom-field index (why the service sends unnamed statements)', async () => {
    const services = servicesFor(getDb(), { id: namespaceId, slug: MAIN });
    const compiled = (await compileLikeService(services, 'custom.loyalty_tier = "platinum"', DATASET_AS_OF)).count();
    expect(compiled.params).toEqual([namespaceId, 'loyalty_tier', 'platinum']);
    const index = customIndexName(namespaceId, 'loyalty_tier');
    await session.rows(`prepare bench_generic (uuid, text, text) as ${compiled.sql}`);
    try {
      const planFor = async (mode: string) => {
        await session.rows(`set plan_cache_mode = ${mode}`);
        await session.rows('set enable_seqscan = off');
        const rows = await session.rows<Record<string, unknown>>(`explain (format json) execute bench_generic('${namespaceId}', 'loyalty_tier', 'platinum')`);
        const raw = Object.values(rows[0]!)[0];
        return JSON.stringify(typeof raw === 'string' ? JSON.parse(raw) : raw);
      };
      expect(await planFor('force_custom_plan')).toContain(index);
      expect(await planFor('force_generic_plan')).not.toContain(index);
    } finally {
      await session.rows('deallocate bench_generic');
      await session.rows('reset plan_cache_mode');
      await session.rows('reset enable_seqscan');
    }
  });
});
