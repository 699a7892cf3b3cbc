import { parsePhoneNumberFromString, isSupportedCountry, validatePhoneNumberLength, type CountryCode } from 'libphonenumber-js/max';

export type PhoneCheck = { ok: true; e164: string } | { ok: false; reason: string };

/** True for a two-letter region that libphonenumber knows, such as `US` or `GB`. */
export function isPhoneRegion(region: string): boolean {
  return isSupportedCountry(region);
}

/**
 * Normalizes a phone number to E.164 using the namespace's default region for national numbers.
 * Numbers that are not valid for their region are refused.
 *
 * @example checkPhone('(415) 555-2671', 'US') // { ok: true, e164: '+14155552671' }
 */
export function checkPhone(input: string, defaultRegion: string): PhoneCheck {
  const trimmed = input.trim();
  if (trimmed === '') return { ok: false, reason: 'it is empty; send a number such as +14155552671' };
  if (trimmed.length > 40) return { ok: false, reason: 'it is longer than 40 characters' };
  const parsed = parsePhoneNumberFromString(trimmed, defaultRegion as CountryCode);
  // A valid number has a possible length: the length is checked (a second parse) only to explain a refusal.
  if (parsed?.isValid()) return { ok: true, e164: parsed.number };
  const lengthIssue = validatePhoneNumberLength(trimmed, defaultRegion as CountryCode);
  if (lengthIssue === 'TOO_SHORT' || lengthIssue === 'TOO_LONG') {
    return { ok: false, reason: `it is ${lengthIssue === 'TOO_SHORT' ? 'too short' : 'too long'} for a number of region ${defaultRegion}; send E.164 such as +14155552671` };
  }
  if (!parsed) {
    return { ok: false, reason: `send E.164 (+14155552671) or a national number of region ${defaultRegion}` };
  }
  return { ok: false, reason: `no such number exists${parsed.country ? ` in region ${parsed.country}` : ''}` };
}

/** The message for a number that failed `checkPhone`. */
export function phoneProblem(raw: string, reason: string): string {
  return `${JSON.stringify(raw)} is not a valid phone number: ${reason}`;
}
