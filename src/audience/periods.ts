/**
 * Calendar periods, defined once: `today`, `yesterday` and `this month`, the periods holding
 * `asOf`. Like `on 2026-11-27`, they are whole UTC days and months (a period starts at 00:00 UTC);
 * like `within last 30 days`, they move with `asOf`. The parser and printer read each row's words,
 * the validator and decoder its name, the docs the whole row, the compiler its range.
 *
 * @example
 *   PERIODS.this_month.words  // ['this', 'month']
 *   // last_purchase_date is this month   ⇔   {"field": "last_purchase_date", "op": "in_period", "value": "this_month"}
 */
export type PeriodName = 'today' | 'yesterday' | 'this_month';

export interface PeriodSpec {
  readonly name: PeriodName;
  /** The text-form spelling, as lower-case words: `this month`. */
  readonly words: readonly string[];
  readonly description: string;
}

/** Every period, in documentation order. */
export const PERIOD_TABLE: readonly PeriodSpec[] = [
  { name: 'today', words: ['today'], description: 'The UTC calendar day holding asOf, all of it (00:00 UTC to the next 00:00 UTC, excluded).' },
  { name: 'yesterday', words: ['yesterday'], description: 'The UTC calendar day before the one holding asOf.' },
  { name: 'this_month', words: ['this', 'month'], description: 'The UTC calendar month holding asOf, all of it (the 1st 00:00 UTC to the next 1st, excluded).' },
];

export const PERIODS: Readonly<Record<PeriodName, PeriodSpec>> = Object.freeze(
  Object.fromEntries(PERIOD_TABLE.map((spec) => [spec.name, spec])) as Record<PeriodName, PeriodSpec>,
);

export const PERIOD_NAMES: readonly PeriodName[] = PERIOD_TABLE.map((spec) => spec.name);

export function isPeriodName(value: unknown): value is PeriodName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PERIODS, value);
}

/** `today`, `yesterday` or `this month`: for "expected a period" messages. */
export const PERIOD_SPELLINGS: string = PERIOD_TABLE.map((spec) => `\`${spec.words.join(' ')}\``)
  .join(', ')
  .replace(/, ([^,]*)$/, ' or $1');
