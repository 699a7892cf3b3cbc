import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import { AudienceCompileError, compileAudience, membershipStatement, type AudienceQuery } from '../audience/compiler';
import { SegmentRow, SegmentVersionRow } from '../db/entities';
import { profileSelect, type ProfileColumn, type ProfileRow } from '../db/profile.repository';
import { SegmentRepository } from '../db/segment.repository';
import { checkEmail } from '../domain/email';
import { AppError } from '../domain/errors';
import { isSegmentId, newSegmentId } from '../domain/ids';
import { requireStorableText } from '../domain/storable-text';
import { foldCase } from '../text/case-fold';
import type { CustomFieldService } from './custom-field.service';
import { EvaluationCache } from './evaluation-cache';
import { namespaceCatalog } from './field-catalog';
import {
  decodeEnvelope,
  eventWarnings,
  MAX_SAMPLED_VALUES,
  sampledFields,
  valueWarnings,
  walk,
  type AudienceWarning,
  type FieldCatalog,
  type FilterNode,
} from '../audience';
import { SAMPLE_PROFILES, sampleFieldValues } from '../db/field-values.sql';
import { EventCatalogService } from './event-catalog.service';
import type { Sql } from '../db/sql';
import { inTransaction, requirePermission, type Scope } from './scope';
import { SegmentDefinitions, toProblems, type CheckedDefinition, type SegmentDefinitionInput } from './segment-definition';
import { estimateMembers, pageForm, tooCostlyToFence, tooManyToFence, type MemberEstimate } from './segment-page-form';

export const MAX_SEGMENT_PAGE = 500;
export const MAX_PREVIEW_SAMPLE = 100;

/** What can be evaluated: a saved segment (its current definition), one of its stored versions, or a definition. */
export type EvaluationTarget = SegmentRow | SegmentVersionRow | SegmentDefinitionInput;

export interface SegmentInput {
  readonly name?: string | null;
  readonly description?: string | null;
  readonly definition?: SegmentDefinitionInput | null;
}

/** Email values in filters compare normalized, as stored. */
function normalizeEmail(value: string): string {
  const checked = checkEmail(value);
  return checked.ok ? checked.normalized : foldCase(value.trim());
}

/** Options of `prepared`. */
export interface PrepareOptions {
  /** The segment a definition is proposed for (cycle checks). */
  readonly selfId?: string;
  /** Where a definition's problems are reported. */
  readonly path?: readonly string[];
  /** Check a saved definition against what is stored now, not what this process kept (writes: snapshots, stored evaluations). */
  readonly fresh?: boolean;
}

/**
 * Saved segments: create, update (keeping every version), delete (refused while others reference
 * it), and evaluation: count, members, membership of one profile, preview and explain. Each
 * evaluation compiles the definition, with references inlined, to one SQL statement.
 *
 * What evaluation reads besides the statement itself (the segment row, the field catalog, the
 * checked definition with its references) comes from the process's `EvaluationCache`, and each
 * definition is compiled once per request and `asOf`: a saved segment's `count` and first page of
 * `members` run 2 statements.
 */
export class SegmentService {
  readonly definitions: SegmentDefinitions;
  /** This request's segment rows and compiled queries (keys carry the cache generation, so a write in the request starts over). */
  private readonly rows = new Map<string, Promise<SegmentRow>>();
  private readonly queries = new Map<unknown, Map<string, Promise<{ query: AudienceQuery; text: string }>>>();
  /** This request's counts by compiled query: a page beside a count takes its form from it. */
  private readonly counts = new Map<AudienceQuery, Promise<number>>();
  /** This request's sampled custom-field values, per key: warnings of many listed segments share one statement per new key set. */
  private readonly fieldSamples = new Map<string, Promise<{ values: readonly string[]; complete: boolean }>>();

  constructor(
    private readonly scope: Scope,
    private readonly customFields: CustomFieldService,
    private readonly evaluation: EvaluationCache = new EvaluationCache(),
    private readonly eventCatalog: EventCatalogService = new EventCatalogService(scope),
  ) {
    this.definitions = new SegmentDefinitions(scope, () => this.catalog());
  }

