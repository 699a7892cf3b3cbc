import { Client } from 'pg';
import { DATASET_AS_OF } from './dataset';
import { REFERENCE_SEGMENTS } from './reference-segments';
import { compileLikeService, servicesFor } from './services';
import { ensureSavedSegments, segmentText } from './segment-suite';
import { median, timed } from './stats';
import type { BenchTarget } from './targets';

/**
 * plan_cache_mode: the service sends unnamed statements, so PostgreSQL plans every execution with
 * its parameter values (a custom plan). A driver or pooler that used named prepared statements
 * would, under the default `auto`, switch to a generic plan after five executions when it looks
 * no costlier, and a generic plan can neither use the per-namespace statistics of a skewed tenant
 * nor match an expression index on `custom ->> 'key'` (the key is a parameter). This experiment
 * measures the compiled count of a few segments on the big namespace, after five executions on a
 * small one, as a named statement under each mode, and as the unnamed statement the service sends.
 */
export interface PlanCacheRow {
  readonly segment: string;
  readonly unnamedMs: number;
  readonly modes: readonly { readonly mode: string; readonly ms: number; readonly genericPlans: number; readonly customPlans: number }[];
}

export interface PlanCacheResult {
  readonly warmupNamespace: string;
  readonly namespace: string;
  readonly runs: number;
  readonly rows: readonly PlanCacheRow[];
}

const MODES = ['auto', 'force_custom_plan', 'force_generic_plan'] as const;
const SEGMENTS = ['dimension-date', 'custom-string', 'event-count'];

export async function runPlanCacheSuite(target: BenchTarget, options: { namespace: string; warmupNamespace: string; runs: number; log: (m: string) => void }): Promise<PlanCacheResult> {
  if (target.kind !== 'postgres' || !target.url) throw new Error('the plan cache experiment runs on PostgreSQL');
  const client = new Client({ connectionString: target.url, options: '-c TimeZone=UTC' });
  await client.connect();
  const rows: PlanCacheRow[] = [];
  try {
    await client.query(`set statement_timeout = '120s'`);
    const saved = await ensureSavedSegments(target, options.namespace);
    let counter = 0;
    for (const key of SEGMENTS) {
      const segment = REFERENCE_SEGMENTS.find((s) => s.key === key)!;
      options.log(`plan cache: ${key}…`);
      const big = servicesFor(target.db, { id: target.namespaces[options.namespace]!, slug: options.namespace });
      const text = segmentText(segment, saved);
      const statement = (await compileLikeService(big, text, DATASET_AS_OF)).count();
      const small = [target.namespaces[options.warmupNamespace]!, ...statement.params.slice(1)];
      const unnamed: number[] = [];
      for (let i = 0; i <= options.runs; i++) {
        const { ms } = await timed(() => client.query(statement.sql, [...statement.params]));
        if (i > 0) unnamed.push(ms);
      }
      const modes: PlanCacheRow['modes'][number][] = [];
      for (const mode of MODES) {
        await client.query(`set plan_cache_mode = ${mode}`);
        const name = `bench_plan_cache_${counter++}`;
        for (let i = 0; i < 5; i++) await client.query({ name, text: statement.sql, values: small });
        const times: number[] = [];
        for (let i = 0; i < options.runs; i++) times.push((await timed(() => client.query({ name, text: statement.sql, values: [...statement.params] }))).ms);
        const stats = (await client.query<{ generic_plans: string; custom_plans: string }>(
          `select generic_plans, custom_plans from pg_prepared_statements where name = $1`, [name],
        )).rows[0];
        modes.push({ mode, ms: median(times), genericPlans: Number(stats?.generic_plans ?? 0), customPlans: Number(stats?.custom_plans ?? 0) });
      }
      await client.query(`reset plan_cache_mode`);
      rows.push({ segment: key, unnamedMs: median(unnamed), modes });
    }
  } finally {
    await client.end();
  }
  return { warmupNamespace: options.warmupNamespace, namespace: options.namespace, runs: options.runs, rows };
}

/** `jit` on (the server default) against off, for the compiled count of every reference segment. */
export interface JitRow {
  readonly segment: string;
  readonly jitOnMs: number;
  readonly jitOffMs: number;
}

export async function runJitComparison(target: BenchTarget, options: { namespace: string; runs: number; log: (m: string) => void }): Promise<JitRow[]> {
  if (target.kind !== 'postgres' || !target.url) return [];
  const client = new Client({ connectionString: target.url, options: '-c TimeZone=UTC' });
  await client.connect();
  const rows: JitRow[] = [];
  try {
    await client.query(`set statement_timeout = '120s'`);
    const saved = await ensureSavedSegments(target, options.namespace);
    const services = servicesFor(target.db, { id: target.namespaces[options.namespace]!, slug: options.namespace });
    for (const segment of REFERENCE_SEGMENTS) {
      options.log(`jit: ${segment.key}…`);
      const statement = (await compileLikeService(services, segmentText(segment, saved), DATASET_AS_OF)).count();
      const times: Record<'on' | 'off', number[]> = { on: [], off: [] };
      for (let i = 0; i < options.runs; i++) {
        for (const setting of i % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
          await client.query(`set jit = ${setting}`);
          times[setting].push((await timed(() => client.query(statement.sql, [...statement.params]))).ms);
        }
      }
      await client.query('reset jit');
      rows.push({ segment: segment.key, jitOnMs: median(times.on), jitOffMs: median(times.off) });
    }
  } finally {
    await client.end();
  }
  return rows;
}
