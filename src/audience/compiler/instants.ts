/**
 * Time arithmetic done in JavaScript, so SQL only ever compares a column with constant bounds
 * (`col >= $a and col < $b`), which a btree index can serve. All UTC: a day is 24 hours, a month
 * a calendar month with the day clamped as PostgreSQL clamps it (31 March − 1 month = 28/29 Feb).
 *
 * @example
 *   relativeRange('within_last', { amount: 1, unit: 'month' }, Date.parse('2026-03-31T12:00:00Z'))
 *   // { lower: { ms: <2026-02-28T12:00Z>, inclusive: true }, upper: { ms: <2026-03-31T12:00Z>, inclusive: true } }
 */
import type { Duration, Origin } from '../ast';
import { parseDateLiteral, type DateLiteral } from '../date-literal';
import { MAX_DURATION } from '../limits';
import type { PeriodName } from '../periods';
import { YEAR_1_MS, YEAR_10000_MS } from '../storable';
import { AudienceCompileError } from './compile-error';

export const DAY_MS = 86_400_000;

/** One end of a range of instants (UTC epoch milliseconds). */
export interface Bound {
  readonly ms: number;
  readonly inclusive: boolean;
}

/** A range of instants; a missing end is unbounded. */
export interface InstantRange {
  readonly lower?: Bound;
  readonly upper?: Bound;
}

/** 0001-01-01T00:00:00.000Z and 10000-01-01T00:00:00.000Z: the instants a bound may take. */
const MIN_MS = YEAR_1_MS;
export { YEAR_10000_MS };

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month (1-12) of a year. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: DAY_MS, week: 7 * DAY_MS } as const;

/**
 * `ms` moved by `sign` × duration; months are calendar months with the day clamped, a year is 12
 * months (as PostgreSQL's `interval '1 year'`: 29 February + 1 year = 28 February).
 */
export function shiftInstant(ms: number, duration: Duration, sign: 1 | -1): number {
  if (duration.unit !== 'month' && duration.unit !== 'year') return ms + sign * duration.amount * UNIT_MS[duration.unit];
  const months = duration.unit === 'year' ? duration.amount * 12 : duration.amount;
  const date = new Date(ms);
  const monthIndex = date.getUTCFullYear() * 12 + date.getUTCMonth() + sign * months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  const day = Math.min(date.getUTCDate(), daysInMonth(year, month));
  const shifted = new Date(ms);
  shifted.setUTCFullYear(year, month - 1, day);
  return shifted.getTime();
}

/** Checks a duration as the compiler needs it: a known unit, a whole amount within the limits. */
export function checkDuration(duration: unknown, at: Origin, minimum: number): Duration {
  const d = duration as Partial<Duration> | null;
  const unit = d?.unit;
  if (typeof d !== 'object' || d === null || Array.isArray(d) || typeof unit !== 'string' || !Object.hasOwn(MAX_DURATION, unit)) {
    throw AudienceCompileError.invalidValue(`Expected a duration {amount, unit}, got ${JSON.stringify(duration)}.`, at);
  }
  const amount = d.amount;
  if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < minimum || amount > MAX_DURATION[unit as Duration['unit']]) {
    throw AudienceCompileError.invalidValue(`A duration amount is a whole number from ${minimum} to the unit's limit, got ${JSON.stringify(amount)}.`, at);
  }
  return { amount, unit: unit as Duration['unit'] };
}

/** The instants of `within_last`, `before_last` and `within_next` from `asOfMs`. */
export function relativeRange(op: 'within_last' | 'before_last' | 'within_next', duration: Duration, asOfMs: number): InstantRange {
  switch (op) {
    case 'within_last':
      return { lower: { ms: shiftInstant(asOfMs, duration, -1), inclusive: true }, upper: { ms: asOfMs, inclusive: true } };
    case 'before_last':
      return { upper: { ms: shiftInstant(asOfMs, duration, -1), inclusive: false } };
    case 'within_next':
      return { lower: { ms: asOfMs, inclusive: true }, upper: { ms: shiftInstant(asOfMs, duration, 1), inclusive: true } };
  }
}

export function parseLiteral(value: unknown, at: Origin): DateLiteral {
  const parsed = typeof value === 'string' ? parseDateLiteral(value) : undefined;
  if (!parsed) throw AudienceCompileError.invalidValue(`Expected a date literal, got ${JSON.stringify(value)}.`, at);
  return parsed;
}

/** The start of the UTC day holding `ms`. */
function dayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/**
 * The instants of `before`, `after`, `on` and `between` with date literals: a date-only literal
 * is its whole UTC day, a date-time literal an exact instant.
 */
