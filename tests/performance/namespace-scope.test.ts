import { PGlite } from '@electric-sql/pglite';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { OPERATORS, operatorsFor, type FieldDef, type FilterNode } from '../../src/audience';
import type { EventNode, PropertyCondition, Value } from '../../src/audience/ast';
import { compileAudience, impactStatement, membershipStatement, type AudienceQuery } from '../../src/audience/compiler';
import { Database } from '../../src/db/database';
import { exportPageStatement, exportStatement } from '../../src/db/export.sql';
import { PROFILE_SELECT } from '../../src/db/profile.repository';
import { SnapshotRepository } from '../../src/db/snapshot.sql';
import { WebhookRepository } from '../../src/db/webhook.sql';
import { exportColumnsFor } from '../../src/domain/export-columns';
import { Writable } from 'node:stream';
import type { CustomFieldRow } from '../../src/db/entities';
import { createRequestServices } from '../../src/services';
import { AuthService } from '../../src/services/auth.service';
import { namespaceCatalog } from '../../src/services/field-catalog';
import { createTenant, scopeFor } from '../support/tenants';
import { fastRunner, waitFor } from '../jobs/support/jobs';
import { ALL_NAMESPACES_MARKER, checkNamespaceScope, touchesTenantTable } from './scope-checker';

/**
 * Every statement is scoped to one namespace: a tenant table read or written without a namespace
 * predicate would leak (or change) another brand's data, and would not run on Citus with the
 * tables distributed by namespace (docs/scaling.md). Three sources of statements:
 * 1. the audience compiler, over every field × operator, event shapes and their negations;
 * 2. every statement the services send while exercising the API surface (captured at the driver);
 * 3. every SQL string literal in src/db/**.
 */
const NAMESPACE = '2f6b8d1e-3c4a-4b5d-9e6f-7a8b9c0d1e2f';
const origin = { path: '' };

const CUSTOM_FIELDS = [
  { key: 'tier', type: 'STRING' }, { key: 'score', type: 'NUMBER' }, { key: 'vip', type: 'BOOLEAN' }, { key: 'joined', type: 'DATETIME' },
] as unknown as CustomFieldRow[];

function sampleValue(def: FieldDef, op: keyof typeof OPERATORS): Value | undefined {
  const shape = OPERATORS[op].valueShape;
  const enumValues = def.enumValues ?? [];
  switch (shape) {
    case 'none':
      return undefined;
    case 'scalar':
      return def.type === 'number' ? 5 : def.type === 'boolean' ? true : def.type === 'enum' ? enumValues[0]! : 'a_b%';
    case 'list':
      return def.type === 'number' ? [1, 2] : def.type === 'enum' ? enumValues.slice(0, 2) : ['x', 'y'];
    case 'range':
      return def.type === 'number' ? [1, 9] : ['2026-01-01', '2026-02-01T10:00:00Z'];
    case 'duration':
      return { amount: 7, unit: 'day' };
    case 'date':
      return '2026-01-15';
    case 'period':
      return 'today';
  }
}

/** Field conditions for every field of the catalog and every operator its type takes, each also negated. */
function fieldConditions(): FilterNode[] {
  const catalog = namespaceCatalog(CUSTOM_FIELDS);
  const nodes: FilterNode[] = [];
  for (const name of catalog.names()) {
    const def = catalog.lookup(name)!;
    for (const op of operatorsFor(def.type)) {
      const node: FilterNode = { kind: 'condition', field: name, op, value: sampleValue(def, op), origin };
      nodes.push(node, { kind: 'not', child: node, origin });
    }
  }
  return nodes;
}

