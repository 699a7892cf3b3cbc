/**
 * Does a value fit its operator and operand? Shared by field conditions and event property
 * conditions, driven by the operator table's value shape.
 *
 * @example
 *   checkValue(context.report, { label: 'field `email_hash_number` (number)', type: 'number' },
 *     OPERATORS.between, [9, 0], origin);
 *   // reports INVALID_VALUE: "Operator `between` needs the lower bound first, got [9,0]."
 */
import { DURATION_UNITS, isDuration, type Duration, type Origin, type Value } from '../ast';
import { parseDateLiteral, type DateLiteral } from '../date-literal';
import { AudienceError, describeValue, originOf, quoteList } from '../errors';
import { MAX_BIRTHDAY_DAYS, MAX_DURATION, MAX_LIST_ITEMS } from '../limits';
import type { OperandType, OperatorSpec } from '../operators';
import { isPeriodName, PERIOD_NAMES } from '../periods';
import { isStorableInstant, textProblem } from '../storable';

export interface Operand {
  /** How messages name it: "field `first_name` (string)", "event property `total`". */
  readonly label: string;
  readonly type: OperandType;
  /** For enum fields: the field name and its allowed values. */
  readonly enumField?: { readonly name: string; readonly values: readonly string[] };
}

type Report = (error: AudienceError) => void;
type LiteralType = 'string' | 'number' | 'boolean';

/** Which JSON literal types a single value of this operator may have on this operand. */
function literalTypes(op: OperatorSpec, type: OperandType): readonly LiteralType[] {
  if (type !== 'event_property') return type === 'number' ? ['number'] : type === 'boolean' ? ['boolean'] : ['string'];
  if (op.name === 'eq' || op.name === 'neq') return ['string', 'number', 'boolean'];
  if (['contains', 'not_contains', 'starts_with', 'ends_with'].includes(op.name)) return ['string'];
  return ['string', 'number'];
}

