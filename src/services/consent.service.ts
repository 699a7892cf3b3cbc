import type { Sql } from '../db/sql';
import {
  emailTransition, keywordIntent, planSmsChange,
  type ConsentSource, type EmailStatus, type SmsOptInMethod, type SmsStatus,
} from '../domain/consent';
import { checkEmail, emailProblem } from '../domain/email';
import { AppError } from '../domain/errors';
import { checkPhone, phoneProblem } from '../domain/phone';
import type { ProfileService } from './profile.service';
import { inTransaction, requirePermission, type Scope } from './scope';

export interface EmailStatusChange {
  readonly profileId?: number | null;
  readonly email?: string | null;
  readonly status: EmailStatus;
  readonly source: ConsentSource;
}

export interface SmsStatusChange {
  readonly phone: string;
  readonly status: SmsStatus;
  /** For SUBSCRIBED: SINGLE (default) subscribes at once; DOUBLE confirms a PENDING opt-in. */
  readonly method?: SmsOptInMethod | null;
  readonly source: ConsentSource;
}

export type KeywordOutcome = 'UNSUBSCRIBED' | 'CONFIRMED' | 'IGNORED';

/**
 * Email and SMS eligibility changes. Each change is checked against the channel's state machine,
 * applied under a row lock, and recorded in the consent history with its source and actor.
 */
export class ConsentService {
  constructor(
    private readonly scope: Scope,
    private readonly profiles: ProfileService,
  ) {}

  async setEmailStatus(change: EmailStatusChange): Promise<{ profileId: number; changed: boolean }> {
    requirePermission(this.scope, 'profiles:write', 'change email eligibility');
    const byId = change.profileId !== undefined && change.profileId !== null;
    const byEmail = Boolean(change.email?.trim());
    if (byId === byEmail) throw AppError.invalid(['input'], 'name the profile by exactly one of profileId or email');
    let profileId: number;
    if (byEmail) {
      // An unknown email is identified first (as KNOWN), then changed, like a sign-up form would.
      const checked = checkEmail(change.email!);
      if (!checked.ok) throw AppError.invalid(['input', 'email'], emailProblem(change.email!, checked.reason));
      // Every change from KNOWN is allowed or a no-op, so identifying the email first never writes for a refused change.
      profileId = (await this.profiles.upsert({ email: change.email })).profileId;
    } else {
      profileId = (await this.profiles.get(change.profileId!)).id;
    }
    return inTransaction(this.scope, async (sql) => {
      const row = await sql.one<{ status: EmailStatus | null }>(
        `select email_status as status from profile where namespace_id = $1 and id = $2 for update`,
        [this.scope.tenant.id, profileId],
      );
      if (!row) throw AppError.notFound('Profile', String(profileId));
      if (row.status === null) throw AppError.invalid(['input', 'profileId'], 'this profile has no email, so it has no email channel; add an email to it first');
      const t = emailTransition(row.status, change.status);
      if (t.kind === 'invalid') throw AppError.invalid(['input', 'status'], t.reason);
      if (t.kind === 'unchanged') return { profileId, changed: false };
      await sql.execute(
        `update profile set email_status = $3, email_status_changed_at = now(), updated_at = now() where namespace_id = $1 and id = $2`,
        [this.scope.tenant.id, profileId, change.status],
      );
      await this.record(sql, profileId, 'EMAIL', null, t.from, t.to, null, change.source);
      return { profileId, changed: true };
    });
  }

  async setSmsStatus(change: SmsStatusChange): Promise<{ profileId: number; phone: string; changed: boolean }> {
    requirePermission(this.scope, 'profiles:write', 'change SMS eligibility');
    const phone = this.phone(change.phone);
    if (change.method && change.status !== 'SUBSCRIBED') {
      throw AppError.invalid(['input', 'method'], `applies only to SUBSCRIBED (got status ${change.status})`);
    }
    // A new number would start as KNOWN: a change refused from there writes nothing (no
    // phone-keyed profile either), so it is checked before the number is recorded.
    const known = await this.profiles.idByPhone(phone);
    if (known === undefined) {
      const fromNew = planSmsChange('KNOWN', change.status, change.method);
      if (fromNew.kind === 'invalid') throw AppError.invalid(['input', fromNew.field], fromNew.reason);
    }
    const profileId = known ?? (await this.ensurePhone(phone));
    return inTransaction(this.scope, async (sql) => {
      const plan = planSmsChange(await this.lockPhone(sql, phone), change.status, change.method);
      if (plan.kind === 'invalid') throw AppError.invalid(['input', plan.field], plan.reason);
      if (plan.kind === 'unchanged') return { profileId, phone, changed: false };
      await this.applySms(sql, phone, profileId, plan.from, plan.to, plan.method, change.source);
      return { profileId, phone, changed: true };
    });
  }

