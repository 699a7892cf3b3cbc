import type { AudienceQuery } from '../audience/compiler';
import type { Sql } from '../db/sql';

/**
 * Which form a page of a segment's members takes (docs/performance.md, "the misses"). The keyset
 * page (`… order by p.id limit n`) stops after n members, but when the planner expects the members
 * to be spread over the id range and they are not (a hundred recent signups at its very end), it
 * walks the primary key through the whole namespace. The fenced page finds every member first,
 * through the predicate's own best plan, then sorts them: its cost is about the count's.
 *
 * So fence when the segment is small and the planner costs counting it low: then the fenced page
 * is cheap too, whatever the keyset page would have done. A costly count (events, a 20-condition
 * mix, a bitmap heap scan over thousands of scattered rows) means the fenced page would be as
 * slow, and the keyset page, which stops early, is the better bet. Both inputs are deterministic
 * (a count, and the planner's estimate on the current statistics): no timing decides.
 */
export const FENCE_MAX_MEMBERS = 20_000;
/** The highest planner cost (its units: `seq_page_cost` = 1) of the count statement for which a page is fenced. */
export const FENCE_MAX_COST = 1_000;

export type PageForm = 'fenced' | 'keyset';

/** The planner's estimate for a segment's count statement: the rows under its aggregate and the statement's total cost. */
export interface MemberEstimate {
  readonly rows: number;
  readonly cost: number;
}

/** Whether the count alone already rules the fenced form out, so that no estimate is needed. */
export function tooManyToFence(counted: number): boolean {
  return counted > FENCE_MAX_MEMBERS;
}

/**
 * Whether the planner's estimate alone rules the fenced form out, whatever the count beside the
 * page: then the page need not wait for that count, and the two statements run side by side.
 */
export function tooCostlyToFence(estimate: MemberEstimate): boolean {
  return estimate.cost > FENCE_MAX_COST;
}

/**
 * The form of a page: fenced when the segment is small (the count beside the page when the request
 * has one, else the planner's row estimate) and the planner costs its count at most `FENCE_MAX_COST`.
 *
 * @example pageForm({ rows: 5_200, cost: 310 }, 6_707) // 'fenced': recent signups of one status
 * @example pageForm({ rows: 7_900, cost: 410_000 }, 8_481) // 'keyset': a 20-condition mix with events
 */
export function pageForm(estimate: MemberEstimate, counted?: number): PageForm {
  return (counted ?? estimate.rows) <= FENCE_MAX_MEMBERS && !tooCostlyToFence(estimate) ? 'fenced' : 'keyset';
}

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Plan Rows': number;
  readonly 'Total Cost': number;
  readonly Plans?: readonly PlanNode[];
}

/**
 * The planner's estimate for the count statement (one `explain`, planned only, not run): the rows
 * under its aggregate and the total cost.
 */
export async function estimateMembers(sql: Sql, query: AudienceQuery): Promise<MemberEstimate> {
  const count = query.count();
  const row = await sql.one<Record<string, unknown>>(`explain (format json) ${count.sql}`, count.params, { label: 'segment.estimate' });
  const raw = row ? Object.values(row)[0] : undefined;
  const plan = ((typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[])[0]!.Plan;
  let node = plan;
  while (/^(Aggregate|Gather|Gather Merge)$/.test(node['Node Type']) && node.Plans?.length) node = node.Plans[0]!;
  return { rows: node['Plan Rows'], cost: plan['Total Cost'] };
}
