import { applyConsentChanges, lockStoredStatuses } from '../db/consent-steps.sql';
import { resolveAndApply, type ResolvedRow } from '../db/identity-resolution.sql';
import { ConsentLedger } from '../domain/consent-write';
import {
  ProfileRepository, type ConsentChangeRecord, type EventRecord, type NarrowEventRecord, type PhoneRecord, type ProfileColumn, type ProfileRecord, type ProfileRow, type TimeCursor,
} from '../db/profile.repository';
import { checkEmail, emailProblem } from '../domain/email';
import { AppError, type InputProblem } from '../domain/errors';
import { checkPhone, phoneProblem } from '../domain/phone';
import { consolidateBatch } from '../domain/profile-batch';
import { stageProfile, type ProfileWrite, type StagedProfile } from '../domain/profile-input';
import type { CustomFieldService } from './custom-field.service';
import { inTransaction, requirePermission, type Scope } from './scope';
import type { Sql } from '../db/sql';

export const MAX_PROFILE_BATCH = 1000;

/** Where write `i` of a request sits, for problem paths: `['inputs', i]`. */
export type PathFor = (position: number) => readonly (string | number)[];
export const MAX_PAGE_SIZE = 500;

/** The outcome of one write of a batch. */
export type UpsertOutcome =
  | { readonly ok: true; readonly profileId: number; readonly created: boolean; readonly promoted: boolean; readonly mergedProfileIds: readonly number[] }
  | { readonly ok: false; readonly problems: readonly InputProblem[]; readonly conflict: boolean; readonly suppressed?: boolean };

/** Where identification writes come from, for the consent history. */
export type WriteSource = 'API' | 'IMPORT';

/**
 * Profile writes and reads. Writes go through validation, batch consolidation and the set-based
 * identity resolution in one transaction; reads are keyset-paginated.
 */
export class ProfileService {
  constructor(
    private readonly scope: Scope,
    private readonly customFields: CustomFieldService,
  ) {}

  private repository(sql: Sql = this.scope.sql): ProfileRepository {
    return new ProfileRepository(sql, this.scope.tenant.id);
  }

  /** Upserts one profile; any problem is an error. */
  async upsert(write: ProfileWrite): Promise<{ profileId: number; created: boolean; promoted: boolean; mergedProfileIds: readonly number[] }> {
    const [outcome] = await this.upsertMany([write], () => ['input']);
    if (!outcome!.ok) {
      if (outcome!.suppressed) throw AppError.suppressed(outcome!.problems);
      if (outcome!.conflict) throw AppError.conflict(outcome!.problems.map((p) => p.message).join('; '));
      throw AppError.invalidMany(outcome!.problems);
    }
    return outcome!;
  }

  /**
   * Upserts a batch. Each write gets its own outcome; a bad write never stops the others.
   * `pathFor` gives each write's place in the request for problem paths, such as `inputs[3]`.
   */
  async upsertMany(writes: readonly ProfileWrite[], pathFor: PathFor = (i) => ['inputs', i], source: WriteSource = 'API'): Promise<UpsertOutcome[]> {
    requirePermission(this.scope, 'profiles:write', 'write profiles');
    if (writes.length > MAX_PROFILE_BATCH) {
      throw AppError.invalid(['inputs'], `has ${writes.length} profiles; send at most ${MAX_PROFILE_BATCH} per request`);
    }
    const outcomes: UpsertOutcome[] = new Array(writes.length);
    const staged = await this.stageAll(writes, pathFor, outcomes);
    const applied = await inTransaction(this.scope, (sql) => this.apply(sql, staged, source, pathFor));
    applied.forEach((outcome, position) => {
      if (outcome) outcomes[position] = outcome;
    });
    return outcomes;
  }

