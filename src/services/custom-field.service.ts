import {
  applyConversions, conversionSummary, deleteFieldDefinition, lockField, recordConversions, removeFieldValues, segmentsUsingField,
  setFieldType, stageFieldValues, stagedValuePage, type ConversionSummary, type SegmentUsingField,
} from '../db/custom-field-lifecycle.sql';
import { buildCustomIndex, customIndexStatuses, dropCustomIndex, syncCustomIndex } from '../db/custom-index.sql';
import { CustomFieldRow } from '../db/entities';
import type { Sql } from '../db/sql';
import { convertStoredValue, customKeyProblem, MAX_CUSTOM_FIELDS_PER_NAMESPACE, type CustomFieldType, type CustomIndexState } from '../domain/custom-fields';
import { AppError } from '../domain/errors';
import { requireStorableText } from '../domain/storable-text';
import { BUILT_IN_FIELDS } from '../domain/profile-fields';
import { EvaluationCache } from './evaluation-cache';
import { inTransaction, requirePermission, type Scope } from './scope';

/** Distinct values decided per round trip while converting a field's values. */
const CONVERSION_PAGE = 5000;
/** Unconvertible distinct values reported as samples. */
export const CONVERSION_SAMPLES = 10;

/** What a type change does (or, in a dry run, would do) to a field's stored values. */
export interface TypeChangeReport extends ConversionSummary {
  readonly key: string;
  readonly fromType: CustomFieldType;
  readonly toType: CustomFieldType;
  readonly dryRun: boolean;
  readonly applied: boolean;
  /** Values removed because they did not convert (only when applied with clearUnconvertible). */
  readonly cleared: number;
  /** Saved segments that use the field: an applied change is refused while there are any. */
  readonly usedBySegments: readonly SegmentUsingField[];
  readonly indexed: boolean;
}

/** A field's index as reported to clients: the recorded state, checked against `pg_index`. */
export interface CustomIndexReport {
  readonly state: CustomIndexState;
  /** When the state was entered (for a READY index found missing: when it was recorded READY). */
  readonly changedAt: Date | null;
  readonly error: string | null;
}

export interface CustomFieldInput {
  readonly key: string;
  readonly type: CustomFieldType;
  readonly description?: string | null;
  readonly indexed?: boolean | null;
}

/** Typed custom fields per namespace. A field is defined before profiles carry values for it. */
export class CustomFieldService {
  private cached: Promise<CustomFieldRow[]> | undefined;

  constructor(
    private readonly scope: Scope,
    /** The process's cache of what segment evaluation reads: told about every change here. */
    private readonly evaluation: EvaluationCache = new EvaluationCache(),
  ) {}

  /** The namespace's custom fields, read once per request. */
  list(): Promise<CustomFieldRow[]> {
    this.cached ??= this.scope.sql.em.find(CustomFieldRow, { namespaceId: this.scope.tenant.id }, { orderBy: { key: 'asc' } });
    return this.cached;
  }

  async types(): Promise<Map<string, CustomFieldType>> {
    return new Map((await this.list()).map((f) => [f.key, f.type]));
  }

  async define(input: CustomFieldInput): Promise<CustomFieldRow> {
    requirePermission(this.scope, 'customFields:write', 'define custom fields');
    const problem = customKeyProblem(input.key);
    if (problem) throw AppError.invalid(['input', 'key'], problem);
    requireStorableText([[['input', 'description'], input.description]]);
    if (BUILT_IN_FIELDS.some((f) => f.name === input.key)) {
      throw AppError.invalid(['input', 'key'], `"${input.key}" is a built-in profile field; choose another key`);
    }
    const existing = await this.list();
    if (existing.some((f) => f.key === input.key)) {
      throw AppError.conflict(`A custom field "${input.key}" already exists; use updateCustomField to change its description or indexing, or changeCustomFieldType to change its type.`);
    }
    if (existing.length >= MAX_CUSTOM_FIELDS_PER_NAMESPACE) {
      throw AppError.invalid(['input'], `this namespace already has ${existing.length} custom fields, the most allowed`);
    }
    const row = this.scope.sql.em.create(CustomFieldRow, {
      namespaceId: this.scope.tenant.id,
      key: input.key,
      type: input.type,
      description: input.description?.trim() ?? '',
      indexed: input.indexed ?? false,
      // Recorded with the definition, before the build: a crash during the build leaves BUILDING, which the next start rebuilds.
      ...(input.indexed ? { indexState: 'BUILDING' as const, indexStateAt: new Date() } : {}),
    });
    await this.scope.sql.em.flush();
    this.cached = undefined;
    this.evaluation.forget(this.scope.tenant.id);
    if (row.indexed) {
      await buildCustomIndex(this.scope.sql, row.namespaceId, row.key);
      await this.scope.sql.em.refresh(row);
    }
    return row;
  }

