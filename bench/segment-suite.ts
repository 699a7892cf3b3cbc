import { PROFILE_SELECT } from '../src/db/profile.repository';
import type { Statement } from '../src/db/sql';
import { estimateMembers, pageForm, tooManyToFence, type MemberEstimate } from '../src/services/segment-page-form';
import { DATASET_AS_OF } from './dataset';
import { explainAnalyze, type PlanSummary } from './plans';
import { handPredicates, REFERENCE_SEGMENTS, SAVED_SEGMENTS, type ReferenceSegment } from './reference-segments';
import { num, type Runner } from './runner';
import { compileLikeService, servicesFor } from './services';
import { median, timed } from './stats';
import type { BenchTarget } from './targets';

/** The service fetches one row more than it returns, to tell whether a next page exists. */
export const PAGE_LIMIT = 101;

/** Compiled within this factor of hand-written meets the target. */
export const TARGET_RATIO = 1.25;

/** Below this absolute difference of medians (ms) a ratio is noise on this machine, not a miss. */
export const NOISE_FLOOR_MS = 1;

/**
 * `meets`: the median ratio is within the target. `noise`: it is not, but the difference of the
 * medians is under the noise floor or the fastest runs are within the target (a spike, not a
 * slower statement). `miss`: slower in every sense.
 */
export type Verdict = 'meets' | 'noise' | 'miss';

export interface Timing {
  readonly countMs: number;
  readonly pageMs: number;
  readonly countRuns: readonly number[];
  readonly pageRuns: readonly number[];
}

export interface SegmentResult {
  readonly key: string;
  readonly covers: string;
  readonly text: string;
  readonly compiledSql: { readonly count: Statement; readonly page: Statement };
  /** The compiled page's form, chosen from the count as `SegmentService.members` does beside a count. */
  readonly pageForm: 'fenced' | 'keyset';
  /** The planner's estimate of the compiled count (rows under the aggregate, total cost), from which with the count the page form was chosen. */
  readonly estimate?: MemberEstimate;
  readonly handSql: { readonly count: Statement; readonly page: Statement };
  readonly compiled: Timing;
  readonly hand: Timing;
  readonly ratio: { readonly count: number; readonly page: number };
  readonly meetsTarget: { readonly count: boolean; readonly page: boolean };
  readonly verdict: { readonly count: Verdict; readonly page: Verdict };
  /** Fastest compiled run over fastest hand-written run. */
  readonly minRatio: { readonly count: number; readonly page: number };
  readonly counts: { readonly compiled: number; readonly hand: number; readonly naive?: number; readonly naiveNote?: string };
  readonly sameCount: boolean;
  readonly samePage: boolean;
  /** `SegmentService.count` end to end (validation, catalog, compile, statement), median. */
  readonly serviceCountMs: number;
  readonly plans: { readonly compiledCount: PlanSummary; readonly compiledPage: PlanSummary; readonly handCount: PlanSummary; readonly handPage: PlanSummary };
}

export interface SegmentSuiteResult {
  readonly namespace: string;
  readonly profilesInNamespace: number;
  readonly eventsInNamespace: number;
  readonly runs: number;
  readonly asOf: string;
  readonly segments: readonly SegmentResult[];
  readonly errors: readonly { key: string; error: string }[];
}

export interface SegmentSuiteOptions {
  readonly runs: number;
  readonly namespace: string;
  readonly only?: readonly string[];
  readonly log: (message: string) => void;
}

/** Creates (or finds) the saved segments that reference segments use; returns their ids by key. */
export async function ensureSavedSegments(target: BenchTarget, namespaceSlug: string): Promise<Record<string, string>> {
  const namespace = { id: target.namespaces[namespaceSlug]!, slug: namespaceSlug };
  const ids: Record<string, string> = {};
  for (const saved of SAVED_SEGMENTS) {
    const found = await target.session.rows<{ id: string }>(`select id from segment where namespace_id = $1 and name = $2`, [namespace.id, saved.name]);
    if (found[0]) {
      ids[saved.key] = found[0].id;
      continue;
    }
    const row = await servicesFor(target.db, namespace).segments.create({ name: saved.name, definition: { expression: saved.text } });
    ids[saved.key] = row.id;
  }
  return ids;
}