  /** Validates every write; invalid ones get their outcome now, valid ones come back staged. Missing writes are skipped. */
  async stageAll(writes: readonly (ProfileWrite | undefined)[], pathFor: PathFor, outcomes: UpsertOutcome[]): Promise<(StagedProfile | undefined)[]> {
    const ctx = { defaultRegion: this.scope.tenant.defaultRegion, customFields: await this.customFields.types() };
    return writes.map((write, i) => {
      if (!write) return undefined;
      const result = stageProfile(write, ctx, pathFor(i));
      if (result.ok) return result.value;
      outcomes[i] = { ok: false, problems: result.problems, conflict: false };
      return undefined;
    });
  }

  /**
   * Consolidates and resolves staged writes inside the caller's transaction; outcomes by input
   * position. `copy` stages the batch with COPY on PostgreSQL (file imports). Status changes the
   * writes ask for are checked write by write, in input order, against the stored statuses
   * (locked), and applied after resolution, with their history.
   */
  async apply(sql: Sql, staged: readonly (StagedProfile | undefined)[], source: WriteSource, pathFor: PathFor, options: { readonly copy?: boolean } = {}): Promise<(UpsertOutcome | undefined)[]> {
    const outcomes: (UpsertOutcome | undefined)[] = new Array(staged.length);
    const ledger = await this.consentLedger(sql, staged);
    const batch = consolidateBatch(staged, ledger && ((position, write) => {
      const { problems, record } = ledger.check(position, write, pathFor(position), source);
      if (problems.length === 0) return record;
      outcomes[position] = { ok: false, problems, conflict: false };
      return undefined;
    }));
    for (const [position, c] of batch.conflicts) {
      outcomes[position] = {
        ok: false,
        conflict: true,
        problems: [{ path: [...pathFor(position), 'phones'], message: `phone ${c.phone} is also named by write ${c.otherPosition} of this batch for another email; set movePhones to move it` }],
      };
    }
    const resolved = await resolveAndApply(sql, this.scope.tenant.id, batch.groups.map((g) => g.staged), { source, actor: this.scope.actor, copy: options.copy });
    resolved.forEach((row) => {
      for (const position of batch.groups[row.position]!.positions) outcomes[position] = toOutcome(row, pathFor(position));
    });
    if (ledger) {
      const profileOf = (position: number) => {
        const outcome = outcomes[position];
        return outcome?.ok ? outcome.profileId : undefined;
      };
      const email = ledger.emailSteps.flatMap((s) => (profileOf(s.position) === undefined ? [] : [{ ...s, profileId: profileOf(s.position)! }]));
      const sms = ledger.smsSteps.flatMap((s) => (profileOf(s.position) === undefined ? [] : [{ ...s, profileId: profileOf(s.position)! }]));
      await applyConsentChanges(sql, this.scope.tenant.id, email, sms, this.scope.actor);
    }
    return outcomes;
  }

  /** The stored statuses of the emails and phones a batch sets statuses for, locked; undefined when none asks. */
  private async consentLedger(sql: Sql, staged: readonly (StagedProfile | undefined)[]): Promise<ConsentLedger | undefined> {
    const asking = staged.filter((s): s is StagedProfile => s?.consent !== undefined);
    if (asking.length === 0) return undefined;
    const emails = asking.filter((s) => s.consent!.emailStatus !== null && s.emailNormalized !== null).map((s) => s.emailNormalized!);
    const phones = asking.filter((s) => s.consent!.smsStatus !== null).flatMap((s) => s.phones);
    const stored = await lockStoredStatuses(sql, this.scope.tenant.id, emails, phones);
    return new ConsentLedger(stored.emails, stored.phones);
  }

