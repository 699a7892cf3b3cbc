import { birthdayProblem, parseMonth } from './birthday';
import { stageConsent, type ConsentWrite, type StagedConsent } from './consent-write';
import { coerceCustomValue, type CustomFieldType } from './custom-fields';
import { checkEmail, emailHashNumber, emailProblem } from './email';
import type { InputProblem } from './errors';
import { checkPhone, phoneProblem } from './phone';
import { isStorableText, jsonProblems, textInputProblem, textInputProblems } from './storable-text';
import { hasControlCharacters, trimToNull } from './text';

/**
 * A profile write as a client sends it. Omitted fields stay as they are; `null` clears a field.
 * It may carry email and SMS statuses too (`ConsentWrite`).
 */
export interface ProfileWrite extends ConsentWrite {
  readonly email?: string | null;
  readonly phones?: readonly string[] | null;
  readonly firstName?: string | null;
  readonly lastName?: string | null;
  readonly birthdayDay?: number | null;
  readonly birthdayMonth?: number | string | null;
  /** Custom values by key; `null` removes a value. */
  readonly custom?: Readonly<Record<string, unknown>> | null;
  /** Move a phone that belongs to another email profile onto this one instead of failing. */
  readonly movePhones?: boolean | null;
}

export type StandardColumn = 'first_name' | 'last_name' | 'birthday_day' | 'birthday_month';

/** A validated, normalized write: one row of the identity-resolution staging table. */
export interface StagedProfile {
  readonly email: string | null;
  readonly emailNormalized: string | null;
  readonly emailHash: number | null;
  readonly phones: readonly string[];
  /** The standard columns this write sets (others stay as they are). */
  readonly setFields: readonly StandardColumn[];
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly birthdayDay: number | null;
  readonly birthdayMonth: number | null;
  readonly customSet: Readonly<Record<string, string | number | boolean>>;
  readonly customUnset: readonly string[];
  readonly movePhones: boolean;
  /** Status changes the write asks for, checked against the stored statuses when the batch is applied. */
  readonly consent?: StagedConsent;
}

export const MAX_NAME_LENGTH = 200;
export const MAX_PHONES_PER_WRITE = 20;

export interface StagingContext {
  readonly defaultRegion: string;
  /** The namespace's custom fields and their types. */
  readonly customFields: ReadonlyMap<string, CustomFieldType>;
  /** Accept textual forms of numbers and booleans in custom values (CSV). */
  readonly fromText?: boolean;
}

type Path = readonly (string | number)[];

/**
 * Validates and normalizes one profile write. Problems carry paths below `base`, such as
 * `['input', 'phones', 1]`. A write needs an email or a phone; without an email it may name one phone
 * only, since a profile is keyed by a phone only while no email is known.
 *
 * @example stageProfile({ email: 'Ana@Example.com', firstName: ' Ana ' }, ctx, ['input'])
 *   // { ok: true, value: { emailNormalized: 'ana@example.com', firstName: 'Ana', setFields: ['first_name'], … } }
 */