/** Event conditions: every count shape, windows, property conditions of every operator. */
function eventConditions(): FilterNode[] {
  const nodes: FilterNode[] = [];
  const windows: EventNode['window'][] = [
    undefined,
    { kind: 'within_last', duration: { amount: 30, unit: 'day' } },
    { kind: 'between', from: '2026-01-01', to: '2026-02-01' },
    { kind: 'period', period: 'this_month' },
  ];
  for (const op of ['eq', 'gt', 'gte', 'lt', 'lte'] as const) {
    for (const value of [0, 1, 3]) {
      for (const window of windows) {
        const node: EventNode = { kind: 'event', event: 'purchase', count: { op, value }, ...(window ? { window } : {}), origin };
        nodes.push(node, { kind: 'not', child: node, origin });
      }
    }
  }
  for (const op of operatorsFor('event_property')) {
    const shape = OPERATORS[op].valueShape;
    const values: (Value | undefined)[] = shape === 'none' ? [undefined] : shape === 'list' ? [['a', 'b'], [1, 2]] : shape === 'range' ? [[1, 5]] : ['a', 5, true];
    for (const value of values) {
      if (typeof value === 'boolean' && op !== 'eq' && op !== 'neq') continue;
      if (typeof value === 'number' && ['contains', 'not_contains', 'starts_with', 'ends_with'].includes(op)) continue;
      if (typeof value === 'string' && ['lt', 'lte', 'gt', 'gte'].includes(op)) continue;
      const where: PropertyCondition[] = [{ kind: 'property', property: 'total', op, ...(value !== undefined ? { value } : {}), origin }];
      const node: EventNode = { kind: 'event', event: 'purchase', count: { op: 'gte', value: 2 }, window: { kind: 'within_last', duration: { amount: 1, unit: 'month' } }, where, origin };
      nodes.push(node, { kind: 'not', child: node, origin }, { ...node, count: undefined } as EventNode);
    }
  }
  return nodes;
}

function compile(filter: FilterNode): AudienceQuery {
  return compileAudience(filter, { catalog: namespaceCatalog(CUSTOM_FIELDS), asOf: new Date('2026-11-28T12:00:00Z'), namespaceId: NAMESPACE });
}

