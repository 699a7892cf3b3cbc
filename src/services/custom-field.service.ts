import { syncCustomIndex } from '../db/custom-index.sql';
import { CustomFieldRow } from '../db/entities';
import { customKeyProblem, MAX_CUSTOM_FIELDS_PER_NAMESPACE, type CustomFieldType } from '../domain/custom-fields';
import { AppError } from '../domain/errors';
import { requireStorableText } from '../domain/storable-text';
import { BUILT_IN_FIELDS } from '../domain/profile-fields';
import { requirePermission, type Scope } from './scope';

export interface CustomFieldInput {
  readonly key: string;
  readonly type: CustomFieldType;
  readonly description?: string | null;
  readonly indexed?: boolean | null;
}

/** Typed custom fields per namespace. A field is defined before profiles carry values for it. */
export class CustomFieldService {
  private cached: Promise<CustomFieldRow[]> | undefined;

  constructor(private readonly scope: Scope) {}

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
      throw AppError.conflict(`A custom field "${input.key}" already exists; use updateCustomField to change its description or indexing (its type cannot change).`);
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
    });
    await this.scope.sql.em.flush();
    this.cached = undefined;
    if (row.indexed) await syncCustomIndex(this.scope.sql, row.namespaceId, row.key, row.type, true);
    return row;
  }

  async update(key: string, changes: { description?: string | null; indexed?: boolean | null }): Promise<CustomFieldRow> {
    requirePermission(this.scope, 'customFields:write', 'change custom fields');
    const row = (await this.list()).find((f) => f.key === key);
    if (!row) throw AppError.notFound('Custom field', key);
    requireStorableText([[['input', 'description'], changes.description]]);
    if (changes.description !== undefined && changes.description !== null) row.description = changes.description.trim();
    const reindex = changes.indexed !== undefined && changes.indexed !== null && changes.indexed !== row.indexed;
    if (changes.indexed !== undefined && changes.indexed !== null) row.indexed = changes.indexed;
    await this.scope.sql.em.flush();
    if (reindex) await syncCustomIndex(this.scope.sql, row.namespaceId, row.key, row.type, row.indexed);
    return row;
  }
}
