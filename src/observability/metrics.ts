import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** How busy the database connections are, when the driver can tell. */
export interface PoolUsage {
  readonly size: number;
  readonly used: number;
  readonly pending: number;
}

const SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Operation names are chosen by clients: only this many distinct ones become labels. */
const MAX_OPERATION_LABELS = 200;

/**
 * The process's Prometheus metrics (prom-client, own registry). Served at `/metrics` when
 * METRICS=true.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'audience_graph_requests_total', help: 'HTTP requests by route, GraphQL operation and outcome code (OK or the first error code).', labelNames: ['route', 'operation', 'code'], registers: [this.registry] });
  private readonly requestSeconds = new Histogram({ name: 'audience_graph_request_duration_seconds', help: 'HTTP request duration by route, GraphQL operation and outcome code.', labelNames: ['route', 'operation', 'code'], buckets: SECONDS, registers: [this.registry] });
  private readonly sqlSeconds = new Histogram({ name: 'audience_graph_sql_duration_seconds', help: 'SQL statement duration, by outcome.', labelNames: ['outcome'], buckets: SECONDS, registers: [this.registry] });
  private readonly evaluationSeconds = new Histogram({ name: 'audience_graph_segment_evaluation_duration_seconds', help: 'Duration of one segment evaluation statement, by kind (count, members, membership, impact).', labelNames: ['kind'], buckets: SECONDS, registers: [this.registry] });
  private readonly operations = new Set<string>();

  constructor(pool: () => PoolUsage | null, options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    new Gauge({ name: 'audience_graph_db_pool_size', help: 'Database connections the pool may open.', registers, collect() { const p = pool(); if (p) this.set(p.size); } });
    new Gauge({ name: 'audience_graph_db_pool_used', help: 'Database connections in use.', registers, collect() { const p = pool(); if (p) this.set(p.used); } });
    new Gauge({ name: 'audience_graph_db_pool_pending', help: 'Requests waiting for a database connection.', registers, collect() { const p = pool(); if (p) this.set(p.pending); } });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  request(route: string, operation: string | null, code: string, seconds: number): void {
    const labels = { route, operation: this.operationLabel(operation), code };
    this.requests.inc(labels);
    this.requestSeconds.observe(labels, seconds);
  }

  sql(failed: boolean, seconds: number): void {
    this.sqlSeconds.observe({ outcome: failed ? 'error' : 'ok' }, seconds);
  }

  evaluation(kind: string, seconds: number): void {
    this.evaluationSeconds.observe({ kind }, seconds);
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private operationLabel(operation: string | null): string {
    if (!operation) return '';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(operation)) return 'other';
    if (this.operations.has(operation)) return operation;
    if (this.operations.size >= MAX_OPERATION_LABELS) return 'other';
    this.operations.add(operation);
    return operation;
  }
}