export function segmentText(segment: ReferenceSegment, saved: Record<string, string>): string {
  return segment.text.replace(/\{(\w+)\}/g, (_, key: string) => {
    const id = saved[key];
    if (!id) throw new Error(`no saved segment "${key}"`);
    return id;
  });
}

function handStatements(segment: ReferenceSegment, namespaceId: string): { count: Statement; page: Statement } {
  const where = handPredicates(segment);
  const params = [namespaceId, ...segment.hand.params];
  const n = params.length;
  return {
    count: { sql: `select count(*)::bigint as count from profile p where p.namespace_id = $1 and (${where.count})`, params },
    page: {
      sql: segment.hand.fencePage
        ? `select * from (select ${PROFILE_SELECT} from profile p where p.namespace_id = $1 and (${where.page}) and p.id > $${n + 1} offset 0) s order by s.id limit $${n + 2}`
        : `select ${PROFILE_SELECT} from profile p where p.namespace_id = $1 and (${where.page}) and p.id > $${n + 1} order by p.id limit $${n + 2}`,
      params: [...params, 0, PAGE_LIMIT],
    },
  };
}

async function run(runner: Runner, statement: Statement): Promise<{ ms: number; rows: Record<string, unknown>[] }> {
  const { ms, value } = await timed(() => runner.rows(statement.sql, statement.params));
  return { ms, rows: value };
}

/** Runs two statements alternately (`runs` times each, after one warm-up each) and returns their times. */
async function alternate(runner: Runner, a: Statement, b: Statement, runs: number): Promise<{ a: number[]; b: number[] }> {
  await run(runner, a);
  await run(runner, b);
  const times = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < runs; i++) {
    const order: ['a' | 'b', Statement][] = i % 2 === 0 ? [['a', a], ['b', b]] : [['b', b], ['a', a]];
    for (const [which, statement] of order) times[which].push((await run(runner, statement)).ms);
  }
  return times;
}

/** How compiled runs compare with hand-written runs (medians, then noise checks). */
export function verdict(compiled: readonly number[], hand: readonly number[]): Verdict {
  const [c, h] = [median(compiled), median(hand)];
  if (c <= h * TARGET_RATIO) return 'meets';
  if (c - h < NOISE_FLOOR_MS || Math.min(...compiled) <= Math.min(...hand) * TARGET_RATIO) return 'noise';
  return 'miss';
}

/**
 * The segment suite: for each reference segment, the compiled statements (as SegmentService
 * builds them) against the hand-written ones, count and first page, alternately in one session;
 * the same count and the same first page; and the plans.
 */
export async function runSegmentSuite(target: BenchTarget, options: SegmentSuiteOptions): Promise<SegmentSuiteResult> {
  const namespaceId = target.namespaces[options.namespace]!;
  const namespace = { id: namespaceId, slug: options.namespace };
  const saved = await ensureSavedSegments(target, options.namespace);
  const sizes = (await target.session.rows<{ profiles: unknown; events: unknown }>(
    `select (select count(*) from profile where namespace_id = $1) as profiles, (select count(*) from event where namespace_id = $1) as events`,
    [namespaceId],
  ))[0]!;
  const results: SegmentResult[] = [];
  const errors: { key: string; error: string }[] = [];
  for (const segment of REFERENCE_SEGMENTS.filter((s) => !options.only || options.only.includes(s.key))) {
    try {
      options.log(`segment ${segment.key}…`);
      results.push(await measureSegment(target, namespace, segment, saved, options.runs));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      options.log(`  failed: ${message}`);
      errors.push({ key: segment.key, error: message });
    }
  }
  return {
    namespace: options.namespace, profilesInNamespace: num(sizes.profiles), eventsInNamespace: num(sizes.events), runs: options.runs,
    asOf: DATASET_AS_OF.toISOString(), segments: results, errors,
  };
}

