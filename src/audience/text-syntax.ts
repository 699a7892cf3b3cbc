/**
 * The vocabulary of the text form, shared by the parser and the printer so the two cannot drift:
 * operator phrases (read from the operator table), count phrases, time units and the rule for
 * when a name must be written in double quotes.
 *
 * @example
 *   OPERATOR_PHRASES[0]          // { op: 'is_not_set', words: ['is', 'not', 'set'] }
 *   printFieldName('in')         // '"in"'  (a bare `in` would start `in segment`)
 */
import type { AggregateFunction, CountOp, DurationUnit } from './ast';
import { OPERATOR_TABLE, type OperatorName } from './operators';
import { PERIOD_TABLE, type PeriodName } from './periods';

/** A bare name: `first_name`, `custom.loyalty_tier`, `custom.2fa`. */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*$/;

export interface Phrase<T> {
  readonly value: T;
  /** Lower-case words or punctuators, matched against consecutive tokens. */
  readonly words: readonly string[];
}

/** Operator spellings from the table, longest first so `is not set` wins over `is set`. */
export const OPERATOR_PHRASES: readonly Phrase<OperatorName>[] = OPERATOR_TABLE.map((spec) => ({
  value: spec.name,
  words: spec.text.split(' '),
})).sort((a, b) => b.words.length - a.words.length);

/** Period phrases: `today`, `yesterday`, `this month` (longest first). */
export const PERIOD_PHRASES: readonly Phrase<PeriodName>[] = PERIOD_TABLE.map((spec) => ({ value: spec.name, words: spec.words })).sort(
  (a, b) => b.words.length - a.words.length,
);

/** Event count phrases: `did purchase at least 2 times`. */
export const COUNT_PHRASES: readonly Phrase<CountOp>[] = [
  { value: 'gte', words: ['at', 'least'] },
  { value: 'gt', words: ['more', 'than'] },
  { value: 'lte', words: ['at', 'most'] },
  { value: 'lt', words: ['fewer', 'than'] },
  { value: 'eq', words: ['exactly'] },
];

/**
 * Aggregate functions as written after `with`: `with sum(total) > 500`,
 * `with count distinct(category) >= 3`. One table for the parser, the printer and the docs.
 */
export const AGGREGATE_PHRASES: readonly Phrase<AggregateFunction>[] = [
  { value: 'count_distinct', words: ['count', 'distinct'] },
  { value: 'sum', words: ['sum'] },
  { value: 'avg', words: ['avg'] },
  { value: 'min', words: ['min'] },
  { value: 'max', words: ['max'] },
];

/** The comparison of an aggregate: `with sum(total) >= 500` (the JSON names are the count ops). */
export const AGGREGATE_COMPARISONS: readonly Phrase<CountOp>[] = [
  { value: 'eq', words: ['='] },
  { value: 'gt', words: ['>'] },
  { value: 'gte', words: ['>='] },
  { value: 'lt', words: ['<'] },
  { value: 'lte', words: ['<='] },
];

/** Unit words, singular and plural. */
export const UNIT_WORDS: Readonly<Record<string, DurationUnit>> = {
  minute: 'minute',
  minutes: 'minute',
  hour: 'hour',
  hours: 'hour',
  day: 'day',
  days: 'day',
  week: 'week',
  weeks: 'week',
  month: 'month',
  months: 'month',
  year: 'year',
  years: 'year',
};

/** `1 day`, `0 days`, `2 days`. */
export function pluralize(word: string, amount: number): string {
  return amount === 1 ? word : `${word}s`;
}

/** Words that would be read as syntax where a field name starts a condition. */
const FIELD_RESERVED = new Set(['not', 'did', 'in', 'and', 'or']);

/** `did not X` reads as "did not do X", so an event type named `not` must be quoted. */
const EVENT_RESERVED = new Set(['not']);

function printName(name: string, reserved: ReadonlySet<string>): string {
  return NAME_PATTERN.test(name) && !reserved.has(name.toLowerCase()) ? name : JSON.stringify(name);
}

export function printFieldName(name: string): string {
  return printName(name, FIELD_RESERVED);
}

export function printEventType(name: string): string {
  return printName(name, EVENT_RESERVED);
}

/** Inside `where`, `not` starts a negation and `and` / `or` join conditions. */
const PROPERTY_RESERVED = new Set(['not', 'and', 'or']);

export function printPropertyName(name: string): string {
  return printName(name, PROPERTY_RESERVED);
}

/** Every operator spelling, for "expected an operator" messages (`is` once per period). */
/** Each operator's words as written before its value, the period operator once per period (`is today`). */
const OPERATOR_TEXTS: readonly { readonly text: string; readonly textAfter?: string }[] = OPERATOR_TABLE.flatMap((spec) =>
  spec.valueShape === 'period' ? PERIOD_TABLE.map((period) => ({ text: `${spec.text} ${period.words.join(' ')}` })) : [{ text: spec.text, textAfter: spec.textAfter }],
);

/** The wordy operators as written (`is not set`, `contains`, `starts with`): what a misspelling is matched against. */
export const OPERATOR_WORDINGS: readonly string[] = [...new Set(OPERATOR_TEXTS.map(({ text }) => text).filter((text) => /^[a-z ]+$/.test(text)))];

export const OPERATOR_SPELLINGS: string = OPERATOR_TEXTS.map(({ text, textAfter }) => `\`${text}${textAfter ? ` … ${textAfter}` : ''}\``).join(', ');