  /**
   * An inbound SMS from a number. STOP, UNSUBSCRIBE, CANCEL, END and QUIT unsubscribe it (an unknown
   * number is recorded, so it stays suppressed); YES, Y and START confirm a pending double opt-in.
   * Anything else changes nothing.
   */
  async receiveKeyword(rawPhone: string, body: string): Promise<{ outcome: KeywordOutcome; profileId: number | null; phone: string }> {
    requirePermission(this.scope, 'profiles:write', 'handle inbound SMS');
    const phone = this.phone(rawPhone);
    const intent = keywordIntent(body);
    if (intent === 'NONE') return { outcome: 'IGNORED', profileId: null, phone };
    const known = await this.profiles.idByPhone(phone);
    if (intent === 'CONFIRM' && known === undefined) return { outcome: 'IGNORED', profileId: null, phone };
    let profileId: number;
    try {
      profileId = known ?? (await this.ensurePhone(phone));
    } catch (error) {
      // A forgotten person's number is suppressed: it is not contactable and nothing is recorded for it.
      if (intent === 'UNSUBSCRIBE' && error instanceof AppError && error.code === 'SUPPRESSED') return { outcome: 'UNSUBSCRIBED', profileId: null, phone };
      throw error;
    }
    return inTransaction(this.scope, async (sql) => {
      const current = await this.lockPhone(sql, phone);
      if (intent === 'UNSUBSCRIBE') {
        if (current !== 'UNSUBSCRIBED') await this.applySms(sql, phone, profileId, current, 'UNSUBSCRIBED', null, 'KEYWORD');
        return { outcome: 'UNSUBSCRIBED' as const, profileId, phone };
      }
      if (current !== 'PENDING') return { outcome: 'IGNORED' as const, profileId, phone };
      await this.applySms(sql, phone, profileId, current, 'SUBSCRIBED', 'DOUBLE', 'KEYWORD');
      return { outcome: 'CONFIRMED' as const, profileId, phone };
    });
  }

  private phone(raw: string): string {
    const checked = checkPhone(raw, this.scope.tenant.defaultRegion);
    if (!checked.ok) throw AppError.invalid(['input', 'phone'], phoneProblem(raw, checked.reason));
    return checked.e164;
  }

  /** The profile holding the phone, created as a phone-keyed profile when the number is new. */
  private async ensurePhone(phone: string): Promise<number> {
    return (await this.profiles.upsert({ phones: [phone] })).profileId;
  }

  private async lockPhone(sql: Sql, phone: string): Promise<SmsStatus> {
    const row = await sql.one<{ status: SmsStatus }>(
      `select sms_status as status from profile_phone where namespace_id = $1 and phone = $2 for update`,
      [this.scope.tenant.id, phone],
    );
    if (!row) throw AppError.notFound('Phone', phone);
    return row.status;
  }

  private async applySms(sql: Sql, phone: string, profileId: number, from: SmsStatus, to: SmsStatus, method: SmsOptInMethod | null, source: ConsentSource): Promise<void> {
    await sql.execute(
      `update profile_phone set sms_status = $3, sms_opt_in_method = $4, sms_status_changed_at = now(),
         sms_confirmed_at = case when $3 = 'SUBSCRIBED' then now() else sms_confirmed_at end
       where namespace_id = $1 and phone = $2`,
      [this.scope.tenant.id, phone, to, method],
    );
    await this.record(sql, profileId, 'SMS', phone, from, to, method, source);
  }

  private async record(sql: Sql, profileId: number, channel: 'EMAIL' | 'SMS', phone: string | null, from: string | null, to: string, method: SmsOptInMethod | null, source: ConsentSource): Promise<void> {
    await sql.execute(
      `insert into consent_change (namespace_id, profile_id, channel, phone, from_status, to_status, sms_opt_in_method, source, actor)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [this.scope.tenant.id, profileId, channel, phone, from, to, method, source, this.scope.actor],
    );
  }
}