export function stageProfile(
  write: ProfileWrite,
  ctx: StagingContext,
  base: Path,
): { ok: true; value: StagedProfile } | { ok: false; problems: InputProblem[] } {
  const unstorable = unstorableProblems(write, base);
  if (unstorable.length) return { ok: false, problems: unstorable };
  const problems: InputProblem[] = [];
  const problem = (path: Path, message: string) => problems.push({ path: [...base, ...path], message });

  let email: string | null = null;
  let emailNormalized: string | null = null;
  if (write.email !== undefined && write.email !== null && write.email.trim() !== '') {
    const checked = checkEmail(write.email);
    if (checked.ok) {
      email = checked.address;
      emailNormalized = checked.normalized;
    } else {
      problem(['email'], emailProblem(write.email, checked.reason));
    }
  }

  const phones: string[] = [];
  const rawPhones = write.phones ?? [];
  if (rawPhones.length > MAX_PHONES_PER_WRITE) problem(['phones'], `names ${rawPhones.length} phones; at most ${MAX_PHONES_PER_WRITE} are accepted`);
  rawPhones.slice(0, MAX_PHONES_PER_WRITE).forEach((raw, i) => {
    const checked = checkPhone(raw, ctx.defaultRegion);
    if (!checked.ok) problem(['phones', i], phoneProblem(raw, checked.reason));
    else if (!phones.includes(checked.e164)) phones.push(checked.e164);
  });

  const hasEmailInput = write.email !== undefined && write.email !== null && write.email.trim() !== '';
  if (!hasEmailInput && rawPhones.length === 0) problem([], 'needs an email or a phone to identify the profile');
  if (!hasEmailInput && phones.length > 1) {
    problem(['phones'], 'names several phones but no email; without an email a profile is keyed by exactly one phone');
  }

  const setFields: StandardColumn[] = [];
  const name = (key: 'firstName' | 'lastName', column: StandardColumn): string | null => {
    const raw = write[key];
    if (raw === undefined) return null;
    setFields.push(column);
    const value = trimToNull(raw);
    if (value !== null && value.length > MAX_NAME_LENGTH) problem([key], `is longer than ${MAX_NAME_LENGTH} characters`);
    if (value !== null && hasControlCharacters(value)) problem([key], 'contains a control character');
    return value;
  };
  const firstName = name('firstName', 'first_name');
  const lastName = name('lastName', 'last_name');

  let birthdayDay: number | null = null;
  if (write.birthdayDay !== undefined) {
    setFields.push('birthday_day');
    birthdayDay = write.birthdayDay;
    const p = birthdayDay === null ? undefined : birthdayProblem(birthdayDay, null);
    if (p) problem(['birthdayDay'], p);
  }
  let birthdayMonth: number | null = null;
  if (write.birthdayMonth !== undefined) {
    setFields.push('birthday_month');
    if (write.birthdayMonth !== null) {
      const month = parseMonth(write.birthdayMonth);
      if (month === undefined) problem(['birthdayMonth'], `${JSON.stringify(write.birthdayMonth)} is not a month; send 1 to 12 or a month name such as "April"`);
      else birthdayMonth = month;
    }
  }
  if (birthdayDay !== null && birthdayMonth !== null) {
    const p = birthdayProblem(birthdayDay, birthdayMonth);
    if (p) problem(['birthdayDay'], p);
  }

  const customSet: Record<string, string | number | boolean> = {};
  const customUnset: string[] = [];
  for (const [key, raw] of Object.entries(write.custom ?? {})) {
    const type = ctx.customFields.get(key);
    if (!type) {
      const known = [...ctx.customFields.keys()];
      problem(['custom', key], `is not a custom field of this namespace; define it first${known.length ? ` (defined: ${known.slice(0, 20).join(', ')})` : ''}`);
      continue;
    }
    const coerced = coerceCustomValue(type, raw, ctx.fromText);
    if (!coerced.ok) problem(['custom', key], `(${type}) ${coerced.reason}`);
    else if (coerced.value === null) customUnset.push(key);
    else customSet[key] = coerced.value;
  }

  const consent = stageConsent(write, hasEmailInput, rawPhones.length, base);
  if (!consent.ok) problems.push(...consent.problems);

  if (problems.length || !consent.ok) return { ok: false, problems };
  return {
    ok: true,
    value: {
      email, emailNormalized, emailHash: emailNormalized === null ? null : emailHashNumber(emailNormalized),
      phones, setFields, firstName, lastName, birthdayDay, birthdayMonth, customSet, customUnset,
      movePhones: write.movePhones ?? false,
      ...(consent.value ? { consent: consent.value } : {}),
    },
  };
}

/** Whether a write holds only text the database can store, and flat custom values: the common case, checked without building paths. */
function plainlyStorable(write: ProfileWrite): boolean {
  const text = (v: string | null | undefined) => v === null || v === undefined || isStorableText(v);
  if (!text(write.email) || !text(write.firstName) || !text(write.lastName)) return false;
  if (typeof write.birthdayMonth === 'string' && !isStorableText(write.birthdayMonth)) return false;
  if (write.phones && !write.phones.every((p) => typeof p !== 'string' || isStorableText(p))) return false;
  if (write.custom) {
    for (const key in write.custom) {
      const v = write.custom[key];
      if (!isStorableText(key) || (typeof v === 'string' ? !isStorableText(v) : typeof v === 'object' && v !== null)) return false;
    }
  }
  return true;
}

/** Text the database cannot store, and custom JSON nested too deep: checked before anything else. */
function unstorableProblems(write: ProfileWrite, base: Path): InputProblem[] {
  if (plainlyStorable(write)) return [];
  return [
    ...textInputProblems([
      [[...base, 'email'], write.email],
      [[...base, 'firstName'], write.firstName],
      [[...base, 'lastName'], write.lastName],
      [[...base, 'birthdayMonth'], typeof write.birthdayMonth === 'string' ? write.birthdayMonth : null],
    ]),
    ...(write.phones ?? []).flatMap((phone, i) => textInputProblem([...base, 'phones', i], phone) ?? []),
    ...(write.custom ? jsonProblems(write.custom, [...base, 'custom']) : []),
  ];
}

/** The identity key of a staged write: its normalized email, else its one phone. */
export function identityKey(staged: StagedProfile): string {
  return staged.emailNormalized !== null ? `email:${staged.emailNormalized}` : `phone:${staged.phones[0]}`;
}