  /** The namespace's field catalog, kept per process until a custom field changes (`EvaluationCache`). */
  catalog(): Promise<FieldCatalog> {
    return this.evaluation.get(this.scope.tenant.id, 'catalog', async () => namespaceCatalog(await this.customFields.list()));
  }

  private get repo(): SegmentRepository {
    return new SegmentRepository(this.scope.sql, this.scope.tenant.id);
  }

  async validate(input: SegmentDefinitionInput): Promise<CheckedDefinition> {
    requirePermission(this.scope, 'read', 'validate segments');
    return this.definitions.check(input);
  }

  /**
   * Warnings for a parsed definition (issue 13 §1): event types, properties and property types
   * the namespace's events have never had, with "did you mean". Never an error: the data may not
   * have arrived yet. None when the catalog was too large to read whole.
   */
  async warnings(ast: FilterNode | undefined): Promise<AudienceWarning[]> {
    if (!ast) return [];
    const [events, values] = await Promise.all([this.eventWarnings(ast), this.valueWarnings(ast)]);
    return [...events, ...values];
  }

  private async eventWarnings(ast: FilterNode): Promise<AudienceWarning[]> {
    if (!hasEventCondition(ast)) return [];
    const catalog = await this.eventCatalog.catalog();
    return catalog.truncated ? [] : eventWarnings(ast, catalog);
  }

  /** Values never seen in a low-cardinality string custom field: one bounded sampling statement, only when the filter compares one. */
  private async valueWarnings(ast: FilterNode): Promise<AudienceWarning[]> {
    const catalog = await this.catalog();
    const keys = sampledFields(ast, catalog);
    if (keys.length === 0) return [];
    const missing = keys.filter((key) => !this.fieldSamples.has(key));
    if (missing.length > 0) {
      const read = sampleFieldValues(this.scope.sql, this.scope.tenant.id, missing, MAX_SAMPLED_VALUES + 1);
      for (const key of missing) this.fieldSamples.set(key, read.then((sample) => ({ values: sample.values.get(key) ?? [], complete: sample.complete })));
    }
    const samples = await Promise.all(keys.map(async (key) => [key, await this.fieldSamples.get(key)!] as const));
    const complete = samples.every(([, sample]) => sample.complete);
    return valueWarnings(ast, catalog, new Map(samples.map(([key, sample]) => [key, sample.values])), { sampled: complete ? undefined : SAMPLE_PROFILES });
  }

  /** The warnings of a saved segment's current definition (or of a definition that does not decode: none). */
  async warningsOf(row: SegmentRow): Promise<AudienceWarning[]> {
    const decoded = decodeEnvelope(row.definition);
    return decoded.ok ? this.warnings(decoded.value) : [];
  }

  async create(input: SegmentInput): Promise<SegmentRow> {
    requirePermission(this.scope, 'segments:write', 'create segments');
    requireStorableText([[['input', 'name'], input.name], [['input', 'description'], input.description]]);
    const name = this.name(input.name);
    if (!input.definition) throw AppError.invalid(['input', 'definition'], 'is required: send a filter (JSON) or an expression (text)');
    const checked = await this.checked(input.definition);
    const row = Object.assign(new SegmentRow(), {
      namespaceId: this.scope.tenant.id,
      id: newSegmentId(),
      name,
      description: input.description?.trim() ?? '',
      definition: checked.normalized!,
      text: checked.text!,
      createdBy: this.scope.actor,
      updatedBy: this.scope.actor,
    });
    return this.save(row, () => undefined, checked.references);
  }