function expectation(types: readonly LiteralType[]): string {
  const names = types.map((t) => (t === 'boolean' ? 'true or false' : `a ${t}`));
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** Reports every problem with `value` as the value of `op` on `operand`. */
export function checkValue(report: Report, operand: Operand, op: OperatorSpec, value: Value | undefined, origin: Origin): void {
  const at = originOf(origin, '/value');
  const subject = `Operator \`${op.name}\` on ${operand.label}`;
  const types = literalTypes(op, operand.type);
  if (op.valueShape === 'none') {
    if (value !== undefined) report(AudienceError.invalidValue(`${subject} takes no value.`, at));
    return;
  }
  if (value === undefined) {
    report(AudienceError.invalidValue(`${subject} needs a value.`, origin));
    return;
  }
  switch (op.valueShape) {
    case 'scalar':
      checkLiteral(report, operand, subject, types, value, at);
      return;
    case 'date':
      if (typeof value !== 'string') report(AudienceError.invalidValue(`${subject} needs a date, got ${describeValue(value)}.`, at));
      else checkDate(report, value, at);
      return;
    case 'duration':
      if (!isDuration(value)) {
        report(AudienceError.invalidValue(`${subject} needs a duration such as {"amount": 30, "unit": "day"}, got ${describeValue(value)}.`, at));
      } else {
        checkDuration(report, value, at, operand.type === 'birthday');
      }
      return;
    case 'period':
      if (!isPeriodName(value)) report(AudienceError.invalidValue(`${subject} needs ${quoteList(PERIOD_NAMES)}, got ${describeValue(value)}.`, at));
      return;
    case 'list':
      checkList(report, operand, subject, types, value, at);
      return;
    case 'range':
      checkRange(report, operand, subject, types, value, at);
      return;
  }
}

function checkLiteral(report: Report, operand: Operand, subject: string, types: readonly LiteralType[], value: Value, at: Origin): boolean {
  if (!types.includes(typeof value as LiteralType) || (typeof value === 'number' && !Number.isFinite(value))) {
    const wanted = operand.enumField ? `one of ${quoteList(operand.enumField.values)}` : expectation(types);
    report(AudienceError.invalidValue(`${subject} needs ${wanted}, got ${describeValue(value)}.`, at));
    return false;
  }
  const unstorable = typeof value === 'string' ? textProblem(value) : undefined;
  if (unstorable !== undefined) {
    report(AudienceError.unstorableText(`${subject} got a value that ${unstorable}.`, at));
    return false;
  }
  if (operand.enumField && !operand.enumField.values.includes(value as string)) {
    report(AudienceError.unknownEnumValue(value, operand.enumField.name, operand.enumField.values, at));
    return false;
  }
  return true;
}

function checkList(report: Report, operand: Operand, subject: string, types: readonly LiteralType[], value: Value, at: Origin): void {
  if (!Array.isArray(value)) {
    report(AudienceError.invalidValue(`${subject} needs a list of values, got ${describeValue(value)}.`, at));
    return;
  }
  if (value.length === 0) {
    report(AudienceError.emptyList(`${subject} needs at least one value; the list is empty.`, at));
    return;
  }
  if (value.length > MAX_LIST_ITEMS) {
    report(AudienceError.listTooLong(MAX_LIST_ITEMS, at));
    return;
  }
  const itemTypes = types.filter((t) => t !== 'boolean');
  const valid = value.map((item, i) => checkLiteral(report, operand, subject, itemTypes, item, originOf(at, `/${i}`)));
  if (valid.every(Boolean) && new Set(value.map((item) => typeof item)).size > 1) {
    report(AudienceError.invalidValue(`${subject} needs a list of only strings or only numbers, got ${describeValue(value)}.`, at));
  }
}

function checkRange(report: Report, operand: Operand, subject: string, types: readonly LiteralType[], value: Value, at: Origin): void {
  if (!Array.isArray(value) || value.length !== 2) {
    report(AudienceError.invalidValue(`${subject} needs two values [low, high], got ${describeValue(value)}.`, at));
    return;
  }
  const [low, high] = value;
  if (operand.type === 'datetime') {
    const bounds = value.map((bound, i) =>
      typeof bound === 'string'
        ? checkDate(report, bound, originOf(at, `/${i}`))
        : report(AudienceError.invalidValue(`${subject} needs two dates, got ${describeValue(bound)}.`, originOf(at, `/${i}`))),
    );
    if (bounds[0] && bounds[1]) checkOrder(report, subject, value, bounds[0].startMs <= bounds[1].endMs, at);
    return;
  }
  const valid = value.map((bound, i) => checkLiteral(report, operand, subject, types, bound, originOf(at, `/${i}`)));
  if (!valid.every(Boolean)) return;
  if (typeof low !== typeof high) {
    report(AudienceError.invalidValue(`${subject} needs two numbers or two strings, got ${describeValue(value)}.`, at));
    return;
  }
  checkOrder(report, subject, value, typeof low === 'number' ? low <= (high as number) : compareCodePoints(low, high as string) <= 0, at);
}

function checkOrder(report: Report, subject: string, value: Value, ordered: boolean, at: Origin): void {
  if (!ordered) report(AudienceError.invalidValue(`${subject} needs the lower bound first, got ${describeValue(value)}.`, at));
}

/** Orders strings by code point, as PostgreSQL's byte-order collation does. */
function compareCodePoints(a: string, b: string): number {
  const [x, y] = [Array.from(a), Array.from(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Reports an invalid date literal; returns the instants of a valid one. */
export function checkDate(report: Report, value: string, at: Origin): DateLiteral | undefined {
  const parsed = parseDateLiteral(value);
  if (!parsed) report(AudienceError.invalidDate(value, at));
  else if (!isStorableInstant(parsed.startMs) || !isStorableInstant(parsed.endMs)) {
    report(AudienceError.dateOutOfRange(value, at));
    return undefined;
  }
  return parsed;
}

/** Amount a whole number from 1 to about 100 years' worth; for birthday, 0 to 366 days. */
export function checkDuration(report: Report, duration: Duration, at: Origin, birthday = false): void {
  const { amount, unit } = duration;
  if (!DURATION_UNITS.includes(unit)) {
    report(AudienceError.invalidDuration(`Unknown unit ${describeValue(unit)}; units are minute, hour, day, week, month and year.`, at));
  } else if (birthday) {
    if (unit !== 'day' || !Number.isInteger(amount) || amount < 0 || amount > MAX_BIRTHDAY_DAYS) {
      report(
        AudienceError.invalidDuration(
          `\`birthday within_next\` takes a whole number of days from 0 (today) to ${MAX_BIRTHDAY_DAYS}, got ${describeValue(duration)}.`,
          at,
        ),
      );
    }
  } else if (!Number.isInteger(amount) || amount < 1) {
    report(AudienceError.invalidDuration(`A duration is a whole number of at least 1 ${unit}, got ${describeValue(amount)}.`, at));
  } else if (amount > MAX_DURATION[unit]) {
    report(
      AudienceError.invalidDuration(
        `A duration of ${amount} ${unit}s is longer than the limit of ${MAX_DURATION[unit]} ${unit}s (about 100 years).`,
        at,
      ),
    );
  }
}
