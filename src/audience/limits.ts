/**
 * Limits enforced while parsing and decoding, and again by the validator for hand-built ASTs.
 * Exceeding one is a located `LIMIT_EXCEEDED` error, never a crash.
 *
 * @example
 *   if (text.length > MAX_TEXT_LENGTH) { ... }
 */
import type { DurationUnit } from './ast';

/** The longest text filter, in UTF-16 code units. */
export const MAX_TEXT_LENGTH = 20_000;

/** The most tokens a text filter may hold. */
export const MAX_TOKENS = 5_000;

/**
 * The deepest nesting: the most and/or/not nodes on a path from the root to a leaf. The text
 * parser also refuses parentheses nested deeper than this.
 */
export const MAX_DEPTH = 16;

/** The most values in one `in` / `not in` list. */
export const MAX_LIST_ITEMS = 1_000;

/** The most conditions (field, event, segment and event property conditions) in one filter. */
export const MAX_CONDITIONS = 200;

/** The longest chain of segment references (a segment that refers to one that refers to ...). */
export const MAX_SEGMENT_NESTING = 8;

/** The most conditions in a filter once every segment reference has been inlined. */
export const MAX_INLINED_CONDITIONS = 2_000;

/** The largest duration amount per unit: about 100 years, so asOf ± duration stays a real date. */
export const MAX_DURATION: Readonly<Record<DurationUnit, number>> = Object.freeze({
  minute: 52_596_000,
  hour: 876_600,
  day: 36_525,
  week: 5_218,
  month: 1_200,
  year: 100,
});

/** `birthday within next N days` accepts N from 0 (today) to this. */
export const MAX_BIRTHDAY_DAYS = 366;

/** The decoder and the validator stop collecting after this many errors (graphql-js `maxErrors`). */
export const MAX_ERRORS = 100;

/**
 * The longest name (field, event type, event property, segment id) the JSON decoder accepts, in
 * UTF-16 code units. Catalog names are far shorter (`custom.` + 63); the cap keeps "did you mean"
 * and error messages cheap whatever a client sends.
 */
export const MAX_NAME_LENGTH = 256;

/**
 * The most work one validation spends on "did you mean" suggestions: edit-distance cells plus
 * characters compared (see `validation/suggestions.ts`): enough for 15 unknown 20-character
 * names against 100 fields, and about 20-40 ms of CPU at most on a loaded 2-core machine. Past it,
 * errors still come, without suggestions.
 */
export const MAX_SUGGESTION_WORK = 250_000;