  /**
   * Changes a segment and keeps the previous version. With `expectedVersion`, a segment that was
   * saved since (by someone else, or in another tab) is a CONFLICT naming the newer version and who
   * saved it, so two marketers never silently overwrite each other. The row is locked while the new
   * version is written, so concurrent saves each get their own version number.
   */
  async update(id: string, input: SegmentInput & { readonly expectedVersion?: number | null }): Promise<SegmentRow> {
    requirePermission(this.scope, 'segments:write', 'change segments');
    const expected = input.expectedVersion ?? null;
    if (expected !== null && (!Number.isSafeInteger(expected) || expected < 1)) {
      throw AppError.invalid(['input', 'expectedVersion'], `must be a version number of at least 1 (got ${expected})`);
    }
    await this.get(id);
    requireStorableText([[['input', 'name'], input.name], [['input', 'description'], input.description]]);
    const name = input.name !== undefined && input.name !== null ? this.name(input.name) : undefined;
    const checked = input.definition ? await this.checked(input.definition, id) : undefined;
    // Read before the transaction: PGlite has one connection, which the transaction holds.
    const catalog = checked ? namespaceCatalog(await this.customFields.list()) : undefined;
    return this.save(id, (row) => {
      if (expected !== null && row.version !== expected) throw staleVersion(row, expected);
      if (name !== undefined) row.name = name;
      if (input.description !== undefined && input.description !== null) row.description = input.description.trim();
      if (checked) {
        row.definition = checked.normalized!;
        row.text = checked.text!;
      }
      row.version += 1;
      row.updatedBy = this.scope.actor;
      row.updatedAt = new Date();
    }, checked?.references, catalog);
  }

  async delete(id: string): Promise<SegmentRow> {
    requirePermission(this.scope, 'segments:write', 'delete segments');
    await this.get(id);
    const row = await this.scope.sql.em.findOne(SegmentRow, { namespaceId: this.scope.tenant.id, id });
    if (!row) throw AppError.notFound('Segment', id);
    const dependents = await this.repo.dependents(id);
    if (dependents.length) {
      throw AppError.conflict(
        `Segment "${row.name}" is used by ${dependents.map((d) => `"${d.name}" (${d.id})`).join(', ')}; change or delete those first.`,
        { usedBy: dependents.map((d) => d.id) },
      );
    }
    await this.scope.sql.em.remove(row).flush();
    this.evaluation.forget(this.scope.tenant.id);
    return row;
  }

  /**
   * A saved segment, for reading and evaluating: read once per request, and kept per process
   * (`EvaluationCache`), so a request that only evaluates it runs no statement for it. Not managed
   * by the EntityManager; writes read it again under a lock.
   */
  async get(id: string): Promise<SegmentRow> {
    requirePermission(this.scope, 'read', 'read segments');
    // An ID of another shape cannot exist: NOT_FOUND before any query.
    if (!isSegmentId(id)) throw AppError.notFound('Segment', id);
    const key = `${this.evaluation.generation(this.scope.tenant.id)}:${id}`;
    let row = this.rows.get(key);
    if (!row) {
      row = this.evaluation.get(this.scope.tenant.id, `segment:${id}`, () => this.current(id));
      this.rows.set(key, row);
      row.catch(() => this.rows.delete(key));
    }
    return row;
  }

  /** A saved segment as stored now (one parameterized statement), for writes that record what they evaluated. */
  async current(id: string): Promise<SegmentRow> {
    requirePermission(this.scope, 'read', 'read segments');
    if (!isSegmentId(id)) throw AppError.notFound('Segment', id);
    const row = await this.repo.row(id);
    if (!row) throw AppError.notFound('Segment', id);
    return row;
  }

