/**
 * Email and SMS eligibility as state machines. The two channels are independent, and neither
 * affects transactional messages.
 *
 * Email: KNOWN → SUBSCRIBED | UNSUBSCRIBED, and SUBSCRIBED ↔ UNSUBSCRIBED.
 * SMS (per phone): KNOWN → PENDING | SUBSCRIBED | UNSUBSCRIBED; PENDING → SUBSCRIBED | UNSUBSCRIBED;
 * SUBSCRIBED → UNSUBSCRIBED; UNSUBSCRIBED → PENDING | SUBSCRIBED. Nothing returns to KNOWN.
 * Setting the state a channel already has is a no-op, not an error.
 */
export const EMAIL_STATUSES = ['KNOWN', 'SUBSCRIBED', 'UNSUBSCRIBED'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

export const SMS_STATUSES = ['KNOWN', 'PENDING', 'SUBSCRIBED', 'UNSUBSCRIBED'] as const;
export type SmsStatus = (typeof SMS_STATUSES)[number];

export const SMS_OPT_IN_METHODS = ['SINGLE', 'DOUBLE'] as const;
export type SmsOptInMethod = (typeof SMS_OPT_IN_METHODS)[number];

export const CONSENT_SOURCES = ['FORM', 'PREFERENCE_CENTER', 'UNSUBSCRIBE_LINK', 'KEYWORD', 'IMPORT', 'API', 'BOUNCE', 'SYSTEM'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

const EMAIL_NEXT: Readonly<Record<EmailStatus, readonly EmailStatus[]>> = {
  KNOWN: ['SUBSCRIBED', 'UNSUBSCRIBED'],
  SUBSCRIBED: ['UNSUBSCRIBED'],
  UNSUBSCRIBED: ['SUBSCRIBED'],
};

const SMS_NEXT: Readonly<Record<SmsStatus, readonly SmsStatus[]>> = {
  KNOWN: ['PENDING', 'SUBSCRIBED', 'UNSUBSCRIBED'],
  PENDING: ['SUBSCRIBED', 'UNSUBSCRIBED'],
  SUBSCRIBED: ['UNSUBSCRIBED'],
  UNSUBSCRIBED: ['PENDING', 'SUBSCRIBED'],
};

export type Transition<S> = { kind: 'change'; from: S; to: S } | { kind: 'unchanged'; status: S } | { kind: 'invalid'; reason: string };

function transition<S extends string>(channel: string, table: Readonly<Record<S, readonly S[]>>, from: S, to: S): Transition<S> {
  if (from === to) return { kind: 'unchanged', status: from };
  if (table[from].includes(to)) return { kind: 'change', from, to };
  const allowed = table[from];
  return {
    kind: 'invalid',
    reason: `${channel} status is ${from} and cannot change to ${to}${to === 'KNOWN' ? ' (a channel never returns to KNOWN)' : ''}; from ${from} it can change to ${allowed.join(' or ')}`,
  };
}

/** @example emailTransition('SUBSCRIBED', 'KNOWN') // { kind: 'invalid', reason: 'email status is SUBSCRIBED and cannot change to KNOWN …' } */
export function emailTransition(from: EmailStatus, to: EmailStatus): Transition<EmailStatus> {
  return transition('email', EMAIL_NEXT, from, to);
}

export function smsTransition(from: SmsStatus, to: SmsStatus): Transition<SmsStatus> {
  return transition('SMS', SMS_NEXT, from, to);
}

/** What a requested SMS status does to a number that is `current`: the same rules for setSmsStatus and bulk writes. */
export type SmsPlan =
  | { readonly kind: 'change'; readonly from: SmsStatus; readonly to: SmsStatus; readonly method: SmsOptInMethod | null }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'invalid'; readonly field: 'status' | 'method'; readonly reason: string };

/**
 * Plans an SMS status change. A method applies only to SUBSCRIBED; SUBSCRIBED without one is DOUBLE
 * from PENDING (a confirmation) and SINGLE otherwise; DOUBLE needs a PENDING number.
 *
 * @example planSmsChange('PENDING', 'SUBSCRIBED') // { kind: 'change', from: 'PENDING', to: 'SUBSCRIBED', method: 'DOUBLE' }
 */
export function planSmsChange(current: SmsStatus, to: SmsStatus, method?: SmsOptInMethod | null): SmsPlan {
  if (method && to !== 'SUBSCRIBED') return { kind: 'invalid', field: 'method', reason: `applies only to SUBSCRIBED (got status ${to})` };
  const t = smsTransition(current, to);
  if (t.kind === 'invalid') return { kind: 'invalid', field: 'status', reason: t.reason };
  if (t.kind === 'unchanged') return { kind: 'unchanged' };
  const chosen = to === 'SUBSCRIBED' ? (method ?? (current === 'PENDING' ? 'DOUBLE' : 'SINGLE')) : null;
  if (chosen === 'DOUBLE' && current !== 'PENDING') {
    return { kind: 'invalid', field: 'method', reason: `a DOUBLE opt-in confirms a PENDING number, but this number is ${current}; set PENDING first, or use SINGLE` };
  }
  return { kind: 'change', from: t.from, to: t.to, method: chosen };
}

/** Email promotional eligibility: identified and not unsubscribed. Known addresses may receive email marketing; SMS needs explicit opt-in. */
export function emailPromotionalEligible(status: EmailStatus | null): boolean {
  return status === 'KNOWN' || status === 'SUBSCRIBED';
}

/** SMS promotional eligibility: only numbers that have explicitly opted in (and confirmed, for double opt-in). */
export function smsPromotionalEligible(status: SmsStatus): boolean {
  return status === 'SUBSCRIBED';
}

export const STOP_KEYWORDS = ['STOP', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'] as const;
export const CONFIRM_KEYWORDS = ['YES', 'Y', 'START'] as const;

export type KeywordIntent = 'UNSUBSCRIBE' | 'CONFIRM' | 'NONE';

/** Classifies an inbound SMS body. Only the whole message counts as a keyword, case-insensitively. */
export function keywordIntent(body: string): KeywordIntent {
  const word = body.trim().toUpperCase();
  if ((STOP_KEYWORDS as readonly string[]).includes(word)) return 'UNSUBSCRIBE';
  if ((CONFIRM_KEYWORDS as readonly string[]).includes(word)) return 'CONFIRM';
  return 'NONE';
}
