/**
 * Birthdays are a day (1–31) and a month (1–12). The pair must be a real date in some year, so
 * 31 April is refused and 29 February is allowed. Imports may send month names.
 */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

export const MONTH_NAMES = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
] as const;

/** Parses a month given as a number (1–12, `"04"`) or an English name or three-letter abbreviation. */
export function parseMonth(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1 && value <= 12 ? value : undefined;
  const text = value.trim().toLowerCase();
  if (/^\d{1,2}$/.test(text)) return parseMonth(Number(text));
  const index = MONTH_NAMES.findIndex((name) => name === text || (text.length === 3 && name.startsWith(text)));
  return index >= 0 ? index + 1 : undefined;
}

/** Why a day/month pair is not a real date, or undefined when it is. Either part may be missing. */
export function birthdayProblem(day: number | null, month: number | null): string | undefined {
  if (day !== null && (!Number.isInteger(day) || day < 1 || day > 31)) return `birthday_day must be a whole number from 1 to 31 (got ${day})`;
  if (month !== null && (!Number.isInteger(month) || month < 1 || month > 12)) return `birthday_month must be a whole number from 1 to 12 (got ${month})`;
  if (day !== null && month !== null && day > DAYS_IN_MONTH[month - 1]!) {
    return `${MONTH_NAMES[month - 1]} has no day ${day}; it has at most ${DAYS_IN_MONTH[month - 1]} days`;
  }
  return undefined;
}
