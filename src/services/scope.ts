import type { Sql } from '../db/sql';
import { AppError } from '../domain/errors';
import { can, PERMISSIONS, type Permission, type Role } from '../domain/permissions';

/** The namespace a request acts in. */
export interface Tenant {
  readonly id: string;
  readonly slug: string;
  readonly defaultRegion: string;
}

/**
 * What a service call runs with: the caller's namespace and role, and a SQL runner on the request's
 * own EntityManager fork. Every statement a service runs is scoped to `tenant.id`.
 */
export interface Scope {
  readonly sql: Sql;
  readonly tenant: Tenant;
  readonly role: Role;
  /** Who acts, for audit trails: `key:<prefix>` for an API key. */
  readonly actor: string;
  /** The API key's ID, when an API key acts (for the deletion audit). */
  readonly keyId?: string;
}

/** Throws FORBIDDEN unless the scope's role has the permission. */
export function requirePermission(scope: Scope, permission: Permission, action: string): void {
  if (!can(scope.role, permission)) throw AppError.forbidden(action, scope.role, PERMISSIONS[permission]);
}

const RETRYABLE = new Set(['23505', '40001', '40P01']);

/** True for a database error that a retry of the whole transaction can resolve (a race, a deadlock). */
export function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && RETRYABLE.has(String((error as { code?: unknown }).code));
}

/** Runs `work` in a transaction, retrying it when it loses a race with a concurrent writer. */
export async function inTransaction<T>(scope: Scope, work: (sql: Sql) => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await scope.sql.transaction(work);
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
    }
  }
}
