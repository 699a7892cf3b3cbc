import { parseInstant } from './datetime';
import { hasControlCharacters } from './text';

/** Typed custom fields, defined per namespace before any profile may carry a value for them. */
export const CUSTOM_FIELD_TYPES = ['STRING', 'NUMBER', 'BOOLEAN', 'DATETIME'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

/**
 * Where a field's expression index is: NONE (not indexed), BUILDING (a build was recorded and has
 * not finished: it runs, or the process stopped during it), READY (built and found valid), FAILED
 * (the last build failed). BUILDING is recorded before the build starts and READY only after it.
 */
export const CUSTOM_INDEX_STATES = ['NONE', 'BUILDING', 'READY', 'FAILED'] as const;
export type CustomIndexState = (typeof CUSTOM_INDEX_STATES)[number];

export const CUSTOM_KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
export const MAX_CUSTOM_STRING_LENGTH = 2000;
export const MAX_CUSTOM_FIELDS_PER_NAMESPACE = 500;

export function customKeyProblem(key: string): string | undefined {
  return CUSTOM_KEY_PATTERN.test(key)
    ? undefined
    : `"${key}" is not a valid custom field key; use 1 to 63 lower-case letters, digits and underscores, starting with a letter (e.g. loyalty_tier)`;
}

export type CoercedValue = { ok: true; value: string | number | boolean | null } | { ok: false; reason: string };

/**
 * Checks a custom value against its field's type and returns the stored JSON value (null means
 * "remove the value"). `fromText` accepts the textual forms a CSV file carries ("12.5", "yes").
 *
 * @example coerceCustomValue('NUMBER', 12.5) // { ok: true, value: 12.5 }
 * @example coerceCustomValue('DATETIME', '2026-01-02') // { ok: true, value: '2026-01-02T00:00:00.000Z' }
 */
export function coerceCustomValue(type: CustomFieldType, raw: unknown, fromText = false): CoercedValue {
  if (raw === null || raw === undefined) return { ok: true, value: null };
  switch (type) {
    case 'STRING': {
      if (typeof raw !== 'string') return { ok: false, reason: `expects a string, got ${describe(raw)}` };
      const value = raw.trim();
      if (value.length > MAX_CUSTOM_STRING_LENGTH) return { ok: false, reason: `is longer than ${MAX_CUSTOM_STRING_LENGTH} characters` };
      if (hasControlCharacters(value)) return { ok: false, reason: 'contains a control character' };
      return { ok: true, value: value === '' ? null : value };
    }
    case 'NUMBER': {
      if (typeof raw === 'number') return Number.isFinite(raw) ? { ok: true, value: raw } : { ok: false, reason: 'expects a finite number' };
      if (fromText && typeof raw === 'string') {
        const text = raw.trim();
        if (text === '') return { ok: true, value: null };
        if (/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(text) && Number.isFinite(Number(text))) return { ok: true, value: Number(text) };
      }
      return { ok: false, reason: `expects a number, got ${describe(raw)}` };
    }
    case 'BOOLEAN': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      if (fromText && typeof raw === 'string') {
        const text = raw.trim().toLowerCase();
        if (text === '') return { ok: true, value: null };
        if (['true', 'yes', 'y', '1'].includes(text)) return { ok: true, value: true };
        if (['false', 'no', 'n', '0'].includes(text)) return { ok: true, value: false };
      }
      return { ok: false, reason: `expects true or false, got ${describe(raw)}` };
    }
    case 'DATETIME': {
      if (typeof raw !== 'string') return { ok: false, reason: `expects an ISO 8601 date or date-time string, got ${describe(raw)}` };
      if (raw.trim() === '') return { ok: true, value: null };
      const instant = parseInstant(raw.trim());
      return instant ? { ok: true, value: instant.toISOString() } : { ok: false, reason: `expects an ISO 8601 date (2026-01-31) or date-time with offset (2026-01-31T09:30:00Z), got ${JSON.stringify(raw)}` };
    }
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/**
 * The value a stored custom value becomes when its field changes type, by the same rules a CSV
 * import applies to text: `text` is the stored value as text (`custom ->> key`: `12.5`, `true`,
 * an ISO instant or the string itself). A value that would become empty does not convert.
 *
 * @example convertStoredValue('NUMBER', ' 42 ') // { ok: true, value: 42 }
 * @example convertStoredValue('BOOLEAN', '12') // { ok: false, reason: 'expects true or false, got the string "12"' }
 */
export function convertStoredValue(to: CustomFieldType, text: string): CoercedValue {
  const result = coerceCustomValue(to, text, true);
  if (result.ok && result.value === null) return { ok: false, reason: 'is blank' };
  return result;
}
