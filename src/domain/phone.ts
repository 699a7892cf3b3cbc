import { parsePhoneNumberFromString, isSupportedCountry, type CountryCode } from 'libphonenumber-js/max';

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
  if (trimmed === '') return { ok: false, reason: 'is empty; send a number such as +14155552671' };
  if (trimmed.length > 40) return { ok: false, reason: 'is longer than 40 characters' };
  const parsed = parsePhoneNumberFromString(trimmed, defaultRegion as CountryCode);
  if (!parsed) {
    return { ok: false, reason: `is not a phone number; send E.164 (+14155552671) or a national number of region ${defaultRegion}` };
  }
  if (!parsed.isValid()) {
    return { ok: false, reason: `is not a valid phone number${parsed.country ? ` for region ${parsed.country}` : ''}` };
  }
  return { ok: true, e164: parsed.number };
}
