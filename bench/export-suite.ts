import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { copyOptions, exportStatement } from '../src/db/export.sql';
import { resolveExportColumns } from '../src/services/export-columns';
import { DATASET_AS_OF } from './dataset';
import { servicesFor } from './services';
import { median } from './stats';
import type { BenchTarget } from './targets';
import { startBenchServer } from './http-suite';

/** The speed target: the service's export takes at most this many times the same COPY by hand… */
export const EXPORT_TARGET_RATIO = 1.5;
/** …with the server's resident memory below this. */
export const EXPORT_RSS_LIMIT_MB = 200;

export interface ExportRun {
  readonly seconds: number;
  readonly bytes: number;
}

export interface ExportSuiteResult {
  readonly segment: string;
  readonly rows: number;
  readonly format: 'CSV';
  /** `COPY (<the export statement, values written in>) TO STDOUT` on a plain `pg` connection, read and discarded. */
  readonly byHand: readonly ExportRun[];
  /** `GET /exports/segments/{id}.csv` against the real server (a child process), read and discarded. */
  readonly service: readonly ExportRun[];
  readonly byHandMedianSeconds: number;
  readonly serviceMedianSeconds: number;
  readonly ratio: number;
  /** The server process's peak RSS while exporting (sampled from /proc every 50 ms), and before. */
  readonly serverRssMb: { readonly idle: number; readonly peak: number };
  readonly meetsTarget: boolean;
}

export interface ExportOptions {
  readonly namespace: string;
  readonly runs: number;
  readonly log: (message: string) => void;
}

const SEGMENT_NAME = 'Bench: everyone (export)';
const SEGMENT_TEXT = 'first_name is set or not first_name is set';

/** A literal for a parameter of the bench's own statement (the bench's values only: never user input). */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return `'${value.toISOString()}'::timestamptz`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `array[${value.map(literal).join(', ')}]`;
  return `'${String(value).replace(/'/g, "''")}'`;
}

function discard(counter: { bytes: number }): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      counter.bytes += chunk.length;
      done();
    },
  });
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

function get(url: string, key: string, sink: Writable): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { authorization: `Bearer ${key}` } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`the export answered ${res.statusCode}`));
      pipeline(res, sink).then(() => resolve(Number(res.trailers['x-export-rows'] ?? -1)), reject);
    }).on('error', reject).end();
  });
}

/**
 * The export speed target (issue 8): a saved segment of every profile of the namespace, exported as
 * CSV through the service (the real server, HTTP, COPY TO STDOUT), against the same statement run
 * by hand as `COPY (…) TO STDOUT` on a plain connection. Both read to the end and discard; medians
 * of `runs` after one warm-up each. The server's RSS is sampled while it exports.
 */
export async function runExportSuite(target: BenchTarget, options: ExportOptions): Promise<ExportSuiteResult> {
  if (target.kind !== 'postgres' || !target.url) throw new Error('the export suite runs against PostgreSQL');
  const namespace = { id: target.namespaces[options.namespace]!, slug: options.namespace };
  const services = servicesFor(target.db, namespace);
  const existing = await target.session.rows<{ id: string }>(`select id from segment where namespace_id = $1 and name = $2`, [namespace.id, SEGMENT_NAME]);
  const segmentId = existing[0]?.id ?? (await services.segments.create({ name: SEGMENT_NAME, definition: { expression: SEGMENT_TEXT } })).id;
  const rows = await services.segments.count(await services.segments.get(segmentId), DATASET_AS_OF);
  const query = await services.segments.compiled(await services.segments.get(segmentId), DATASET_AS_OF);
  const columns = resolveExportColumns(null, await services.customFields.list());
  const statement = exportStatement(query.predicate, { columns, format: 'CSV', escapeFormulas: true });
  const byHandSql = statement.sql.replace(/\$(\d+)/g, (_, n: string) => literal(statement.params[Number(n) - 1]));
  options.log(`export: ${rows} rows of ${options.namespace}; COPY by hand…`);

  const client = new Client({ connectionString: target.url, options: '-c TimeZone=UTC' });
  await client.connect();
  const byHand: ExportRun[] = [];
  try {
    for (let i = 0; i <= options.runs; i++) {
      const counter = { bytes: 0 };
      const started = performance.now();
      await pipeline(client.query(copyTo(`copy (${byHandSql}) to stdout with (${copyOptions('CSV')})`)), discard(counter));
      if (i > 0) byHand.push({ seconds: (performance.now() - started) / 1000, bytes: counter.bytes });
    }
  } finally {
    await client.end();
  }

  const server = await startBenchServer({ url: target.url, poolSize: 10, namespaceId: namespace.id, role: 'MARKETER' });
  const service: ExportRun[] = [];
  let peak = 0;
  const idle = rssMb(server.child.pid!);
  try {
    const url = `${server.url}/exports/segments/${segmentId}.csv?asOf=${DATASET_AS_OF.toISOString()}`;
    for (let i = 0; i <= options.runs; i++) {
      options.log(`export: through the service, run ${i} of ${options.runs} (0 is the warm-up)…`);
      const counter = { bytes: 0 };
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(server.child.pid!))), 50);
      const started = performance.now();
      try {
        const exported = await get(url, server.key, discard(counter));
        if (exported !== rows) throw new Error(`the export wrote ${exported} rows; count(asOf) is ${rows}`);
      } finally {
        clearInterval(sampler);
      }
      if (i > 0) service.push({ seconds: (performance.now() - started) / 1000, bytes: counter.bytes });
    }
  } finally {
    server.child.send('stop');
    await new Promise((resolve) => {
      const timer = setTimeout(() => (server.child.kill('SIGKILL'), resolve(undefined)), 10_000);
      server.child.once('exit', () => (clearTimeout(timer), resolve(undefined)));
    });
  }
  const byHandMedianSeconds = median(byHand.map((r) => r.seconds));
  const serviceMedianSeconds = median(service.map((r) => r.seconds));
  const ratio = serviceMedianSeconds / byHandMedianSeconds;
  return {
    segment: SEGMENT_TEXT, rows, format: 'CSV', byHand, service, byHandMedianSeconds, serviceMedianSeconds, ratio,
    serverRssMb: { idle, peak }, meetsTarget: ratio <= EXPORT_TARGET_RATIO && peak < EXPORT_RSS_LIMIT_MB,
  };
}