async function measureSegment(
  target: BenchTarget, namespace: { id: string; slug: string }, segment: ReferenceSegment, saved: Record<string, string>, runs: number,
): Promise<SegmentResult> {
  const session = target.session;
  const text = segmentText(segment, saved);
  const services = servicesFor(target.db, namespace);
  const query = await compileLikeService(services, text, DATASET_AS_OF);
  const compiledCountStatement = query.count();
  const explained = await services.segments.explain({ expression: text }, DATASET_AS_OF, false);
  if (explained.sql !== compiledCountStatement.sql || JSON.stringify(explained.params) !== JSON.stringify(compiledCountStatement.params)) {
    throw new Error('the bench compiles differently from SegmentService.explain');
  }
  const hand = handStatements(segment, namespace.id);

  const count = await alternate(session, compiledCountStatement, hand.count, runs);
  const compiledCount = num((await session.rows<{ count: unknown }>(compiledCountStatement.sql, compiledCountStatement.params))[0]?.count);
  // The page a `members` request beside a `count` gets (SegmentService.members): from the count and the planner's estimate.
  const estimate = await estimateMembers(services.scope.sql, query);
  const form = tooManyToFence(compiledCount) ? 'keyset' : pageForm(estimate, compiledCount);
  const compiled = { count: compiledCountStatement, page: query.page({ afterId: 0, limit: PAGE_LIMIT, select: PROFILE_SELECT, fenced: form === 'fenced' }) };
  const page = await alternate(session, compiled.page, hand.page, runs);

  const handCount = num((await session.rows<{ count: unknown }>(hand.count.sql, hand.count.params))[0]?.count);
  const compiledIds = (await session.rows<{ id: unknown }>(compiled.page.sql, compiled.page.params)).map((r) => num(r.id));
  const handIds = (await session.rows<{ id: unknown }>(hand.page.sql, hand.page.params)).map((r) => num(r.id));
  let naive: number | undefined;
  if (segment.naive) {
    naive = num((await session.rows<{ count: unknown }>(
      `select count(*) as count from profile p where p.namespace_id = $1 and (${segment.naive.where})`, [namespace.id, ...segment.naive.params],
    ))[0]?.count);
  }

  const serviceRuns: number[] = [];
  for (let i = 0; i < Math.max(3, Math.min(runs, 5)); i++) {
    const fresh = servicesFor(target.db, namespace);
    serviceRuns.push((await timed(() => fresh.segments.count({ expression: text }, DATASET_AS_OF))).ms);
  }

  const plans = {
    compiledCount: (await explainAnalyze(session, compiled.count.sql, compiled.count.params)).summary,
    compiledPage: (await explainAnalyze(session, compiled.page.sql, compiled.page.params)).summary,
    handCount: (await explainAnalyze(session, hand.count.sql, hand.count.params)).summary,
    handPage: (await explainAnalyze(session, hand.page.sql, hand.page.params)).summary,
  };
  const timing = (c: number[], p: number[]): Timing => ({ countMs: median(c), pageMs: median(p), countRuns: c, pageRuns: p });
  const compiledTiming = timing(count.a, page.a);
  const handTiming = timing(count.b, page.b);
  return {
    key: segment.key, covers: segment.covers, text,
    compiledSql: compiled, pageForm: form, estimate, handSql: hand,
    compiled: compiledTiming, hand: handTiming,
    ratio: { count: compiledTiming.countMs / handTiming.countMs, page: compiledTiming.pageMs / handTiming.pageMs },
    meetsTarget: { count: verdict(count.a, count.b) !== 'miss', page: verdict(page.a, page.b) !== 'miss' },
    verdict: { count: verdict(count.a, count.b), page: verdict(page.a, page.b) },
    minRatio: { count: Math.min(...count.a) / Math.min(...count.b), page: Math.min(...page.a) / Math.min(...page.b) },
    counts: { compiled: compiledCount, hand: handCount, ...(naive !== undefined ? { naive, naiveNote: segment.naive!.note } : {}) },
    sameCount: compiledCount === handCount,
    samePage: JSON.stringify(compiledIds) === JSON.stringify(handIds),
    serviceCountMs: median(serviceRuns),
    plans,
  };
}