  async update(key: string, changes: { description?: string | null; indexed?: boolean | null }): Promise<CustomFieldRow> {
    requirePermission(this.scope, 'customFields:write', 'change custom fields');
    const row = (await this.list()).find((f) => f.key === key);
    if (!row) throw AppError.notFound('Custom field', key);
    requireStorableText([[['input', 'description'], changes.description]]);
    if (changes.description !== undefined && changes.description !== null) row.description = changes.description.trim();
    const indexed = changes.indexed ?? undefined;
    if (indexed !== undefined) row.indexed = indexed;
    await this.scope.sql.em.flush();
    this.evaluation.forget(this.scope.tenant.id);
    // indexed: true also repairs: an index that is not READY and valid is built again.
    if (indexed !== undefined) {
      await syncCustomIndex(this.scope.sql, row.namespaceId, row.key, indexed);
      await this.scope.sql.em.refresh(row);
    }
    return row;
  }

  /**
   * Builds the index of an indexed field again, whatever its state (a READY index too): drops
   * what has its name, builds it, records READY or FAILED (with the database's message).
   */
  async rebuildIndex(key: string): Promise<CustomFieldRow> {
    requirePermission(this.scope, 'customFields:write', 'rebuild custom field indexes');
    requireStorableText([[['key'], key]]);
    const row = (await this.list()).find((f) => f.key === key);
    if (!row) throw AppError.notFound('Custom field', key);
    if (!row.indexed) throw AppError.invalid(['key'], `custom field "${key}" is not indexed; turn indexing on with updateCustomField(input: { indexed: true }), which builds the index`);
    await buildCustomIndex(this.scope.sql, row.namespaceId, row.key);
    await this.scope.sql.em.refresh(row);
    return row;
  }

  /**
   * Each field's index as clients see it, in one statement: the recorded state, except that a
   * READY index that `pg_index` does not have as valid (dropped by hand, broken) is FAILED, saying
   * so; a start or rebuildCustomFieldIndex builds it again.
   */
  async indexReports(rows: readonly CustomFieldRow[]): Promise<Map<string, CustomIndexReport>> {
    const statuses = new Map((await customIndexStatuses(this.scope.sql, this.scope.tenant.id, rows.map((r) => r.key))).map((s) => [s.key, s]));
    return new Map(rows.map((row) => {
      const status = statuses.get(row.key);
      if (!status) return [row.key, { state: 'NONE', changedAt: row.indexStateAt, error: null }];
      if (status.indexed && status.state === 'READY' && status.presence !== 'VALID') {
        return [row.key, { state: 'FAILED', changedAt: status.stateAt, error: `the index recorded READY is ${status.presence === 'INVALID' ? 'invalid' : 'missing'} in the database; rebuildCustomFieldIndex (or a restart) builds it again` }];
      }
      return [row.key, { state: status.indexed ? status.state : 'NONE', changedAt: status.stateAt, error: status.error }];
    }));
  }

  /**
   * Deletes a field: CONFLICT naming the saved segments that use it (directly or through a
   * segment they reference); otherwise every profile's value is removed, the definition deleted
   * and its index dropped. Returns how many profiles had a value.
   */
  async delete(key: string): Promise<{ key: string; valuesRemoved: number }> {
    requirePermission(this.scope, 'customFields:write', 'delete custom fields');
    requireStorableText([[['key'], key]]);
    const ns = this.scope.tenant.id;
    const { removed, indexed } = await inTransaction(this.scope, async (sql) => {
      const field = await lockField(sql, ns, key);
      if (!field) throw AppError.notFound('Custom field', key);
      const users = await segmentsUsingField(sql, ns, key);
      if (users.length) throw usedBy(key, users, 'delete it');
      const count = await removeFieldValues(sql, ns, key);
      await deleteFieldDefinition(sql, ns, key);
      return { removed: count, indexed: field.indexed };
    });
    this.forgetCache();
    if (indexed) await dropCustomIndex(this.scope.sql, ns, key);
    return { key, valuesRemoved: removed };
  }