describe('compiled audience statements', () => {
  const snapshot: FilterNode = { kind: 'snapshot', id: 'snap_scope', origin };
  const leaves = [...fieldConditions(), ...eventConditions(), snapshot, { kind: 'not', child: snapshot, origin } as FilterNode];
  const queries = leaves.map((leaf) => ({ leaf, query: compile(leaf) }));
  const mixes = [
    compile({ kind: 'and', children: leaves.slice(0, 60), origin }),
    compile({ kind: 'or', children: leaves.slice(60, 140), origin }),
    compile({ kind: 'not', child: { kind: 'or', children: [leaves[0]!, { kind: 'and', children: leaves.slice(140, 160), origin }], origin }, origin }),
  ];

  test('cover every field, operator and event shape', () => {
    expect(queries.length).toBeGreaterThan(300);
  });

  test('count, page and member statements are scoped to the namespace ($1)', () => {
    const problems: string[] = [];
    for (const query of [...queries.map((q) => q.query), ...mixes]) {
      for (const statement of [query.count(), query.page({ afterId: 5, limit: 101, select: PROFILE_SELECT }), query.member(7)]) {
        expect(statement.params[0]).toBe(NAMESPACE);
        for (const p of checkNamespaceScope(statement.sql, { params: new Set([1]) })) problems.push(`${p.message}: ${statement.sql}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('export statements (every column, both formats) are scoped to the namespace ($1)', () => {
    const columns = exportColumnsFor(CUSTOM_FIELDS);
    const problems: string[] = [];
    for (const query of [...queries.slice(0, 80).map((q) => q.query), ...mixes]) {
      for (const format of ['CSV', 'JSONL'] as const) {
        const options = { columns, format, escapeFormulas: true };
        for (const statement of [exportStatement(query.predicate, options), exportPageStatement(query.predicate, options, 10, 100)]) {
          expect(statement.params[0]).toBe(NAMESPACE);
          for (const p of checkNamespaceScope(statement.sql, { params: new Set([1]) })) problems.push(`${p.message}: ${statement.sql}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('impact statements (two definitions in one) are scoped to the namespace ($1)', () => {
    const problems: string[] = [];
    for (let i = 0; i + 1 < queries.length; i += 7) {
      const statement = impactStatement(queries[i]!.query, queries[i + 1]!.query, 5);
      expect(statement.params[0]).toBe(NAMESPACE);
      for (const p of checkNamespaceScope(statement.sql, { params: new Set([1]) })) problems.push(`${p.message}: ${statement.sql}`);
    }
    expect(problems).toEqual([]);
  });

  test('membership statements are scoped to the namespace ($1)', () => {
    const statement = membershipStatement(queries.slice(0, 50).map((q, i) => ({ key: `seg_${i}`, query: q.query })), [1, 2, 3]);
    expect(statement.params[0]).toBe(NAMESPACE);
    expect(checkNamespaceScope(statement.sql, { params: new Set([1]) })).toEqual([]);
  });

  test('the checker finds a missing predicate (it is not vacuous)', () => {
    expect(checkNamespaceScope('select count(*) from profile p where p.email_status = $2', { params: new Set([1]) })).toHaveLength(1);
    expect(checkNamespaceScope('select 1 from profile p where p.namespace_id = $1 and exists (select 1 from event e where e.profile_id = p.id)', { params: new Set([1]) })).toHaveLength(1);
    expect(checkNamespaceScope('select 1 from profile p where p.namespace_id = $2', { params: new Set([1]) })).toHaveLength(1);
    expect(checkNamespaceScope(`update "profile" set "first_name" = $1 where "namespace_id" = 'other' and "id" = $2`, { params: new Set([3]), literal: NAMESPACE })).toHaveLength(1);
  });
});

/** Statements sent to PGlite while `work` runs, with their parameters. */
async function capture(work: () => Promise<void>): Promise<{ sql: string; params: readonly unknown[] }[]> {
  const captured: { sql: string; params: readonly unknown[] }[] = [];
  const proto = PGlite.prototype as unknown as Record<'query' | 'exec', (this: unknown, ...args: unknown[]) => Promise<unknown>>;
  const original = { query: proto.query, exec: proto.exec };
  proto.query = function (this: unknown, ...args: unknown[]) {
    captured.push({ sql: String(args[0]), params: (args[1] as unknown[] | undefined) ?? [] });
    return original.query.apply(this, args);
  };
  proto.exec = function (this: unknown, ...args: unknown[]) {
    captured.push({ sql: String(args[0]), params: [] });
    return original.exec.apply(this, args);
  };
  try {
    await work();
  } finally {
    proto.query = original.query;
    proto.exec = original.exec;
  }
  return captured;
}

/** Statements that may read across namespaces, each with the reason. */
const CROSS_NAMESPACE = [
  { pattern: /\bfrom\s+"?api_key"?\b[\s\S]*\bkey_hash"?\s*=/i, reason: 'authentication: an API key (by the hash of its secret) tells which namespace a request belongs to' },
  { pattern: /^\s*(create|drop)\s+index\b/i, reason: 'DDL of a per-namespace partial index (the namespace is in its predicate)' },
  { pattern: ALL_NAMESPACES_MARKER, reason: 'the job runner: workers claim jobs of every namespace and keep their own rows by job ID' },
];

describe('statements the services send', () => {
  let db: Database;
  beforeAll(async () => {
    db = await Database.open({ kind: 'pglite', dataDir: 'memory://' });
    await db.migrate();
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  test('every statement on a tenant table is scoped to the caller\'s namespace', async () => {
    const tenant = await createTenant(db);
    const asOf = new Date('2026-11-28T12:00:00Z');
    const statements = await capture(async () => {
      const services = createRequestServices(scopeFor(db, tenant));
      for (const field of CUSTOM_FIELDS) await services.customFields.define({ key: field.key, type: field.type, indexed: true });
      await services.profiles.upsertMany([
        { email: 'ana@example.com', firstName: 'Ana', phones: ['+14155550101'], custom: { tier: 'gold', score: 12, vip: true, joined: '2026-01-02' } },
        { email: 'ben@example.com', birthdayDay: 3, birthdayMonth: 4 },
        { phones: ['+14155550102'] },
        { phones: ['+14155550103'] },
      ]);
      await services.profiles.upsertMany([{ email: 'cleo@example.com', phones: ['+14155550102'] }]);
      await services.profiles.upsertMany([{ email: 'ana@example.com', phones: ['+14155550103'] }]);
      const anaId = (await services.profiles.idByEmail('ana@example.com'))!;
      await services.events.track([
        { type: 'purchase', created: '2026-11-20T10:00:00Z', email: 'ana@example.com', properties: { total: 50 }, clientEventId: 'o-1' },
        { type: 'email_sent', created: '2026-11-21T10:00:00Z', phone: '+14155550102' },
        { type: 'email_delivered', created: '2026-11-21T11:00:00Z', profileId: anaId },
        { type: 'purchase', created: '2026-11-22T10:00:00Z', email: 'new@example.com', clientEventId: 'o-1' },
      ]);
      await services.consent.setEmailStatus({ email: 'ana@example.com', status: 'SUBSCRIBED', source: 'FORM' });
      await services.consent.setSmsStatus({ phone: '+14155550101', status: 'PENDING', source: 'FORM' });
      await services.consent.receiveKeyword('+14155550101', 'YES');
      await services.consent.receiveKeyword('+14155550199', 'STOP');
      await services.profiles.get(anaId);
      await services.profiles.idByPhone('+14155550101');
      await services.profiles.page(10, 0);
      await services.profiles.loadMany([anaId]);
      await services.profiles.phonesOf([anaId]);
      await services.profiles.eventsOf([anaId], 5, null, null);
      await services.profiles.eventsOf([anaId], 5, { at: asOf, id: 1_000_000 }, 'purchase');
      await services.profiles.consentOf([anaId], 5, null);
      const buyers = await services.segments.create({ name: 'Buyers', definition: { expression: 'did purchase within last 30 days' } });
      const gold = await services.segments.create({ name: 'Gold buyers', definition: { expression: `in segment "${buyers.id}" and custom.tier = "gold" and sms_status = "SUBSCRIBED"` } });
      await services.segments.update(gold.id, { description: 'v2', definition: { expression: `in segment "${buyers.id}" and custom.score > 3` } });
      await services.segments.update(gold.id, { expectedVersion: 2, name: 'Gold buyers v3' });
      await services.impact.ofProposal(gold.id, { expression: 'custom.tier = "gold" or did purchase at least 2 times within last 7 days' }, asOf, 5);
      await services.impact.between(gold.id, 1, 3, asOf, 5);
      await services.segments.get(gold.id);
      await services.segments.page(10, null);
      await services.segments.versions(gold.id);
      await services.segments.dependencies(buyers.id);
      await services.segments.count(gold, asOf);
      await services.segments.members(gold, asOf, 10, 0);
      await services.segments.isMember(gold, anaId, asOf);
      await services.segments.segmentsOf([anaId], asOf);
      await services.segments.explain({ expression: 'email_status = "SUBSCRIBED" or birthday within next 7 days' }, asOf, true);
      const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
      for (const paged of [true, false]) {
        for (const format of ['CSV', 'JSONL'] as const) {
          const prepared = await services.exports.prepare({ source: { kind: 'segment', segmentId: gold.id }, asOf, format }, { paged });
          await prepared.writeTo(sink());
        }
      }
      const snapshot = await services.snapshots.take(gold.id, { asOf, label: 'scope', holdout: { percent: 10 } });
      await services.snapshots.get(snapshot.id);
      await services.snapshots.page(10, null, null);
      await services.snapshots.page(10, { createdAt: snapshot.createdAt, id: snapshot.id }, gold.id);
      await services.snapshots.members(snapshot.id, 10, 0, 'HOLDOUT');
      const frozen = await services.exports.prepare({ source: { kind: 'snapshot', snapshotId: snapshot.id, group: 'TREATMENT' }, asOf, format: 'CSV' }, { paged: true });
      await frozen.writeTo(sink());
      const sent = await services.segments.create({ name: 'Sent, gold', definition: { expression: `in snapshot "${snapshot.id}" and custom.tier = "gold"` } });
      await services.segments.count(sent, asOf);
      await expect(services.snapshots.delete(snapshot.id)).rejects.toThrow(/is used by/);
      await services.segments.delete(sent.id);
      const hook = await services.webhooks.create(gold.id, 'https://example.com/hook');
      await services.webhooks.ofSegment(gold.id);
      await services.changes.evaluate(gold.id, asOf);
      const hooks = new WebhookRepository(services.scope.sql, tenant.id);
      const [delivery] = await services.webhooks.deliveries(hook.webhook.id, 5);
      await hooks.get(hook.webhook.id);
      await hooks.delivery(delivery!.id);
      await hooks.changesAt(gold.id, asOf, 10);
      await hooks.recordAttempt(delivery!.id, 500, 'test', 'pending');
      await services.webhooks.delete(hook.webhook.id);
      await services.changes.evaluate(gold.id, new Date(asOf.getTime() + 60_000));
      await services.changes.changes(gold.id, new Date(0), new Date(asOf.getTime() + 60_000), 10, { asOf, profileId: 1 });
      await services.changes.evaluations(gold.id, 5);
      await services.changes.schedule(gold.id, 15);
      await services.changes.scheduleOf(gold.id);
      await services.changes.schedule(gold.id, null);
      await new SnapshotRepository(services.scope.sql, tenant.id).removeProfiles([anaId]);
      await services.snapshots.delete(snapshot.id);
      await services.segments.delete(gold.id);
      // Custom field lifecycle: a type change (dry run and applied, with an index), a refused and an accepted delete.
      await services.customFields.changeType('score', 'STRING', { dryRun: true, clearUnconvertible: false });
      await services.customFields.changeType('score', 'STRING', { dryRun: false, clearUnconvertible: true });
      await services.customFields.delete('score');
      await services.customFields.delete('tier').catch(() => undefined);
      // Right to be forgotten: by email, phone and ID, the suppressed writes after it, the audit.
      await services.privacy.forget({ email: 'ben@example.com' });
      await services.privacy.forget({ phone: '+14155550102' });
      await services.privacy.forget({ profileId: anaId });
      await services.privacy.forget({ email: 'nobody@example.com' });
      await services.profiles.upsertMany([{ email: 'ben@example.com' }, { phones: ['+14155550102'] }, { email: 'dan@example.com' }]);
      await services.events.track([{ type: 'purchase', created: '2026-11-23T10:00:00Z', email: 'ben@example.com' }]);
      const audit = await services.privacy.requests(2, null);
      await services.privacy.requests(2, { at: audit.records[1]!.requestedAt, id: audit.records[1]!.id });
      await services.access.namespace();
      const key = await services.access.createKey('reader', 'VIEWER');
      await services.access.listKeys();
      await new AuthService(null).authenticate(`Bearer ${key.secret}`, db.orm.em.fork());
      await services.access.revokeKey(key.row.id);
      // The job runner: enqueue, run, read, list, cancel, schedules.
      const runner = await fastRunner(db);
      runner.register({ kind: 'scope.noop', run: async (ctx) => ctx.transaction(async () => 'done', { progress: 1 }) });
      runner.start();
      const sql = services.scope.sql;
      const { job } = await runner.queue.enqueue(sql, { kind: 'scope.noop', namespaceId: tenant.id, singletonKey: `noop:${tenant.id}` });
      await runner.queue.enqueue(sql, { kind: 'scope.noop', namespaceId: tenant.id, singletonKey: `noop:${tenant.id}` });
      await waitFor(async () => (await runner.queue.get(sql, tenant.id, job.id))?.state === 'succeeded', 'the job');
      const later = await runner.queue.enqueue(sql, { kind: 'scope.noop', namespaceId: tenant.id, runAt: new Date(Date.now() + 60_000) });
      await runner.queue.cancel(sql, tenant.id, later.job.id);
      await runner.queue.list(sql, tenant.id, 'scope.noop', 10, later.job.id);
      await runner.schedules.upsert(sql, { name: `noop:${tenant.id}`, namespaceId: tenant.id, kind: 'scope.noop', cron: '* * * * * *' });
      await runner.schedules.get(sql, tenant.id, `noop:${tenant.id}`);
      await waitFor(async () => (await runner.queue.list(sql, tenant.id, 'scope.noop', 10)).length >= 3, 'a scheduled job');
      await runner.schedules.remove(sql, tenant.id, `noop:${tenant.id}`);
      await runner.stop();
    });

    const problems: string[] = [];
    let checked = 0;
    let copies = 0;
    let settings = new Set<number>();
    for (const original of statements) {
      let statement = original;
      // COPY reads its values from settings made just before (copy-out.ts): check the setting that
      // carries the namespace as if it were the parameter.
      if (/^select set_config\('audience\.p1'/.test(statement.sql)) settings = new Set(statement.params.flatMap((p, i) => (p === tenant.id ? [i + 1] : [])));
      if (/^copy \(/.test(statement.sql)) {
        copies++;
        statement = { sql: statement.sql.replace(/current_setting\('audience\.p(\d+)'\)::[a-z ]+(\[\])?/g, '$$$1'), params: [] };
        for (const p of checkNamespaceScope(statement.sql, { params: settings })) problems.push(`${p.message}: ${statement.sql.replace(/\s+/g, ' ')}`);
        continue;
      }
      if (/^prepare ag_copy_/.test(statement.sql)) continue; // only parsed, never run: its COPY twin is checked
      if (!touchesTenantTable(statement.sql) || CROSS_NAMESPACE.some((c) => c.pattern.test(statement.sql))) continue;
      checked++;
      const namespaceParams = new Set(statement.params.flatMap((p, i) => (p === tenant.id ? [i + 1] : [])));
      for (const p of checkNamespaceScope(statement.sql, { params: namespaceParams, literal: tenant.id })) problems.push(`${p.message}: ${statement.sql.replace(/\s+/g, ' ')}`);
    }
    expect(checked).toBeGreaterThan(60);
    expect(copies).toBe(2);
    expect(problems).toEqual([]);
  }, 60_000);
});

/** The SQL template literals of a TypeScript file, with `${…}` replaced by a placeholder. */
function templateLiterals(source: string): string[] {
  const found: string[] = [];
  let i = 0;
  const readTemplate = (): string => {
    let text = '';
    i++;
    while (i < source.length && source[i] !== '`') {
      if (source[i] === '\\') {
        text += source.slice(i, i + 2);
        i += 2;
      } else if (source[i] === '$' && source[i + 1] === '{') {
        let depth = 1;
        i += 2;
        while (i < source.length && depth > 0) {
          if (source[i] === '`') readTemplate();
          else if (source[i] === '{') depth++;
          else if (source[i] === '}') depth--;
          i++;
        }
        text += ' __expr__ ';
      } else {
        text += source[i++];
      }
    }
    i++;
    found.push(text);
    return text;
  };
  while (i < source.length) {
    const ch = source[i];
    if (ch === '/' && source[i + 1] === '/') i = source.indexOf('\n', i) < 0 ? source.length : source.indexOf('\n', i);
    else if (ch === '/' && source[i + 1] === '*') i = source.indexOf('*/', i) + 2;
    else if (ch === "'" || ch === '"') {
      const quote = ch;
      i++;
      while (i < source.length && source[i] !== quote) i += source[i] === '\\' ? 2 : 1;
      i++;
    } else if (ch === '`') readTemplate();
    else i++;
  }
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('SQL strings in src/db and src/jobs', () => {
  const root = join(__dirname, '..', '..');
  const all = ['db', 'jobs'].flatMap((folder) => filesUnder(join(root, 'src', folder))).flatMap((file) =>
    templateLiterals(readFileSync(file, 'utf8'))
      .filter((text) => /^\s*(-- all namespaces: [^\n]*\n\s*)?(select|insert|update|delete|with|create temp table)\b/i.test(text) && touchesTenantTable(text))
      .map((text) => ({ file: relative(root, file), text })),
  );
  const statements = all.filter((s) => !ALL_NAMESPACES_MARKER.test(s.text));
  const everyNamespace = all.filter((s) => ALL_NAMESPACES_MARKER.test(s.text));

  test('there are statements to check', () => {
    expect(statements.length).toBeGreaterThan(25);
  });

  test('statements that serve every namespace are only the job runner\'s and the start-up index repair\'s, each with its reason', () => {
    expect(everyNamespace.length).toBeGreaterThan(5);
    expect([...new Set(everyNamespace.map((s) => s.file))].every((f) => f.startsWith(join('src', 'jobs')) || f === join('src', 'db', 'custom-index.sql.ts'))).toBe(true);
  });

  test.each(statements.map((s) => [s.file, s.text.replace(/\s+/g, ' ').slice(0, 90), s.text]))('%s: %s', (_file, _short, text) => {
    expect(checkNamespaceScope(text)).toEqual([]);
  });
});
