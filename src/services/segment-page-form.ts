import type { AudienceQuery } from '../audience/compiler';
import type { Sql } from '../db/sql';

/**
 * Which form a page of a segment's members takes (docs/performance.md, "the misses"). The keyset
 * page (`… order by p.id limit n`) stops after n members, but when the planner expects the members
 * to be spread over the id range and they are not (a hundred recent signups at its very end), it
 * walks the primary key through the whole namespace. The fenced page finds every member first,
 * through the predicate's own best plan, then sorts them: its cost is about the count's.
 *
 * So fence when the segment is small and counting it was cheap: then the fenced page is cheap
 * too, whatever the keyset page would have done. A slow count (events, a 20-condition mix) means
 * the fenced page would be as slow, and the keyset page, which stops early, is the better bet.
 */
export const FENCE_MAX_MEMBERS = 20_000;
/** The longest count (ms) after which a page is still fenced. */
export const FENCE_MAX_COUNT_MS = 10;
/** Without a count: the highest planner cost (its units) of finding every member for a fenced page. */
export const FENCE_MAX_COST = 1_000;

/** From a count in the same request: how many members, and how long counting them took. */
export function fenceFromCount(count: { readonly members: number; readonly ms: number }): boolean {
  return count.members <= FENCE_MAX_MEMBERS && count.ms <= FENCE_MAX_COUNT_MS;
}

/** From the planner's estimate of the count statement: the rows it expects and the cost of finding them. */
export function fenceFromEstimate(estimate: { readonly rows: number; readonly cost: number }): boolean {
  return estimate.rows <= FENCE_MAX_MEMBERS && estimate.cost <= FENCE_MAX_COST;
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
export async function estimateMembers(sql: Sql, query: AudienceQuery): Promise<{ rows: number; cost: number }> {
  const count = query.count();
  const row = await sql.one<Record<string, unknown>>(`explain (format json) ${count.sql}`, count.params, { label: 'segment.estimate' });
  const raw = row ? Object.values(row)[0] : undefined;
  const plan = ((typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[])[0]!.Plan;
  let node = plan;
  while (/^(Aggregate|Gather|Gather Merge)$/.test(node['Node Type']) && node.Plans?.length) node = node.Plans[0]!;
  return { rows: node['Plan Rows'], cost: plan['Total Cost'] };
}