  /** Profiles by ID, in the order asked; undefined where none (for DataLoader). */
  async loadMany(ids: readonly number[]): Promise<(ProfileRecord | undefined)[]> {
    requirePermission(this.scope, 'read', 'read profiles');
    const rows = await this.repository().byIds(ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id));
  }

  phonesOf(profileIds: readonly number[]): Promise<PhoneRecord[]> {
    requirePermission(this.scope, 'read', 'read profiles');
    return this.repository().phonesOf(profileIds);
  }

  /** The newest events of each profile; narrow (`wide: false`) reads only `NarrowEventRecord`'s columns. */
  eventsOf(profileIds: readonly number[], limit: number, before: TimeCursor | null, type: string | null, wide?: true): Promise<EventRecord[]>;
  eventsOf(profileIds: readonly number[], limit: number, before: TimeCursor | null, type: string | null, wide: boolean): Promise<NarrowEventRecord[]>;
  eventsOf(profileIds: readonly number[], limit: number, before: TimeCursor | null, type: string | null, wide = true): Promise<NarrowEventRecord[]> {
    requirePermission(this.scope, 'read', 'read profiles');
    return this.repository().eventsOf(profileIds, limit, before, type, wide);
  }

  consentOf(profileIds: readonly number[], limit: number, before: TimeCursor | null): Promise<ConsentChangeRecord[]> {
    requirePermission(this.scope, 'read', 'read profiles');
    return this.repository().consentOf(profileIds, limit, before);
  }

  async get(id: number): Promise<ProfileRecord> {
    requirePermission(this.scope, 'read', 'read profiles');
    const repo = this.repository();
    let [profile] = await repo.byIds([id]);
    if (!profile) {
      const winner = await repo.mergedInto(id);
      if (winner !== undefined) [profile] = await repo.byIds([winner]);
    }
    if (!profile) throw AppError.notFound('Profile', String(id));
    return profile;
  }

  async idByEmail(email: string): Promise<number | undefined> {
    requirePermission(this.scope, 'read', 'read profiles');
    const checked = checkEmail(email);
    if (!checked.ok) throw AppError.invalid(['email'], emailProblem(email, checked.reason));
    return this.repository().idByEmail(checked.normalized);
  }

  async idByPhone(phone: string): Promise<number | undefined> {
    requirePermission(this.scope, 'read', 'read profiles');
    const checked = checkPhone(phone, this.scope.tenant.defaultRegion);
    if (!checked.ok) throw AppError.invalid(['phone'], phoneProblem(phone, checked.reason));
    return this.repository().idByPhone(checked.e164);
  }

  /** A page of profiles in ID order; `hasMore` tells whether another page follows. */
  async page(first: number, afterId: number, columns?: readonly ProfileColumn[]): Promise<{ profiles: ProfileRow[]; hasMore: boolean }> {
    requirePermission(this.scope, 'read', 'read profiles');
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
      throw AppError.invalid(['first'], `must be a whole number from 1 to ${MAX_PAGE_SIZE} (got ${first})`);
    }
    const rows = await this.repository().page(afterId, first + 1, columns);
    return { profiles: rows.slice(0, first), hasMore: rows.length > first };
  }
}

function toOutcome(row: ResolvedRow, path: readonly (string | number)[]): UpsertOutcome {
  if (!row.error) {
    return { ok: true, profileId: row.profileId!, created: row.created, promoted: row.promoted, mergedProfileIds: row.mergedProfileIds };
  }
  if (row.error.code === 'SUPPRESSED') {
    const where = row.error.identifier === 'PHONE' ? [...path, 'phones'] : [...path, 'email'];
    const what = row.error.identifier === 'PHONE' ? `phone ${row.error.phone}` : 'this email';
    return { ok: false, conflict: false, suppressed: true, problems: [{ path: where, code: 'SUPPRESSED', message: `${what} belongs to a person who asked to be forgotten; it is never identified again, so nothing was stored for this write` }] };
  }
  if (row.error.code === 'PHONE_CONFLICT') {
    return {
      ok: false,
      conflict: true,
      problems: [{ path: [...path, 'phones'], message: `phone ${row.error.phone} belongs to another profile (${row.error.ownerId}) with its own email; set movePhones to move it` }],
    };
  }
  return {
    ok: false,
    conflict: false,
    problems: [{ path: [...path, 'birthdayDay'], message: 'the birthday this write leaves on the profile is not a real date (for example 31 April)' }],
  };
}
