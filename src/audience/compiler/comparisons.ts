/**
 * How each operator compiles against a value source: the compiler's own operator table, keyed
 * by the same names as `OPERATORS`. A `ValueSource` is a typed SQL expression that is NULL
 * exactly when the value is missing (or, for JSON, of another type), so every positive operator
 * is false (or NULL, which AND/OR treat as false) on a missing value, and the complements
 * (`neq`, `not_in`, `not_contains`, `is_not_set`) are compiled in forms that are never NULL.
 *
 * @example
 *   COMPARISONS.neq(columnSource('first_name'), 'Ann', context)
 *   // { sql: sql`p.first_name is distinct from ${'Ann'}`, nullable: false }
 */
import type { Origin, Value } from '../ast';
import type { OperatorName } from '../operators';
import { isPeriodName } from '../periods';
import { AudienceCompileError } from './compile-error';
import {
  betweenRange,
  checkDuration,
  checkRange,
  formatCanonical,
  formatTimestamp,
  literalRange,
  parseLiteral,
  periodRange,
  relativeRange,
  YEAR_10000_MS,
  type Bound,
  type InstantRange,
} from './instants';
import { Param, sql, type Fragment } from './sql-fragment';
import { checkText, likePattern } from './text';

/**
 * The SQL type of a value source: `smallint` columns take `::int` or `::numeric` parameters,
 * `iso_text` is a canonical ISO-8601 string compared with `collate "C"`.
 */
export type SqlType = 'text' | 'smallint' | 'numeric' | 'boolean' | 'timestamptz' | 'iso_text';

export interface ValueSource {
  /** How error messages name it: `field "first_name"`, `event property "total"`. */
  readonly label: string;
  /** The value; SQL NULL when it is missing. */
  readonly expr: Fragment;
  readonly type: SqlType;
  /** `is_set`: the value is present (never NULL). */
  readonly present: Fragment;
  /** `is_not_set`: the value is missing (never NULL). */
  readonly absent: Fragment;
  /** Applied to the values of `eq`, `neq`, `in` and `not_in` (email addresses). */
  readonly normalize?: (value: string) => string;
  /**
   * The stored value is already folded with `foldCase` (normalized emails, which `checkEmail`
   * folds; the fold is idempotent). Case-insensitive operators then match the column itself, so
   * the planner estimates them from the column's statistics instead of a default guess.
   */
  readonly folded?: boolean;
}

/** A boolean SQL expression; `nullable` when it can be NULL (for a missing value). */
export interface Predicate {
  readonly sql: Fragment;
  readonly nullable: boolean;
}

export interface ComparisonContext {
  readonly asOfMs: number;
  readonly at: Origin;
}

/**
 * The exact complement of a predicate: NULL (missing) counts as false before negating. `is not
 * true` rather than `not coalesce(…, false)`: the same truth table, but the planner estimates it
 * as one minus the inner selectivity, where it guesses 0.5 for a `coalesce` (with twenty
 * conditions those guesses multiplied into a 2-row estimate and a nested loop, `mix-20`).
 */
export function negate(predicate: Predicate): Predicate {
  return { sql: predicate.nullable ? sql`(${predicate.sql}) is not true` : sql`not (${predicate.sql})`, nullable: false };
}

type Comparison = (source: ValueSource, value: Value | undefined, context: ComparisonContext) => Predicate;

const nullable = (fragment: Fragment): Predicate => ({ sql: fragment, nullable: true });

/** A text parameter, checked for text PostgreSQL can hold. */
export function textParam(value: string, what: string, at: Origin): Param {
  return new Param(checkText(value, what, at));
}

function invalid(source: ValueSource, expected: string, value: unknown, at: Origin): AudienceCompileError {
  return AudienceCompileError.invalidValue(`Expected ${expected} for ${source.label}, got ${JSON.stringify(value) ?? 'nothing'}.`, at);
}

function isInt4(value: number): boolean {
  return Number.isInteger(value) && value >= -2_147_483_648 && value <= 2_147_483_647;
}