  /**
   * Changes a field's type, converting every stored value by the rules of `convertStoredValue`.
   * A dry run reports how many values convert and which do not (with samples and reasons) and
   * changes nothing. Applied, it reports the same; it is refused (CONFLICT, nothing changed) while
   * any value does not convert, unless `clearUnconvertible` asks to remove those values, and while
   * a saved segment uses the field. An index on the field is rebuilt for the new type (recorded
   * BUILDING in the type change's transaction, so a crash before the rebuild is repaired on start).
   */
  async changeType(key: string, toType: CustomFieldType, options: { dryRun: boolean; clearUnconvertible: boolean }): Promise<TypeChangeReport> {
    requirePermission(this.scope, 'customFields:write', 'change custom field types');
    const ns = this.scope.tenant.id;
    const report = await inTransaction(this.scope, async (sql) => {
      const field = await lockField(sql, ns, key);
      if (!field) throw AppError.notFound('Custom field', key);
      const fromType = field.type;
      if (fromType === toType) throw AppError.invalid(['input', 'type'], `custom field "${key}" is already ${toType}; send another type`);
      const usedBySegments = await segmentsUsingField(sql, ns, key);
      const summary = await this.decideConversions(sql, key, toType);
      const base = { key, fromType, toType, dryRun: options.dryRun, usedBySegments, ...summary };
      if (options.dryRun) return { ...base, applied: false, cleared: 0, indexed: field.indexed };
      if (usedBySegments.length) throw usedBy(key, usedBySegments, 'change its type');
      if (summary.unconvertible > 0 && !options.clearUnconvertible) {
        const first = summary.samples[0]!;
        throw AppError.conflict(
          `${summary.unconvertible} of ${summary.values} values of custom.${key} do not convert to ${toType} (for example ${JSON.stringify(first.value)}: ${first.reason}); nothing was changed. Fix them first, or send clearUnconvertible: true to remove them.`,
          { unconvertible: summary.unconvertible, converted: summary.converted, samples: summary.samples },
        );
      }
      await applyConversions(sql, ns, key);
      await setFieldType(sql, ns, key, toType);
      return { ...base, applied: true, cleared: summary.unconvertible, indexed: field.indexed };
    });
    this.forgetCache();
    if (report.applied && report.indexed) await buildCustomIndex(this.scope.sql, ns, key);
    return report;
  }

  /** Stages the distinct values, decides each one's conversion page by page, and sums up. */
  private async decideConversions(sql: Sql, key: string, toType: CustomFieldType): Promise<ConversionSummary> {
    await stageFieldValues(sql, this.scope.tenant.id, key);
    for (let after: string | null = null; ;) {
      const page = await stagedValuePage(sql, after, CONVERSION_PAGE);
      if (page.length === 0) break;
      await recordConversions(sql, page.map(({ v }) => {
        const converted = convertStoredValue(toType, v);
        return converted.ok ? { v, value: converted.value, reason: null } : { v, value: null, reason: converted.reason };
      }));
      after = page.at(-1)!.v;
    }
    return conversionSummary(sql, CONVERSION_SAMPLES);
  }

  private forgetCache(): void {
    this.cached = undefined;
    this.scope.sql.em.clear();
    this.evaluation.forget(this.scope.tenant.id);
  }
}

function usedBy(key: string, users: readonly SegmentUsingField[], action: string): AppError {
  const named = users.map((u) => `"${u.name}" (${u.id}${u.via ? `, through ${u.via}` : ''})`).join(', ');
  return AppError.conflict(`custom.${key} is used by ${users.length === 1 ? 'the saved segment' : `${users.length} saved segments`} ${named}; change or delete ${users.length === 1 ? 'it' : 'them'} before you ${action}.`, {
    segments: users.map((u) => ({ id: u.id, name: u.name, via: u.via })),
  });
}
