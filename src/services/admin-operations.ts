import type { EntityManager } from '@mikro-orm/core';
import { ApiKeyRow } from '../db/entities';
import { AppError } from '../domain/errors';
import { ROLES, type Role } from '../domain/permissions';
import { ApiKeyService } from './api-key.service';
import { EXPORT_ADMIN_OPERATIONS } from './export-admin';
import { IMPORT_ADMIN_OPERATIONS } from './imports/import-admin';
import type { ProcessServices } from './index';
import { NamespaceService } from './namespace.service';

/** What an admin operation runs with: a fresh EntityManager and the hooks of the process that runs it. */
export interface AdminContext {
  readonly em: EntityManager;
  /** The migrations applied to the database, oldest first. */
  appliedMigrations(): Promise<string[]>;
  /** Tells the process that an API key was revoked (it forgets cached keys at once). */
  keyRevoked(): void;
  /** The job queue and import settings of the process, for the import operations. */
  readonly shared?: ProcessServices;
}

function sharedOf(ctx: AdminContext): ProcessServices {
  if (!ctx.shared) throw new Error('import operations need the process services');
  return ctx.shared;
}

/** A key as the CLI lists it; never the secret, which is not stored. */
export interface KeySummary {
  readonly id: string;
  readonly prefix: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly createdBy: string | null;
  readonly revokedAt: string | null;
}

type Input = Readonly<Record<string, unknown>>;

function text(input: Input, name: string, required = true): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) {
    if (required) throw AppError.invalid([name], 'is required');
    return undefined;
  }
  if (typeof value !== 'string') throw AppError.invalid([name], `must be a string (got ${typeof value})`);
  return value;
}

function role(input: Input): Role {
  const value = text(input, 'role', false) ?? 'CLIENT_ADMIN';
  if (!(ROLES as readonly string[]).includes(value)) throw AppError.invalid(['role'], `"${value}" is not a role; use one of ${ROLES.join(', ')}`);
  return value as Role;
}

async function namespaceId(ctx: AdminContext, slug: string): Promise<string> {
  const namespace = await new NamespaceService(ctx.em).bySlug(slug);
  if (!namespace) throw AppError.notFound('Namespace', slug);
  return namespace.id;
}

function summary(row: ApiKeyRow): KeySummary {
  return {
    id: row.id,
    prefix: row.keyPrefix,
    name: row.name,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The platform-admin operations of the CLI. The same code runs in the CLI's own process (when no
 * server owns the database) and inside the running server, reached through its admin socket, so
 * a command behaves the same either way. Inputs and results are plain JSON.
 *
 * @example await ADMIN_OPERATIONS['create-key'](ctx, { namespace: 'demo', role: 'VIEWER', name: 'dashboards' })
 */
export const ADMIN_OPERATIONS = {
  /** Who runs this database and what schema it has. */
  status: async (ctx: AdminContext, _input: Input) => ({ pid: process.pid, migrations: await ctx.appliedMigrations() }),

  'create-namespace': async (ctx: AdminContext, input: Input) => {
    const { namespace, key } = await new NamespaceService(ctx.em).create({ slug: text(input, 'slug')!, name: text(input, 'name')!, defaultRegion: text(input, 'region', false) ?? null });
    return { id: namespace.id, slug: namespace.slug, name: namespace.name, defaultRegion: namespace.defaultRegion, key: { ...summary(key.row), secret: key.secret } };
  },

  'create-key': async (ctx: AdminContext, input: Input) => {
    const ns = await namespaceId(ctx, text(input, 'namespace')!);
    const key = await new ApiKeyService(ctx.em).issue(ns, text(input, 'name', false) ?? 'cli key', role(input), 'cli');
    return { ...summary(key.row), secret: key.secret };
  },

  'list-keys': async (ctx: AdminContext, input: Input) => {
    const ns = await namespaceId(ctx, text(input, 'namespace')!);
    const rows = await new ApiKeyService(ctx.em).list(ns);
    return { keys: rows.map(summary) };
  },

  'revoke-key': async (ctx: AdminContext, input: Input) => {
    const slug = text(input, 'namespace')!;
    const which = text(input, 'key')!;
    const ns = await namespaceId(ctx, slug);
    const keys = new ApiKeyService(ctx.em);
    const row = UUID.test(which) ? await ctx.em.findOne(ApiKeyRow, { namespaceId: ns, id: which.toLowerCase() }) : (await keys.list(ns)).find((k) => k.keyPrefix === which);
    if (!row) throw AppError.notFound('API key', which);
    const revoked = await keys.revoke(ns, row.id);
    ctx.keyRevoked();
    return summary(revoked);
  },

  'import-file': (ctx: AdminContext, input: Input) => IMPORT_ADMIN_OPERATIONS['import-file'](ctx.em, sharedOf(ctx), input),
  'import-status': (ctx: AdminContext, input: Input) => IMPORT_ADMIN_OPERATIONS['import-status'](ctx.em, sharedOf(ctx), input),
  'import-errors': (ctx: AdminContext, input: Input) => IMPORT_ADMIN_OPERATIONS['import-errors'](ctx.em, sharedOf(ctx), input),
  'export-file': (ctx: AdminContext, input: Input) => EXPORT_ADMIN_OPERATIONS['export-file'](ctx.em, sharedOf(ctx), input),
} as const;

export type AdminOperationName = keyof typeof ADMIN_OPERATIONS;

/** The outcome of an admin operation as JSON: its result, or a user error (never a stack trace). */
export type AdminOutcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly code: string; readonly message: string };

export function isAdminOperation(name: string): name is AdminOperationName {
  return Object.prototype.hasOwnProperty.call(ADMIN_OPERATIONS, name);
}

/** Runs one admin operation; an `AppError` becomes a `{ ok: false }` outcome, anything else is rethrown. */
export async function runAdminOperation(name: AdminOperationName, ctx: AdminContext, input: Input): Promise<AdminOutcome> {
  try {
    return { ok: true, result: await ADMIN_OPERATIONS[name](ctx, input) };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}