  async page(first: number, after: { name: string; id: string } | null): Promise<{ segments: SegmentRow[]; hasMore: boolean }> {
    requirePermission(this.scope, 'read', 'read segments');
    if (!Number.isInteger(first) || first < 1 || first > MAX_SEGMENT_PAGE) throw AppError.invalid(['first'], `must be a whole number from 1 to ${MAX_SEGMENT_PAGE} (got ${first})`);
    const ids = (await this.repo.page(after, first + 1)).map((r) => r.id);
    const rows = await this.scope.sql.em.find(SegmentRow, { namespaceId: this.scope.tenant.id, id: { $in: ids.slice(0, first) } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return { segments: ids.slice(0, first).map((id) => byId.get(id)!).filter(Boolean), hasMore: ids.length > first };
  }

  async versions(id: string): Promise<SegmentVersionRow[]> {
    await this.get(id);
    return this.scope.sql.em.find(SegmentVersionRow, { namespaceId: this.scope.tenant.id, segmentId: id }, { orderBy: { version: 'desc' } });
  }

  /** One stored version of a segment; NOT_FOUND (saying which versions exist) otherwise. */
  async version(id: string, version: number, path: readonly (string | number)[] = ['version']): Promise<SegmentVersionRow> {
    const segment = await this.get(id);
    if (!Number.isSafeInteger(version) || version < 1 || version > segment.version) {
      throw AppError.invalid(path, `segment "${segment.name}" has versions 1 to ${segment.version} (got ${version})`);
    }
    const row = await this.scope.sql.em.findOne(SegmentVersionRow, { namespaceId: this.scope.tenant.id, segmentId: id, version });
    if (!row) throw AppError.notFound('Segment version', `${id}@${version}`);
    return row;
  }

  async dependencies(id: string): Promise<{ dependsOn: string[]; usedBy: string[] }> {
    requirePermission(this.scope, 'read', 'read segments');
    const [dependsOn, usedBy] = await Promise.all([this.repo.dependencies(id), this.repo.dependents(id)]);
    return { dependsOn: dependsOn.map((d) => d.id), usedBy: usedBy.map((d) => d.id) };
  }

  // ---- evaluation -------------------------------------------------------------------------

  /** How many profiles are members at `asOf` (once per request, target and `asOf`). */
  async count(target: EvaluationTarget, asOf: Date): Promise<number> {
    requirePermission(this.scope, 'read', 'evaluate segments');
    const query = await this.compiled(target, asOf);
    let counted = this.counts.get(query);
    if (!counted) {
      const statement = query.count();
      counted = this.scope.sql.one<{ count: number }>(statement.sql, statement.params, { label: 'segment.count' }).then((row) => Number(row?.count ?? 0));
      this.counts.set(query, counted);
    }
    return counted;
  }

  /**
   * A page of members by profile ID, with the given columns (default all). Its form (`segment-page-form.ts`) comes from the count when
   * the same request counts the segment (GraphQL resolves `count` and `members` side by side) and
   * from the planner's estimate of the count statement: a small segment that is cheap to count is
   * fenced. The estimate of a saved segment is kept with it per process (`EvaluationCache`), so a
   * count and a page run 2 statements, and when the estimate alone rules fencing out (a costly
   * count), the page runs beside the count instead of waiting for it. An unsaved definition is
   * estimated only when its count is at most `FENCE_MAX_MEMBERS`.
   */
  async members(target: EvaluationTarget, asOf: Date, first: number, afterId: number, columns?: readonly ProfileColumn[]): Promise<{ profiles: ProfileRow[]; hasMore: boolean }> {
    requirePermission(this.scope, 'read', 'evaluate segments');
    if (!Number.isInteger(first) || first < 1 || first > MAX_SEGMENT_PAGE) throw AppError.invalid(['first'], `must be a whole number from 1 to ${MAX_SEGMENT_PAGE} (got ${first})`);
    const query = await this.compiled(target, asOf);
    const statement = query.page({ afterId, limit: first + 1, select: profileSelect(columns), fenced: await this.fencePage(target, query) });
    const rows = await this.scope.sql.rows<ProfileRow>(statement.sql, statement.params, { label: 'segment.members' });
    return { profiles: rows.slice(0, first), hasMore: rows.length > first };
  }

  private async fencePage(target: EvaluationTarget, query: AudienceQuery): Promise<boolean> {
    // A sibling `count` field compiles the same query; let it start before deciding without it.
    if (!this.counts.has(query)) await new Promise((resolve) => setImmediate(resolve));
    // A saved segment's estimate is kept per process: when it alone rules fencing out, the page
    // runs beside the count instead of after it (the count of a big segment is the slow statement).
    if (keptEstimateKey(target) !== undefined && tooCostlyToFence(await this.estimate(target, query))) return false;
    let counted: number | undefined;
    const counting = this.counts.get(query);
    if (counting) {
      try {
        counted = await counting;
      } catch {
        return false; // A failed count reports its own error; the page then takes the keyset form.
      }
      if (tooManyToFence(counted)) return false;
    }
    return pageForm(await this.estimate(target, query), counted) === 'fenced';
  }

  /**
   * The planner's estimate of the count statement. A saved segment's (or stored version's) is kept
   * per process with its definition, for any `asOf`: it only chooses a page's form, never its rows.
   */
  private estimate(target: EvaluationTarget, query: AudienceQuery): Promise<MemberEstimate> {
    const load = () => estimateMembers(this.scope.sql, query);
    const key = keptEstimateKey(target);
    return key === undefined ? load() : this.evaluation.get(this.scope.tenant.id, key, load);
  }

  async isMember(target: SegmentRow, profileId: number, asOf: Date): Promise<boolean> {
    requirePermission(this.scope, 'read', 'evaluate segments');
    const statement = (await this.compiled(target, asOf)).member(profileId);
    return Boolean((await this.scope.sql.one<{ member: boolean }>(statement.sql, statement.params, { label: 'segment.member' }))?.member);
  }

  /**
   * For each profile, the saved segments it belongs to at `asOf`, in one statement. A saved
   * segment that no longer validates (stored before its references changed) is left out and
   * listed in `skipped` with the reason, so one stale segment never fails Customer 360 whole.
   */
  async segmentsOf(profileIds: readonly number[], asOf: Date): Promise<{ membership: Map<number, SegmentRow[]>; skipped: SkippedSegment[] }> {
    requirePermission(this.scope, 'read', 'evaluate segments');
    const all = await this.scope.sql.em.find(SegmentRow, { namespaceId: this.scope.tenant.id }, { orderBy: { name: 'asc' } });
    const membership = new Map<number, SegmentRow[]>(profileIds.map((id) => [id, []]));
    if (all.length === 0 || profileIds.length === 0) return { membership, skipped: [] };
    const compiled = await Promise.all(all.map(async (row) => {
      try {
        return { row, query: await this.compiled(row, asOf) };
      } catch (error) {
        if (error instanceof AppError && (error.code === 'CONFLICT' || error.code === 'BAD_USER_INPUT')) return { row, reason: error.message };
        throw error;
      }
    }));
    const skipped = compiled.flatMap((c) => ('reason' in c ? [{ id: c.row.id, name: c.row.name, reason: c.reason! }] : []));
    const entries = compiled.flatMap((c) => ('query' in c ? [{ key: c.row.id, query: c.query! }] : []));
    if (entries.length === 0) return { membership, skipped };
    const statement = membershipStatement(entries, profileIds);
    const rows = await this.scope.sql.rows<{ key: string; profile_id: number }>(statement.sql, statement.params, { label: 'segment.membership' });
    const byId = new Map(all.map((r) => [r.id, r]));
    for (const r of rows) membership.get(Number(r.profile_id))?.push(byId.get(r.key)!);
    return { membership, skipped };
  }

  /** The SQL of a definition and its plan (CLIENT_ADMIN). `analyze` runs the query to time it. */
  async explain(input: SegmentDefinitionInput, asOf: Date, analyze: boolean): Promise<{ sql: string; params: readonly unknown[]; plan: string }> {
    requirePermission(this.scope, 'segments:explain', 'explain segments');
    const statement = (await this.compiled(input, asOf)).count();
    const rows = await this.scope.sql.rows<Record<string, string>>(`explain (${analyze ? 'analyze, buffers, ' : ''}format text) ${statement.sql}`, statement.params);
    return { sql: statement.sql, params: statement.params, plan: rows.map((r) => Object.values(r)[0]).join('\n') };
  }

  /**
   * The compiled query of a saved segment, one of its stored versions, or a definition at `asOf`:
   * the statement `count` runs and the predicate exports use, so an export has exactly
   * `count(asOf)` rows. `selfId` is the segment a definition is proposed for (cycle checks).
   */
  async compiled(target: EvaluationTarget, asOf: Date): Promise<AudienceQuery> {
    return (await this.prepared(target, asOf)).query;
  }

  /**
   * `compiled`, with the canonical text of the definition that was compiled. A definition proposed
   * for segment `selfId` is checked as saving it would be (cycles); its problems are reported under `path`.
   */
  async prepared(target: EvaluationTarget, asOf: Date, options: PrepareOptions = {}): Promise<{ query: AudienceQuery; text: string }> {
    requirePermission(this.scope, 'read', 'evaluate segments');
    const owner = target instanceof SegmentRow ? `row:${target.id}@${target.version}` : target instanceof SegmentVersionRow ? `version:${target.segmentId}@${target.version}` : target;
    const key = JSON.stringify([this.evaluation.generation(this.scope.tenant.id), asOf.getTime(), options.selfId ?? null, options.path ?? null, Boolean(options.fresh)]);
    let byOptions = this.queries.get(owner);
    if (!byOptions) this.queries.set(owner, (byOptions = new Map()));
    let prepared = byOptions.get(key);
    if (!prepared) {
      prepared = this.prepare(target, asOf, options);
      byOptions.set(key, prepared);
    }
    return prepared;
  }

  private async prepare(target: EvaluationTarget, asOf: Date, options: PrepareOptions): Promise<{ query: AudienceQuery; text: string }> {
    let checked: CheckedDefinition;
    if (target instanceof SegmentRow || target instanceof SegmentVersionRow) {
      const id = target instanceof SegmentRow ? target.id : target.segmentId;
      // A stored version never changes; what it references is forgotten with every segment write.
      const check = () => this.definitions.check({ filter: target.definition }, id);
      checked = options.fresh ? await check() : await this.evaluation.get(this.scope.tenant.id, `checked:${id}@${target.version}`, check);
      if (checked.errors.length || !checked.inlined) {
        const what = target instanceof SegmentRow ? `Segment "${target.name}" (${id})` : `Version ${target.version} of segment "${target.name}" (${id})`;
        throw AppError.conflict(`${what} no longer validates, so it is not evaluated: ${checked.errors.map((e) => e.message).join(' ')}`);
      }
    } else {
      checked = await this.checked(target, options.selfId, options.path ?? ['definition']);
    }
    const catalog = await this.catalog();
    try {
      return { query: compileAudience(checked.inlined!, { catalog, asOf, namespaceId: this.scope.tenant.id, normalizeEmail }), text: checked.text! };
    } catch (error) {
      // Fail closed, as a user error: something the validator let through cannot be compiled exactly
      // (e.g. text PostgreSQL cannot store, or an instant outside years 1–9999).
      if (error instanceof AudienceCompileError) throw AppError.invalid(['definition'], error.message, error.code);
      throw error;
    }
  }

  /** A definition that must be valid: BAD_USER_INPUT listing every problem otherwise. */
  private async checked(input: SegmentDefinitionInput, selfId?: string, path: readonly string[] = ['input', 'definition']): Promise<CheckedDefinition> {
    const checked = await this.definitions.check(input, selfId);
    if (checked.errors.length) {
      throw AppError.invalidMany(toProblems(checked.errors, path, checked.form), `The segment definition is not valid: ${checked.errors.map((e) => e.message).join(' ')}`);
    }
    return checked;
  }

  private name(raw: string | null | undefined): string {
    const name = raw?.trim() ?? '';
    if (name === '' || name.length > 200) throw AppError.invalid(['input', 'name'], 'must be 1 to 200 characters');
    return name;
  }

  /**
   * Inside the transaction that changed `changed`: every segment that uses it, directly or through
   * others, must still validate with the new definition in place (references, cycles, nesting,
   * size), or the change is refused with a CONFLICT naming the first one that would break and why.
   */
  private async checkDependents(sql: Sql, changed: SegmentRow, catalog: FieldCatalog): Promise<void> {
    const dependents = await new SegmentRepository(sql, this.scope.tenant.id).transitiveDependents(changed.id);
    if (dependents.length === 0) return;
    const definitions = new SegmentDefinitions({ ...this.scope, sql }, () => Promise.resolve(catalog));
    for (const dependent of dependents) {
      const checked = await definitions.check({ filter: dependent.definition }, dependent.id);
      if (checked.errors.length === 0) continue;
      throw AppError.conflict(
        `Saving segment "${changed.name}" (${changed.id}) would break segment "${dependent.name}" (${dependent.id}), which uses it: ` +
          `${checked.errors.map((e) => e.message).join(' ')} Nothing was saved: change "${dependent.name}" first, or save a definition that keeps it valid.`,
        { wouldBreak: dependent.id, reasons: checked.errors.map((e) => ({ code: e.code, message: e.message })) },
      );
    }
  }

  /**
   * Writes a segment and its new version row in one transaction: a new row as given, an existing
   * one (by id) re-read under a row lock and changed by `change` first.
   */
  private async save(target: SegmentRow | string, change: (row: SegmentRow) => void, references: readonly string[] | undefined, catalog?: FieldCatalog): Promise<SegmentRow> {
    let name = typeof target === 'string' ? '' : target.name;
    try {
      const saved = await inTransaction(this.scope, async (sql) => {
        const em = sql.em;
        let row: SegmentRow;
        if (typeof target === 'string') {
          const locked = await em.findOne(SegmentRow, { namespaceId: this.scope.tenant.id, id: target }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
          if (!locked) throw AppError.notFound('Segment', target);
          row = locked;
        } else {
          row = target;
        }
        change(row);
        name = row.name;
        // Two flushes: the version row's foreign key needs the segment row first.
        await em.persist(row).flush();
        const version = Object.assign(new SegmentVersionRow(), {
          namespaceId: row.namespaceId, segmentId: row.id, version: row.version, name: row.name, description: row.description,
          definition: row.definition, text: row.text, createdBy: this.scope.actor,
        });
        await em.persist(version).flush();
        if (references) await new SegmentRepository(sql, this.scope.tenant.id).replaceDependencies(row.id, references);
        if (catalog) await this.checkDependents(sql, row, catalog);
        return row;
      }, 1);
      this.evaluation.forget(this.scope.tenant.id);
      return saved;
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw AppError.conflict(`A segment named "${name}" already exists in this namespace.`);
      throw error;
    }
  }
}

/** A saved segment that `segmentsOf` left out, and why. */
export interface SkippedSegment {
  readonly id: string;
  readonly name: string;
  readonly reason: string;
}

/** The CONFLICT of a save based on an older version: which version is current, who saved it, when. */
function staleVersion(row: SegmentRow, expected: number): AppError {
  const savedAt = row.updatedAt.toISOString();
  return AppError.conflict(
    `Segment "${row.name}" (${row.id}) is at version ${row.version}, saved by ${row.updatedBy} at ${savedAt}; your change was made to version ${expected}. ` +
      'Nothing was saved: reload the segment, reapply your change and save with the new expectedVersion.',
    { currentVersion: row.version, expectedVersion: expected, savedBy: row.updatedBy, savedAt },
  );
}

function hasEventCondition(ast: FilterNode): boolean {
  let found = false;
  walk(ast, (node) => {
    if (node.kind === 'event') found = true;
  });
  return found;
}

/** Where a target's estimate is kept per process: a saved segment's or a stored version's; none for a definition that is not saved. */
function keptEstimateKey(target: EvaluationTarget): string | undefined {
  if (target instanceof SegmentRow) return `estimate:${target.id}@${target.version}`;
  if (target instanceof SegmentVersionRow) return `estimate:${target.segmentId}@${target.version}`;
  return undefined;
}
