/**
 * What PostgreSQL text can hold, for the validator and the compiler alike: no NUL (U+0000), no
 * lone UTF-16 surrogate, and instants within the years 1-9999 (UTC). The service's write paths use
 * the same rules from `src/domain/storable-text.ts`; this library may not import the domain (it is
 * pure), so the two share the rule, not the code.
 *
 * @example
 *   textProblem('a\u0000b')  // 'contains a NUL character (U+0000) at position 1, which cannot be stored; remove it'
 *   isStorableInstant(Date.parse('9999-12-31T23:59:59Z'))  // true
 */

/** NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored, or undefined when it can (positions are 0-based UTF-16 offsets). */
export function textProblem(value: string): string | undefined {
  const found = UNSTORABLE.exec(value);
  if (!found) return undefined;
  const unit = found[0].charCodeAt(0);
  if (unit === 0) return `contains a NUL character (U+0000) at position ${found.index}, which cannot be stored; remove it`;
  const code = `U+${unit.toString(16).toUpperCase()}`;
  return `contains a lone surrogate (${code}) at position ${found.index}, which is not valid Unicode; send well-formed UTF-8 text`;
}

function utcMidnight(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

/** 0001-01-01T00:00:00.000Z: the first instant a filter may name. */
export const YEAR_1_MS = utcMidnight(1, 1, 1);

/** 10000-01-01T00:00:00.000Z: the first instant past the years a filter may name. */
export const YEAR_10000_MS = utcMidnight(10000, 1, 1);

/** True for an instant in the years 1-9999 (UTC). */
export function isStorableInstant(ms: number): boolean {
  return ms >= YEAR_1_MS && ms < YEAR_10000_MS;
}