/** One literal as a parameter with the cast the source's type needs. */
function scalarParam(source: ValueSource, value: unknown, context: ComparisonContext, normalize: boolean): Fragment {
  switch (source.type) {
    case 'text':
      if (typeof value !== 'string') throw invalid(source, 'a string', value, context.at);
      return sql`${textParam(normalize && source.normalize ? source.normalize(value) : value, 'A value', context.at)}`;
    case 'smallint':
    case 'numeric': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(source, 'a finite number', value, context.at);
      const param = new Param(value);
      return source.type === 'smallint' && isInt4(value) ? sql`${param}::int` : sql`${param}::numeric`;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid(source, 'true or false', value, context.at);
      return sql`${new Param(value)}`;
    default:
      throw invalid(source, 'a date operator', value, context.at);
  }
}

/** A list literal as one array parameter (`$n::text[]`, `$n::int[]`, `$n::numeric[]`). */
function listParam(source: ValueSource, value: unknown, context: ComparisonContext): Fragment {
  if (!Array.isArray(value) || value.length === 0) throw invalid(source, 'a non-empty list', value, context.at);
  switch (source.type) {
    case 'text': {
      if (!value.every((item): item is string => typeof item === 'string')) throw invalid(source, 'a list of strings', value, context.at);
      const items = value.map((item) => checkText(source.normalize ? source.normalize(item) : item, 'A list value', context.at));
      return sql`${new Param(items)}::text[]`;
    }
    case 'smallint':
    case 'numeric': {
      if (!value.every((item) => typeof item === 'number' && Number.isFinite(item))) throw invalid(source, 'a list of finite numbers', value, context.at);
      const param = new Param([...value]);
      return source.type === 'smallint' && value.every((item) => isInt4(item as number)) ? sql`${param}::int[]` : sql`${param}::numeric[]`;
    }
    default:
      throw invalid(source, 'no list', value, context.at);
  }
}

/** The value as compared by ordering operators: strings in byte (code point) order. */
function ordered(source: ValueSource, context: ComparisonContext, value: unknown): Fragment {
  if (source.type === 'text') return sql`${source.expr} collate "C"`;
  if (source.type === 'smallint' || source.type === 'numeric') return source.expr;
  throw invalid(source, 'no ordering operator', value, context.at);
}

function ordering(symbol: '<' | '<=' | '>' | '>='): Comparison {
  return (source, value, context) => {
    const left = ordered(source, context, value);
    const right = scalarParam(source, value, context, false);
    switch (symbol) {
      case '<':
        return nullable(sql`${left} < ${right}`);
      case '<=':
        return nullable(sql`${left} <= ${right}`);
      case '>':
        return nullable(sql`${left} > ${right}`);
      case '>=':
        return nullable(sql`${left} >= ${right}`);
    }
  };
}

function textMatch(op: 'contains' | 'not_contains' | 'starts_with' | 'ends_with'): Comparison {
  return (source, value, context) => {
    if (source.type !== 'text' || typeof value !== 'string') throw invalid(source, 'a string', value, context.at);
    const pattern = textParam(likePattern(op, value), 'A value', context.at);
    const match = nullable(source.folded ? sql`${source.expr} like ${pattern}` : sql`audience_fold(${source.expr}) like ${pattern}`);
    return op === 'not_contains' ? negate(match) : match;
  };
}

/** A bound as a parameter: a `timestamptz` instant, or canonical ISO text. */
function boundParam(source: ValueSource, bound: Bound): Fragment {
  return source.type === 'timestamptz' ? sql`${new Param(formatTimestamp(bound.ms))}` : sql`${new Param(formatCanonical(bound.ms))}`;
}

/**
 * `lower <= x < upper` and its variants. Canonical ISO text has four-digit years, so for it a
 * bound at year 10000 means "after every value": a lower bound there matches nothing, an upper
 * bound there is no restriction.
 */
