/**
 * Operators are data, defined once. The parser and printer read each row's text spelling, the
 * validator its operand types and value shape, the normalizer its negation, the docs the whole
 * row; the SQL compiler keys its own table by the same names.
 *
 * @example
 *   OPERATORS.not_in.negation       // 'in'
 *   OPERATORS.within_last.text      // 'within last'
 *   operatorsFor('boolean')         // ['eq', 'neq', 'is_set', 'is_not_set']
 */
import type { FieldType } from './catalog';

export type OperatorName =
  | 'eq'
  | 'neq'
  | 'lt'
  | 'lte'
  | 'gt'
  | 'gte'
  | 'between'
  | 'in'
  | 'not_in'
  | 'contains'
  | 'not_contains'
  | 'starts_with'
  | 'ends_with'
  | 'is_set'
  | 'is_not_set'
  | 'before'
  | 'after'
  | 'on'
  | 'in_period'
  | 'within_last'
  | 'before_last'
  | 'within_next';

/** What an operator can be applied to: a catalog field type, or a property of an event. */
export type OperandType = FieldType | 'event_property';

/**
 * The shape of an operator's value: `none` (no value), `scalar` (one literal), `list` (one or
 * more literals), `range` (`[low, high]`), `duration` (`{amount, unit}`), `date` (a date or
 * date-time literal), `period` (a period name of `PERIOD_TABLE`: `"today"`, `"this_month"`).
 */
export type ValueShape = 'none' | 'scalar' | 'list' | 'range' | 'duration' | 'date' | 'period';

export interface OperatorSpec {
  readonly name: OperatorName;
  /** The text-form spelling, written between the field and the value: `not in`, `<=`. */
  readonly text: string;
  /** A word written after the value in the text form (`more than 2 weeks ago`). */
  readonly textAfter?: string;
  readonly appliesTo: readonly OperandType[];
  readonly valueShape: ValueShape;
  /** The operator that is exactly this one's complement, missing values included. */
  readonly negation?: OperatorName;
  /** Whether the condition is true for a profile (or event) where the value is missing. */
  readonly matchesMissing: boolean;
  readonly description: string;
}

const ORDERED: readonly OperandType[] = ['number', 'event_property'];
const TEXT: readonly OperandType[] = ['string', 'event_property'];
const SETTABLE: readonly OperandType[] = ['string', 'number', 'boolean', 'datetime', 'enum', 'event_property'];