export function literalRange(op: 'before' | 'after' | 'on', literal: DateLiteral): InstantRange {
  switch (op) {
    case 'before':
      return { upper: { ms: literal.startMs, inclusive: false } };
    case 'after':
      return literal.dateOnly
        ? { lower: { ms: literal.startMs + DAY_MS, inclusive: true } }
        : { lower: { ms: literal.startMs, inclusive: false } };
    case 'on': {
      const start = dayStart(literal.startMs);
      return { lower: { ms: start, inclusive: true }, upper: { ms: start + DAY_MS, inclusive: false } };
    }
  }
}

/**
 * The instants of a calendar period holding `asOfMs` (`PERIOD_TABLE`): whole UTC days and
 * months, the start included and the end excluded, as `on` does for a date.
 *
 * @example
 *   periodRange('this_month', Date.parse('2026-02-14T09:00:00Z'))
 *   // { lower: { ms: <2026-02-01T00:00Z>, inclusive: true }, upper: { ms: <2026-03-01T00:00Z>, inclusive: false } }
 */
export function periodRange(period: PeriodName, asOfMs: number): InstantRange {
  const today = dayStart(asOfMs);
  switch (period) {
    case 'today':
      return { lower: { ms: today, inclusive: true }, upper: { ms: today + DAY_MS, inclusive: false } };
    case 'yesterday':
      return { lower: { ms: today - DAY_MS, inclusive: true }, upper: { ms: today, inclusive: false } };
    case 'this_month': {
      const date = new Date(asOfMs);
      const start = new Date(0);
      start.setUTCFullYear(date.getUTCFullYear(), date.getUTCMonth(), 1);
      const end = new Date(0);
      end.setUTCFullYear(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
      return { lower: { ms: start.getTime(), inclusive: true }, upper: { ms: end.getTime(), inclusive: false } };
    }
  }
}

/** `between low and high`: from the start of `low`; to the end of `high`'s day, or `high` itself. */
export function betweenRange(low: DateLiteral, high: DateLiteral): InstantRange {
  return {
    lower: { ms: low.startMs, inclusive: true },
    upper: high.dateOnly ? { ms: high.startMs + DAY_MS, inclusive: false } : { ms: high.startMs, inclusive: true },
  };
}

/** Fails closed when a bound leaves years 1-9999 (an `asOf` so far out that `asOf ± duration` does). */
export function checkRange(range: InstantRange): InstantRange {
  for (const bound of [range.lower, range.upper]) {
    if (bound && !(bound.ms >= MIN_MS && bound.ms <= YEAR_10000_MS)) {
      throw AudienceCompileError.invalidOptions('A time bound falls outside the years 1-9999; check asOf.');
    }
  }
  return range;
}

/**
 * An instant as PostgreSQL `timestamptz` input: ISO 8601 in UTC, with the year written plainly
 * (`10000-01-01T00:00:00.000Z`, where `toISOString` would write `+010000`, which PostgreSQL reads
 * as a time zone).
 */
export function formatTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.startsWith('+') ? iso.slice(1).replace(/^0+(?=\d{5})/, '') : iso;
}

/** The canonical text form of a custom DATETIME value (`YYYY-MM-DDTHH:MM:SS.sssZ`). */
export function formatCanonical(ms: number): string {
  return new Date(ms).toISOString();
}

/** A run of consecutive birthdays in one month: (month, first day, last day). */
export interface BirthdayRun {
  readonly month: number;
  readonly from: number;
  readonly to: number;
}

/**
 * The (month, day) birthdays celebrated on the UTC dates asOf .. asOf + `days`, as runs of
 * consecutive days in window order; `undefined` when every valid birthday is covered. A 29
 * February birthday is celebrated on 28 February in non-leap years.
 *
 * @example
 *   birthdayRuns(Date.parse('2026-12-30T08:00:00Z'), 5)
 *   // [{ month: 12, from: 30, to: 31 }, { month: 1, from: 1, to: 4 }]
 */
export function birthdayRuns(asOfMs: number, days: number): BirthdayRun[] | undefined {
  const runs: { month: number; from: number; to: number }[] = [];
  const covered = new Set<number>();
  const start = dayStart(asOfMs);
  for (let i = 0; i <= Math.min(days, 366); i++) {
    const date = new Date(start + i * DAY_MS);
    const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    const last = month === 2 && day === 28 && !isLeapYear(year) ? 29 : day;
    for (let d = day; d <= last; d++) covered.add(month * 100 + d);
    const run = runs[runs.length - 1];
    if (run && run.month === month && run.to + 1 >= day) run.to = Math.max(run.to, last);
    else runs.push({ month, from: day, to: last });
  }
  return covered.size >= 366 ? undefined : runs;
}
