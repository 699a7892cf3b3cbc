import { forgetBatch, type ForgetNamed } from '../db/forget-batch.sql';
import { forgetRequestPage, type ForgetRequestRow, type ForgottenCounts, type IdentifierKind } from '../db/privacy.sql';
import type { Sql } from '../db/sql';
import { checkEmail, emailProblem } from '../domain/email';
import { AppError } from '../domain/errors';
import { checkPhone, phoneProblem } from '../domain/phone';
import { inTransaction, requirePermission, type Scope } from './scope';

/** A deletion request names the person by exactly one of these. */
export interface ForgetTarget {
  readonly email?: string | null;
  readonly phone?: string | null;
  readonly profileId?: number | null;
}

export type ForgetSource = 'API' | 'IMPORT';

/** The audit record of one applied request: no personal data, only hashed identifiers and counts. */
export interface ForgetRequestRecord {
  readonly id: string;
  readonly requestedAt: Date;
  readonly actor: string;
  readonly actorKeyId: string | null;
  readonly actorRole: string;
  readonly namedBy: 'EMAIL' | 'PHONE' | 'PROFILE_ID';
  readonly source: ForgetSource;
  readonly identifiers: readonly { kind: IdentifierKind; digest: string; alreadySuppressed: boolean }[];
  readonly removed: ForgottenCounts;
}

export const MAX_AUDIT_PAGE = 200;

/**
 * Right to be forgotten (CLIENT_ADMIN). One request, in one transaction: the named person's
 * profile is deleted with everything that hangs off it (phones, events with their properties,
 * consent history, merge records with the snapshots of the phone-only profiles it absorbed); the
 * HMAC of every email and phone it held, and of the identifier named, goes on the namespace's
 * suppression list, which identity resolution checks first, so the person is never identified
 * again; and an audit record keeps when, who, the hashed identifiers and counts of what went.
 */
export class PrivacyService {
  constructor(private readonly scope: Scope) {}

  async forget(target: ForgetTarget, source: ForgetSource = 'API'): Promise<ForgetRequestRecord> {
    requirePermission(this.scope, 'profiles:forget', 'forget profiles');
    const named = this.named(target);
    return inTransaction(this.scope, async (sql) => {
      const [applied] = await this.apply(sql, [named], source);
      if (applied!.removed.profiles === 0 && named.kind === 'PROFILE_ID') throw AppError.notFound('Profile', named.value);
      return applied!;
    });
  }

  /**
   * Applies many requests (the `forget` import kind) in the caller's transaction, set-based, in
   * order: each as if it were sent alone after the ones before it. `named` holds a normalized
   * email or an E.164 phone each.
   */
  async apply(sql: Sql, named: readonly ForgetNamed[], source: ForgetSource): Promise<ForgetRequestRecord[]> {
    requirePermission(this.scope, 'profiles:forget', 'forget profiles');
    const by = { actor: this.scope.actor, actorKeyId: this.scope.keyId ?? null, actorRole: this.scope.role, source };
    const applied = await forgetBatch(sql, this.scope.tenant.id, named, by);
    return applied.map((a, i) => ({ id: a.id, requestedAt: a.requestedAt, ...by, namedBy: named[i]!.kind, source, identifiers: a.identifiers, removed: a.removed }));
  }

  /** The audit, newest first. */
  async requests(first: number, before: { at: Date; id: string } | null): Promise<{ records: ForgetRequestRecord[]; hasMore: boolean }> {
    requirePermission(this.scope, 'profiles:forget', 'read the deletion audit');
    if (!Number.isInteger(first) || first < 1 || first > MAX_AUDIT_PAGE) throw AppError.invalid(['first'], `must be a whole number from 1 to ${MAX_AUDIT_PAGE} (got ${first})`);
    const rows = await forgetRequestPage(this.scope.sql, this.scope.tenant.id, first + 1, before);
    return { records: rows.slice(0, first).map(toRecord), hasMore: rows.length > first };
  }

  private named(target: ForgetTarget): { kind: 'EMAIL' | 'PHONE' | 'PROFILE_ID'; value: string } {
    const given = (['email', 'phone', 'profileId'] as const).filter((k) => target[k] !== undefined && target[k] !== null);
    if (given.length !== 1) {
      throw AppError.invalid(['input'], `name the person by exactly one of email, phone or profileId (got ${given.length === 0 ? 'none' : given.join(' and ')})`);
    }
    if (target.email !== undefined && target.email !== null) {
      const checked = checkEmail(target.email);
      if (!checked.ok) throw AppError.invalid(['input', 'email'], emailProblem(target.email, checked.reason));
      return { kind: 'EMAIL', value: checked.normalized };
    }
    if (target.phone !== undefined && target.phone !== null) {
      const checked = checkPhone(target.phone, this.scope.tenant.defaultRegion);
      if (!checked.ok) throw AppError.invalid(['input', 'phone'], phoneProblem(target.phone, checked.reason));
      return { kind: 'PHONE', value: checked.e164 };
    }
    return { kind: 'PROFILE_ID', value: String(target.profileId) };
  }
}

function toRecord(row: ForgetRequestRow): ForgetRequestRecord {
  return {
    id: row.id, requestedAt: row.requested_at, actor: row.actor, actorKeyId: row.actor_key_id, actorRole: row.actor_role,
    namedBy: row.named_by as ForgetRequestRecord['namedBy'], source: row.source as ForgetSource, identifiers: row.identifiers, removed: row.removed,
  };
}
