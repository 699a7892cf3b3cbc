import {
  CONSENT_SOURCES, EMAIL_STATUSES, SMS_OPT_IN_METHODS, SMS_STATUSES, emailTransition, planSmsChange,
  type ConsentSource, type EmailStatus, type SmsOptInMethod, type SmsStatus,
} from './consent';
import type { InputProblem } from './errors';

/**
 * Consent carried by a profile write (`upsertProfiles`): the email's status and the status of every
 * phone the write names, checked against the same state machines as `setEmailStatus` and
 * `setSmsStatus`, and recorded in the same history. A batch is checked write by write, in input
 * order, against the statuses left by the writes before it, so it ends where the writes applied one
 * by one would; a write whose change the state machine refuses is refused whole.
 */
export interface ConsentWrite {
  /** The email's status after the write; needs the email in the same write. */
  readonly emailStatus?: EmailStatus | null;
  /** The status of every phone in the write after it. */
  readonly smsStatus?: SmsStatus | null;
  /** For SUBSCRIBED: SINGLE, or DOUBLE (the default from PENDING). */
  readonly smsOptInMethod?: SmsOptInMethod | null;
  /** Where the changes came from, for the consent history; the batch's source when omitted. */
  readonly consentSource?: ConsentSource | null;
}

export interface StagedConsent {
  readonly emailStatus: EmailStatus | null;
  readonly smsStatus: SmsStatus | null;
  readonly smsOptInMethod: SmsOptInMethod | null;
  readonly source: ConsentSource | null;
}

type Path = readonly (string | number)[];

const oneOf = <T extends string>(values: readonly T[], raw: unknown): raw is T => typeof raw === 'string' && (values as readonly string[]).includes(raw);

/** Validates the consent part of a write that has `hasEmail` and `phoneCount` phones; undefined when it asks for none. */
export function stageConsent(write: ConsentWrite, hasEmail: boolean, phoneCount: number, base: Path): { ok: true; value: StagedConsent | undefined } | { ok: false; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  const problem = (key: string, message: string) => problems.push({ path: [...base, key], message });
  const { emailStatus = null, smsStatus = null, smsOptInMethod = null, consentSource = null } = write;
  if (emailStatus !== null && !oneOf(EMAIL_STATUSES, emailStatus)) problem('emailStatus', `must be one of ${EMAIL_STATUSES.join(', ')}`);
  else if (emailStatus !== null && !hasEmail) problem('emailStatus', 'needs the email in the same write: the status belongs to the email channel');
  if (smsStatus !== null && !oneOf(SMS_STATUSES, smsStatus)) problem('smsStatus', `must be one of ${SMS_STATUSES.join(', ')}`);
  else if (smsStatus !== null && phoneCount === 0) problem('smsStatus', 'needs phones in the same write: it sets the status of each phone the write names');
  if (smsOptInMethod !== null && !oneOf(SMS_OPT_IN_METHODS, smsOptInMethod)) problem('smsOptInMethod', `must be one of ${SMS_OPT_IN_METHODS.join(', ')}`);
  else if (smsOptInMethod !== null && smsStatus !== 'SUBSCRIBED') problem('smsOptInMethod', `applies only to smsStatus SUBSCRIBED (got ${smsStatus ?? 'none'})`);
  if (consentSource !== null && !oneOf(CONSENT_SOURCES, consentSource)) problem('consentSource', `must be one of ${CONSENT_SOURCES.join(', ')}`);
  if (problems.length) return { ok: false, problems };
  if (emailStatus === null && smsStatus === null) return { ok: true, value: undefined };
  return { ok: true, value: { emailStatus, smsStatus, smsOptInMethod, source: consentSource } };
}

/** One status change of a batch, in input order, by the write at `position`. */
export interface EmailStep {
  readonly position: number;
  readonly email: string;
  readonly from: EmailStatus;
  readonly to: EmailStatus;
  readonly source: ConsentSource;
}

export interface SmsStep {
  readonly position: number;
  readonly phone: string;
  readonly from: SmsStatus;
  readonly to: SmsStatus;
  readonly method: SmsOptInMethod | null;
  readonly source: ConsentSource;
}

/**
 * The statuses of a batch's emails and phones as its writes are admitted one by one. It starts from
 * the stored statuses (an email or phone not stored yet starts KNOWN: the write identifies it).
 *
 * @example
 *   const ledger = new ConsentLedger(new Map(), new Map());
 *   const { problems, record } = ledger.check(0, { emailNormalized: 'a@x.io', phones: [], consent: { emailStatus: 'SUBSCRIBED', … } }, ['inputs', 0], 'API');
 *   record(); // problems: []
 *   ledger.emailSteps // [{ position: 0, email: 'a@x.io', from: 'KNOWN', to: 'SUBSCRIBED', source: 'API' }]
 */
export class ConsentLedger {
  readonly emailSteps: EmailStep[] = [];
  readonly smsSteps: SmsStep[] = [];

  constructor(
    private readonly emails: Map<string, EmailStatus>,
    private readonly phones: Map<string, SmsStatus>,
  ) {}

  /**
   * Checks a write's changes against the statuses so far. Without problems, `record` makes them the
   * statuses later writes see (call it once the write is sure to be applied); nothing changes before.
   */
  check(position: number, write: { readonly emailNormalized: string | null; readonly phones: readonly string[]; readonly consent?: StagedConsent }, base: Path, batchSource: ConsentSource): { problems: InputProblem[]; record: () => void } {
    const consent = write.consent;
    if (!consent) return { problems: [], record: () => undefined };
    const source = consent.source ?? batchSource;
    const problems: InputProblem[] = [];
    const email: EmailStep[] = [];
    const sms: SmsStep[] = [];
    if (consent.emailStatus !== null && write.emailNormalized !== null) {
      const from = this.emails.get(write.emailNormalized) ?? 'KNOWN';
      const t = emailTransition(from, consent.emailStatus);
      if (t.kind === 'invalid') problems.push({ path: [...base, 'emailStatus'], message: t.reason });
      if (t.kind === 'change') email.push({ position, email: write.emailNormalized, from, to: t.to, source });
    }
    if (consent.smsStatus !== null) {
      for (const phone of write.phones) {
        const plan = planSmsChange(this.phones.get(phone) ?? 'KNOWN', consent.smsStatus, consent.smsOptInMethod);
        const field = plan.kind === 'invalid' && plan.field === 'method' ? 'smsOptInMethod' : 'smsStatus';
        if (plan.kind === 'invalid') problems.push({ path: [...base, field], message: `phone ${phone}: ${plan.reason}` });
        if (plan.kind === 'change') sms.push({ position, phone, from: plan.from, to: plan.to, method: plan.method, source });
      }
    }
    const record = () => {
      for (const step of email) this.emails.set(step.email, step.to);
      for (const step of sms) this.phones.set(step.phone, step.to);
      this.emailSteps.push(...email);
      this.smsSteps.push(...sms);
    };
    return { problems, record };
  }
}