export function rangePredicate(source: ValueSource, range: InstantRange): Predicate {
  const { lower } = checkRange(range);
  let { upper } = range;
  let x = source.expr;
  if (source.type === 'iso_text') {
    if (lower && lower.ms >= YEAR_10000_MS) return { sql: sql`false`, nullable: false };
    if (upper && upper.ms >= YEAR_10000_MS) upper = undefined;
    x = sql`${x} collate "C"`;
  }
  if (lower && upper && lower.inclusive && upper.inclusive) {
    return nullable(sql`${x} between ${boundParam(source, lower)} and ${boundParam(source, upper)}`);
  }
  const low = lower && (lower.inclusive ? sql`${x} >= ${boundParam(source, lower)}` : sql`${x} > ${boundParam(source, lower)}`);
  const high = upper && (upper.inclusive ? sql`${x} <= ${boundParam(source, upper)}` : sql`${x} < ${boundParam(source, upper)}`);
  if (low && high) return nullable(sql`(${low} and ${high})`);
  if (low || high) return nullable((low ?? high) as Fragment);
  return { sql: source.present, nullable: false };
}

function dateOperator(op: 'before' | 'after' | 'on'): Comparison {
  return (source, value, context) => {
    requireDates(source, value, context);
    return rangePredicate(source, literalRange(op, parseLiteral(value, context.at)));
  };
}

/** `is today`, `is this month`: the period holding asOf. */
function inPeriod(source: ValueSource, value: unknown, context: ComparisonContext): Predicate {
  requireDates(source, value, context);
  if (!isPeriodName(value)) throw invalid(source, 'a period (today, yesterday or this_month)', value, context.at);
  return rangePredicate(source, periodRange(value, context.asOfMs));
}

function relative(op: 'within_last' | 'before_last' | 'within_next'): Comparison {
  return (source, value, context) => {
    requireDates(source, value, context);
    return rangePredicate(source, relativeRange(op, checkDuration(value, context.at, 1), context.asOfMs));
  };
}

function requireDates(source: ValueSource, value: unknown, context: ComparisonContext): void {
  if (source.type !== 'timestamptz' && source.type !== 'iso_text') throw invalid(source, 'no date operator', value, context.at);
}

function between(source: ValueSource, value: Value | undefined, context: ComparisonContext): Predicate {
  if (!Array.isArray(value) || value.length !== 2) throw invalid(source, 'a range [low, high]', value, context.at);
  if (source.type === 'timestamptz' || source.type === 'iso_text') {
    return rangePredicate(source, betweenRange(parseLiteral(value[0], context.at), parseLiteral(value[1], context.at)));
  }
  const x = ordered(source, context, value);
  return nullable(sql`${x} between ${scalarParam(source, value[0], context, false)} and ${scalarParam(source, value[1], context, false)}`);
}

function requireNoValue(comparison: (source: ValueSource) => Predicate): Comparison {
  return (source, value, context) => {
    if (value !== undefined) throw invalid(source, 'no value', value, context.at);
    return comparison(source);
  };
}

const inList: Comparison = (source, value, context) => nullable(sql`${source.expr} = any(${listParam(source, value, context)})`);

/** The compiler's operator table. */
export const COMPARISONS: Readonly<Record<OperatorName, Comparison>> = {
  eq: (source, value, context) => nullable(sql`${source.expr} = ${scalarParam(source, value, context, true)}`),
  neq: (source, value, context) => ({ sql: sql`${source.expr} is distinct from ${scalarParam(source, value, context, true)}`, nullable: false }),
  lt: ordering('<'),
  lte: ordering('<='),
  gt: ordering('>'),
  gte: ordering('>='),
  between,
  in: inList,
  not_in: (source, value, context) => negate(inList(source, value, context)),
  contains: textMatch('contains'),
  not_contains: textMatch('not_contains'),
  starts_with: textMatch('starts_with'),
  ends_with: textMatch('ends_with'),
  is_set: requireNoValue((source) => ({ sql: source.present, nullable: false })),
  is_not_set: requireNoValue((source) => ({ sql: source.absent, nullable: false })),
  before: dateOperator('before'),
  after: dateOperator('after'),
  on: dateOperator('on'),
  in_period: inPeriod,
  within_last: relative('within_last'),
  before_last: relative('before_last'),
  within_next: relative('within_next'),
};
