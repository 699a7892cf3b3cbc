import type { Runner } from './runner';

/** What a plan looks like, in short: its node types, the indexes it reads, time and buffers. */
export interface PlanSummary {
  /** Node types in the order first met (depth first), e.g. `Index Only Scan`, `Hash Semi Join`. */
  readonly nodes: readonly string[];
  /** Index names used, in the order first met. */
  readonly indexes: readonly string[];
  /** Relations read by a sequential scan. */
  readonly seqScans: readonly string[];
  /** A one-line outline: `Aggregate > Bitmap Heap Scan on profile > BitmapOr > Bitmap Index Scan (profile_status_idx)`. */
  readonly outline: string;
  readonly executionMs: number | null;
  readonly planningMs: number | null;
  readonly sharedHit: number;
  readonly sharedRead: number;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Parent Relationship'?: string;
  'Subplan Name'?: string;
  'Join Type'?: string;
  'Strategy'?: string;
  Plans?: PlanNode[];
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
}

function label(node: PlanNode): string {
  let name = node['Node Type'];
  if (node['Join Type'] && name.endsWith('Join') && !name.includes(node['Join Type'])) name = name.replace('Join', `${node['Join Type']} Join`);
  if (node.Strategy && name === 'Aggregate') name = `${node.Strategy === 'Plain' ? '' : `${node.Strategy} `}Aggregate`;
  return name;
}

function outlineOf(node: PlanNode, depth = 0): string {
  let text = label(node);
  if (node['Index Name']) text += ` (${node['Index Name']})`;
  else if (node['Relation Name']) text += ` on ${node['Relation Name']}`;
  if (node['Subplan Name']) text = `[${node['Subplan Name']}] ${text}`;
  const children = node.Plans ?? [];
  if (children.length === 0 || depth > 12) return text;
  const inner = children.map((child) => outlineOf(child, depth + 1));
  return inner.length === 1 ? `${text} > ${inner[0]}` : `${text} > (${inner.join(' | ')})`;
}

/** Summarizes an `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` result. */
export function summarizePlan(json: unknown): PlanSummary {
  const top = (Array.isArray(json) ? json[0] : json) as { Plan: PlanNode; 'Execution Time'?: number; 'Planning Time'?: number };
  const nodes: string[] = [];
  const indexes: string[] = [];
  const seqScans: string[] = [];
  const visit = (node: PlanNode) => {
    const name = label(node);
    if (!nodes.includes(name)) nodes.push(name);
    if (node['Index Name'] && !indexes.includes(node['Index Name'])) indexes.push(node['Index Name']);
    if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] && !seqScans.includes(node['Relation Name'])) seqScans.push(node['Relation Name']);
    for (const child of node.Plans ?? []) visit(child);
  };
  visit(top.Plan);
  return {
    nodes, indexes, seqScans, outline: outlineOf(top.Plan),
    executionMs: top['Execution Time'] ?? null, planningMs: top['Planning Time'] ?? null,
    sharedHit: top.Plan['Shared Hit Blocks'] ?? 0, sharedRead: top.Plan['Shared Read Blocks'] ?? 0,
  };
}

/** Runs `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` on a statement and returns the raw plan and its summary. */
export async function explainAnalyze(runner: Runner, sql: string, params: readonly unknown[]): Promise<{ plan: unknown; summary: PlanSummary }> {
  const rows = await runner.rows<Record<string, unknown>>(`explain (analyze, buffers, format json) ${sql}`, params);
  let plan = Object.values(rows[0] ?? {})[0];
  if (typeof plan === 'string') plan = JSON.parse(plan);
  return { plan, summary: summarizePlan(plan) };
}

/** The plan without running it (`EXPLAIN (FORMAT JSON)`), for the deterministic index tests. */
export async function explainPlan(runner: Runner, sql: string, params: readonly unknown[]): Promise<PlanSummary> {
  const rows = await runner.rows<Record<string, unknown>>(`explain (format json) ${sql}`, params);
  let plan = Object.values(rows[0] ?? {})[0];
  if (typeof plan === 'string') plan = JSON.parse(plan);
  return summarizePlan(plan);
}
