/**
 * Date literals: `YYYY-MM-DD` (a whole UTC day) or `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)` (an
 * exact instant). The lexer uses the shape; the validator also checks the calendar.
 *
 * @example
 *   parseDateLiteral('2026-02-28')  // { dateOnly: true, startMs: 1772236800000, endMs: 1772323199999 }
 *   parseDateLiteral('2026-02-30')  // undefined: not a real date
 */

/** The written shape of a date literal (the calendar is checked by `parseDateLiteral`). */
export const DATE_LITERAL_SHAPE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|([+-])(\d{2}):(\d{2})))?$/;

export interface DateLiteral {
  /** True for `YYYY-MM-DD`, which denotes the whole UTC day. */
  readonly dateOnly: boolean;
  /** The first millisecond the literal denotes (UTC epoch milliseconds). */
  readonly startMs: number;
  /** The last millisecond the literal denotes: the end of the day, or the instant itself. */
  readonly endMs: number;
}

const DAY_MS = 86_400_000;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The literal's instants, or undefined when it is not a real calendar date or time. */
export function parseDateLiteral(text: string): DateLiteral | undefined {
  const m = DATE_LITERAL_SHAPE.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  const dayStart = date.getTime();
  if (m[4] === undefined) return { dateOnly: true, startMs: dayStart, endMs: dayStart + DAY_MS - 1 };
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? '0')];
  const millis = Number((m[7] ?? '0').padEnd(3, '0'));
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const [offsetHours, offsetMins] = [Number(m[10]), Number(m[11])];
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const instant = dayStart + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
  return { dateOnly: false, startMs: instant, endMs: instant };
}
