/**
 * Strict ISO 8601 instants: `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM[:SS[.fff…]]` followed by
 * `Z` or an offset `±HH:MM`. Impossible calendar dates (2026-02-30) are refused.
 */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** @example parseInstant('2026-03-31T23:59:59Z')?.toISOString() // '2026-03-31T23:59:59.000Z' */
export function parseInstant(text: string): Date | undefined {
  const m = INSTANT.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h), minute = Number(mi), second = Number(s);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCFullYear() !== year) return undefined;
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [oh, om] = zone.slice(1).split(':').map(Number) as [number, number];
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const time = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$/;

/**
 * A strict instant: a date-time with an explicit UTC offset (`Z` or `±HH:MM`), as the `DateTime`
 * scalar accepts it. A bare date or a local time is refused, and the message says the offset is
 * what is missing.
 *
 * @example parseOffsetDateTime('2026-11-28T09:30:00')
 *   // { ok: false, message: '"2026-11-28T09:30:00" has no UTC offset: add Z (UTC) or ±HH:MM, e.g. 2026-11-28T09:30:00Z' }
 */
export function parseOffsetDateTime(text: string): { ok: true; value: Date } | { ok: false; message: string } {
  const trimmed = text.trim();
  const shown = JSON.stringify(text);
  if (DATE_ONLY.test(trimmed)) return { ok: false, message: `${shown} is a date without a time and UTC offset: send e.g. ${trimmed}T00:00:00Z` };
  if (LOCAL_DATE_TIME.test(trimmed)) return { ok: false, message: `${shown} has no UTC offset: add Z (UTC) or ±HH:MM, e.g. ${trimmed.replace(' ', 'T')}Z` };
  const parsed = parseInstant(trimmed);
  if (!parsed) return { ok: false, message: `${shown} is not an ISO 8601 date-time; send e.g. 2026-11-28T09:30:00Z` };
  return { ok: true, value: parsed };
}

/** Why `text` is not an instant `parseInstant` accepts, naming a missing offset as such. */
export function instantProblem(text: string): string {
  const strict = parseOffsetDateTime(text);
  return strict.ok ? `${JSON.stringify(text)} is not an ISO 8601 date-time; send e.g. 2026-11-28T09:30:00Z` : strict.message;
}

const MS_PER_DAY = 86_400_000;
/** 0000-01-01T00:00:00.000Z and 10000-01-01T00:00:00.000Z: the instants `toISOString` writes with a 4-digit year. */
const FOUR_DIGIT_YEARS = [-62_167_219_200_000, 253_402_300_800_000] as const;
const ZERO = 48;
const [DASH, COLON, DOT, T, Z] = ['-', ':', '.', 'T', 'Z'].map((c) => c.charCodeAt(0)) as [number, number, number, number, number];
/** The character codes of the tens and the ones digit of a number below 100. */
const tens = (n: number) => ZERO + Math.floor(n / 10);
const ones = (n: number) => ZERO + (n % 10);

/**
 * `date.toISOString()`, about three times as fast (JSON of 1,500 values: 230 against 680 µs here):
 * the GraphQL `DateTime` output of every timestamp, a few thousand in a page of profiles with their
 * events. The civil date comes from the day number by integer arithmetic (Howard Hinnant's
 * `civil_from_days`), and the 24 characters are made in one `String.fromCharCode`, so one flat
 * string is allocated (a template literal of the parts made a chain of concatenations). Years
 * outside 0000–9999 (`toISOString`'s ±YYYYYY form) and invalid dates are left to `toISOString`,
 * which writes the first and throws for the second.
 *
 * @example formatInstant(new Date(Date.UTC(2026, 10, 28, 9, 30))) // '2026-11-28T09:30:00.000Z'
 */
export function formatInstant(date: Date): string {
  const time = date.getTime();
  if (!(time >= FOUR_DIGIT_YEARS[0] && time < FOUR_DIGIT_YEARS[1])) return date.toISOString();
  const days = Math.floor(time / MS_PER_DAY);
  let rest = time - days * MS_PER_DAY;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const ms = rest - seconds * 1000;
  return String.fromCharCode(
    ZERO + Math.floor(year / 1000), ZERO + (Math.floor(year / 100) % 10), tens(year % 100), ones(year), DASH,
    tens(month), ones(month), DASH, tens(day), ones(day), T,
    tens(hours), ones(hours), COLON, tens(minutes), ones(minutes), COLON, tens(seconds), ones(seconds), DOT,
    ZERO + Math.floor(ms / 100), tens(ms % 100), ones(ms), Z,
  );
}