/** Every operator, in documentation order. */
export const OPERATOR_TABLE: readonly OperatorSpec[] = [
  {
    name: 'eq',
    text: '=',
    appliesTo: ['string', 'number', 'boolean', 'enum', 'event_property'],
    valueShape: 'scalar',
    negation: 'neq',
    matchesMissing: false,
    description: 'Equals the value exactly.',
  },
  {
    name: 'neq',
    text: '!=',
    appliesTo: ['string', 'number', 'boolean', 'enum', 'event_property'],
    valueShape: 'scalar',
    negation: 'eq',
    matchesMissing: true,
    description: 'Exactly the negation of eq: true when the value differs or is missing.',
  },
  { name: 'lt', text: '<', appliesTo: ORDERED, valueShape: 'scalar', matchesMissing: false, description: 'Less than the value.' },
  { name: 'lte', text: '<=', appliesTo: ORDERED, valueShape: 'scalar', matchesMissing: false, description: 'Less than or equal to the value.' },
  { name: 'gt', text: '>', appliesTo: ORDERED, valueShape: 'scalar', matchesMissing: false, description: 'Greater than the value.' },
  { name: 'gte', text: '>=', appliesTo: ORDERED, valueShape: 'scalar', matchesMissing: false, description: 'Greater than or equal to the value.' },
  {
    name: 'between',
    text: 'between',
    appliesTo: ['number', 'datetime', 'event_property'],
    valueShape: 'range',
    matchesMissing: false,
    description: 'Between low and high, both included; a date-only high bound covers that whole day.',
  },
  {
    name: 'in',
    text: 'in',
    appliesTo: ['string', 'number', 'enum', 'event_property'],
    valueShape: 'list',
    negation: 'not_in',
    matchesMissing: false,
    description: 'Equals one of the listed values.',
  },
  {
    name: 'not_in',
    text: 'not in',
    appliesTo: ['string', 'number', 'enum', 'event_property'],
    valueShape: 'list',
    negation: 'in',
    matchesMissing: true,
    description: 'Exactly the negation of in: true when the value is none of the listed values or is missing.',
  },
  {
    name: 'contains',
    text: 'contains',
    appliesTo: TEXT,
    valueShape: 'scalar',
    negation: 'not_contains',
    matchesMissing: false,
    description: 'Contains the text, ignoring case; % and _ match themselves.',
  },
  {
    name: 'not_contains',
    text: 'not contains',
    appliesTo: TEXT,
    valueShape: 'scalar',
    negation: 'contains',
    matchesMissing: true,
    description: 'Exactly the negation of contains: true when the text is absent or the value is missing.',
  },
  {
    name: 'starts_with',
    text: 'starts with',
    appliesTo: TEXT,
    valueShape: 'scalar',
    matchesMissing: false,
    description: 'Starts with the text, ignoring case; % and _ match themselves.',
  },
  {
    name: 'ends_with',
    text: 'ends with',
    appliesTo: TEXT,
    valueShape: 'scalar',
    matchesMissing: false,
    description: 'Ends with the text, ignoring case; % and _ match themselves.',
  },
  {
    name: 'is_set',
    text: 'is set',
    appliesTo: SETTABLE,
    valueShape: 'none',
    negation: 'is_not_set',
    matchesMissing: false,
    description: 'The value is present (an empty string is stored as missing).',
  },
  {
    name: 'is_not_set',
    text: 'is not set',
    appliesTo: SETTABLE,
    valueShape: 'none',
    negation: 'is_set',
    matchesMissing: true,
    description: 'The value is missing.',
  },
  {
    name: 'before',
    text: 'before',
    appliesTo: ['datetime'],
    valueShape: 'date',
    matchesMissing: false,
    description: 'Earlier than the instant; for a date-only literal, earlier than that day 00:00 UTC.',
  },
  {
    name: 'after',
    text: 'after',
    appliesTo: ['datetime'],
    valueShape: 'date',
    matchesMissing: false,
    description: 'Later than the instant; for a date-only literal, at or after the next day 00:00 UTC.',
  },
  {
    name: 'on',
    text: 'on',
    appliesTo: ['datetime'],
    valueShape: 'date',
    matchesMissing: false,
    description: 'On the same UTC calendar date as the literal.',
  },
  {
    name: 'in_period',
    text: 'is',
    appliesTo: ['datetime'],
    valueShape: 'period',
    matchesMissing: false,
    description: 'In the calendar period holding asOf: `today`, `yesterday` or `this month` (`"this_month"`), whole UTC days and months.',
  },
  {
    name: 'within_last',
    text: 'within last',
    appliesTo: ['datetime'],
    valueShape: 'duration',
    matchesMissing: false,
    description: 'asOf - duration <= value <= asOf.',
  },
  {
    name: 'before_last',
    text: 'more than',
    textAfter: 'ago',
    appliesTo: ['datetime'],
    valueShape: 'duration',
    matchesMissing: false,
    description: 'value < asOf - duration.',
  },
  {
    name: 'within_next',
    text: 'within next',
    appliesTo: ['datetime', 'birthday'],
    valueShape: 'duration',
    matchesMissing: false,
    description: 'asOf <= value <= asOf + duration; for birthday, the next N days (0 = today).',
  },
];

/** The operator table keyed by name. */
export const OPERATORS: Readonly<Record<OperatorName, OperatorSpec>> = Object.freeze(
  Object.fromEntries(OPERATOR_TABLE.map((spec) => [spec.name, spec])) as Record<OperatorName, OperatorSpec>,
);

export const OPERATOR_NAMES: readonly OperatorName[] = OPERATOR_TABLE.map((spec) => spec.name);

export function isOperatorName(value: unknown): value is OperatorName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(OPERATORS, value);
}

/** The operators that apply to an operand type, in table order. */
export function operatorsFor(type: OperandType): OperatorName[] {
  return OPERATOR_TABLE.filter((spec) => spec.appliesTo.includes(type)).map((spec) => spec.name);
}
