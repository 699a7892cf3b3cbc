import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { CustomFieldType } from '../../domain/custom-fields';
import { AppError } from '../../domain/errors';
import { BUILT_IN_FIELDS, camelCase, isExportable, type ProfileFieldSpec } from '../../domain/profile-fields';
import type { RequestContext } from '../context';
import type { CustomFieldRow } from '../../services';
import { toCustomField, toCustomFieldIndex } from '../mappers';
import { CustomField, EventField, ProfileField } from '../types/catalog.type';
import { DefineCustomFieldInput, UpdateCustomFieldInput } from '../types/inputs.type';
import { ChangeCustomFieldTypeInput, CustomFieldTypeChange, DeleteCustomFieldPayload } from '../types/custom-field-lifecycle.type';

const GROUP: Record<ProfileFieldSpec['kind'], string> = { STANDARD: '', RESERVED: 'reserved.', DIMENSION: 'dimensions.', CHANNEL: 'channels.', CUSTOM: 'custom.' };

function builtInPath(spec: ProfileFieldSpec): string {
  if (spec.name === 'birthday') return 'birthdayMonth,birthdayDay';
  if (spec.name === 'sms_status') return 'channels.sms.status';
  return `${GROUP[spec.kind]}${spec.graphqlName}`;
}

@Resolver()
export class CatalogResolver {
  @Query(() => [ProfileField], { description: 'The field catalog for builder UIs: standard, reserved, channel, dimension and custom fields, each with both its snake_case and GraphQL names.' })
  async profileFields(@Ctx() ctx: RequestContext): Promise<ProfileField[]> {
    const custom = await ctx.services.customFields.list();
    const indexes = await ctx.services.customFields.indexReports(custom);
    return [
      ...BUILT_IN_FIELDS.map((f) =>
        Object.assign(new ProfileField(), {
          name: f.name, graphqlName: f.graphqlName, graphqlPath: builtInPath(f), kind: f.kind, type: f.type,
          enumValues: f.enumValues ? [...f.enumValues] : null, description: f.description, writable: f.writable, filterable: true, exportable: isExportable(f), index: null,
        }),
      ),
      ...custom.map((f) =>
        Object.assign(new ProfileField(), {
          name: `custom.${f.key}`, graphqlName: camelCase(f.key), graphqlPath: `custom.${f.key}`, kind: 'CUSTOM', type: f.type,
          enumValues: null, description: f.description, writable: true, filterable: true, exportable: true, index: toCustomFieldIndex(indexes.get(f.key)!),
        }),
      ),
    ];
  }

  @Query(() => [EventField], {
    description: "The event catalog for builder UIs: every event type this namespace's events have had, by type, with the properties seen on it and their JSON types (kept at ingest; at most 10,000 type and property rows).",
  })
  async eventFields(@Ctx() ctx: RequestContext): Promise<EventField[]> {
    const catalog = await ctx.services.eventCatalog.catalog();
    return catalog.eventTypes.map((t) => ({
      type: t.type,
      firstSeenAt: t.firstSeenAt,
      properties: t.properties.map((p) => ({ name: p.name, types: [...p.types], firstSeenAt: p.firstSeenAt })),
    }));
  }

  @Query(() => [CustomField], { description: "This namespace's custom fields." })
  async customFields(@Ctx() ctx: RequestContext): Promise<CustomField[]> {
    return withIndexes(ctx, await ctx.services.customFields.list());
  }

  @Mutation(() => CustomField, { description: 'Defines a typed custom field (DATA_MANAGER or CLIENT_ADMIN). Profiles can carry values for it from then on.' })
  async defineCustomField(@Arg('input', () => DefineCustomFieldInput, { description: 'The new field.' }) input: DefineCustomFieldInput, @Ctx() ctx: RequestContext): Promise<CustomField> {
    return withIndex(ctx, await ctx.services.customFields.define(input));
  }

  @Mutation(() => CustomField, {
    description: "Changes a custom field's description or indexing (DATA_MANAGER or CLIENT_ADMIN). Its type changes with changeCustomFieldType. indexed: true builds the index when it is not READY and valid (so it also repairs one a crash left BUILDING or that went missing); indexed: false drops it.",
  })
  async updateCustomField(
    @Arg('key', { description: 'The key of the field to change.' }) key: string,
    @Arg('input', () => UpdateCustomFieldInput, { description: 'The changes.' }) input: UpdateCustomFieldInput,
    @Ctx() ctx: RequestContext,
  ): Promise<CustomField> {
    return withIndex(ctx, await ctx.services.customFields.update(key, input));
  }

  @Mutation(() => CustomField, {
    description:
      "Builds an indexed custom field's index again, whatever its state (DATA_MANAGER or CLIENT_ADMIN): drops what has its name (an invalid leftover too), builds it (concurrently on PostgreSQL) and returns the field with index.state READY, or FAILED with index.error. NOT_FOUND for an unknown key; BAD_USER_INPUT for a field that is not indexed.",
  })
  async rebuildCustomFieldIndex(@Arg('key', { description: 'The key of the indexed field.' }) key: string, @Ctx() ctx: RequestContext): Promise<CustomField> {
    return withIndex(ctx, await ctx.services.customFields.rebuildIndex(key));
  }

  @Mutation(() => DeleteCustomFieldPayload, {
    description: 'Deletes a custom field (DATA_MANAGER or CLIENT_ADMIN): its value on every profile is removed and its index dropped. A field that a saved segment uses (directly or through a referenced segment) is a CONFLICT naming the segments.',
  })
  async deleteCustomField(@Arg('key', { description: 'The key of the field.' }) key: string, @Ctx() ctx: RequestContext): Promise<DeleteCustomFieldPayload> {
    return ctx.services.customFields.delete(key);
  }

  @Mutation(() => CustomFieldTypeChange, {
    description: "Changes a custom field's type, converting its stored values by the rules of a CSV import (DATA_MANAGER or CLIENT_ADMIN). dryRun reports how many convert and which do not. Applied, it fails (CONFLICT, nothing changed) while a value does not convert, unless clearUnconvertible, or while a saved segment uses the field.",
  })
  async changeCustomFieldType(@Arg('input', () => ChangeCustomFieldTypeInput, { description: 'The field, its new type and how to apply.' }) input: ChangeCustomFieldTypeInput, @Ctx() ctx: RequestContext): Promise<CustomFieldTypeChange> {
    const report = await ctx.services.customFields.changeType(input.key, input.type as CustomFieldType, { dryRun: input.dryRun, clearUnconvertible: input.clearUnconvertible });
    const field = (await ctx.services.customFields.list()).find((f) => f.key === input.key);
    if (!field) throw AppError.notFound('Custom field', input.key);
    return {
      ...report,
      samples: report.samples.map((s) => ({ ...s })),
      usedBySegments: report.usedBySegments.map((u) => ({ ...u })),
      field: await withIndex(ctx, field),
    };
  }
}

async function withIndexes(ctx: RequestContext, rows: readonly CustomFieldRow[]): Promise<CustomField[]> {
  const indexes = await ctx.services.customFields.indexReports(rows);
  return rows.map((row) => toCustomField(row, indexes.get(row.key)!));
}

async function withIndex(ctx: RequestContext, row: CustomFieldRow): Promise<CustomField> {
  return (await withIndexes(ctx, [row]))[0]!;
}
