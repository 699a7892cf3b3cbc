/**
 * The reference evaluator: the written semantics of the filter language (docs/audience-dsl.md,
 * section 5), implemented directly on the ORIGINAL filter (not normalized: `not` is set
 * complement) over in-memory profiles. Deliberately naive and independent of the compiler: it
 * shares no code with `src/audience/compiler`, so a bug in either shows up as a disagreement.
 */
import {
  parseDateLiteral,
  type ConditionNode,
  type CountOp,
  type EventAggregate,
  type DateLiteral,
  type Duration,
  type EventNode,
  type FieldCatalog,
  type FilterNode,
  type PeriodName,
  type PropertyCondition,
  type Value,
  type WhereNode,
} from '../../../src/audience';
import { foldCase } from '../../../src/text/case-fold';
import { normalizedEmail, type TestEvent, type TestProfile } from './profiles';

export interface EvaluationContext {
  readonly catalog: FieldCatalog;
  readonly asOf: Date;
  /** Frozen members by snapshot id, for `in snapshot`. */
  readonly snapshots?: ReadonlyMap<string, readonly number[]>;
}

/** A value as the semantics see it: undefined is "missing". Instants are epoch milliseconds. */
type Scalar = string | number | boolean | undefined;

/** The ids of the profiles a filter matches, ascending. */
export function members(filter: FilterNode, profiles: readonly TestProfile[], context: EvaluationContext): number[] {
  return profiles.filter((profile) => matches(filter, profile, context)).map((p) => p.id).sort((a, b) => a - b);
}

export function matches(node: FilterNode, profile: TestProfile, context: EvaluationContext): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.every((child) => matches(child, profile, context));
    case 'or':
      return node.children.some((child) => matches(child, profile, context));
    case 'not':
      return !matches(node.child, profile, context);
    case 'condition':
      return condition(node, profile, context);
    case 'event':
      return event(node, profile, context);
    case 'segment':
      throw new Error('the reference evaluator needs segments inlined');
    case 'snapshot': {
      const frozen = context.snapshots?.get(node.id);
      if (!frozen) throw new Error(`the reference evaluator has no snapshot ${node.id}`);
      return frozen.includes(profile.id);
    }
  }
}

// ---- strings and numbers ----

/** Orders strings by code point (PostgreSQL's byte order under collate "C"). */
function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (ch) => ch.codePointAt(0)!);
  const y = Array.from(b, (ch) => ch.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function compare(a: string | number, b: string | number): number {
  return typeof a === 'string' ? compareCodePoints(a, b as string) : a - (b as number);
}

const sameType = (v: Scalar, literal: unknown): v is string | number | boolean => v !== undefined && typeof v === typeof literal;

/** The generic operators on a present-or-missing value. `normalize` applies to eq/in values (email). */
function compareValue(v: Scalar, op: string, value: Value | undefined, normalize = (s: string) => s): boolean {
  const norm = (literal: unknown): unknown => (typeof literal === 'string' ? normalize(literal) : literal);
  switch (op) {
    case 'eq':
      return sameType(v, value) && v === norm(value);
    case 'neq':
      return !compareValue(v, 'eq', value, normalize);
    case 'in':
      return (value as readonly unknown[]).some((item) => sameType(v, item) && v === norm(item));
    case 'not_in':
      return !compareValue(v, 'in', value, normalize);
    case 'lt':
      return sameType(v, value) && compare(v as string | number, value as string | number) < 0;
    case 'lte':
      return sameType(v, value) && compare(v as string | number, value as string | number) <= 0;
    case 'gt':
      return sameType(v, value) && compare(v as string | number, value as string | number) > 0;
    case 'gte':
      return sameType(v, value) && compare(v as string | number, value as string | number) >= 0;
    case 'contains':
      return typeof v === 'string' && foldCase(v).includes(foldCase(value as string));
    case 'not_contains':
      return !compareValue(v, 'contains', value);
    case 'starts_with':
      return typeof v === 'string' && foldCase(v).startsWith(foldCase(value as string));
    case 'ends_with':
      return typeof v === 'string' && foldCase(v).endsWith(foldCase(value as string));
    case 'is_set':
      return v !== undefined;
    case 'is_not_set':
      return v === undefined;
    case 'between': {
      const [low, high] = value as readonly [string | number, string | number];
      return sameType(v, low) && compare(v as string | number, low) >= 0 && compare(v as string | number, high) <= 0;
    }
    default:
      throw new Error(`operator ${op} does not apply to a plain value`);
  }
}

// ---- instants ----

const utcDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

function literal(text: unknown): DateLiteral {
  const parsed = typeof text === 'string' ? parseDateLiteral(text) : undefined;
  if (!parsed) throw new Error(`not a date literal: ${JSON.stringify(text)}`);
  return parsed;
}

/** asOf moved by a duration; a month is a calendar month with the day clamped to the month's end. */
function move(asOf: Date, duration: Duration, sign: 1 | -1): number {
  const perUnit = { minute: 60e3, hour: 3600e3, day: 86400e3, week: 7 * 86400e3 } as const;
  if (duration.unit !== 'month' && duration.unit !== 'year') return asOf.getTime() + sign * duration.amount * perUnit[duration.unit];
  const months = duration.unit === 'year' ? 12 * duration.amount : duration.amount;
  let year = asOf.getUTCFullYear();
  let month = asOf.getUTCMonth() + sign * months; // 0-based, may leave 0..11
  year += Math.floor(month / 12);
  month = ((month % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(asOf.getUTCDate(), lastDay);
  const timeOfDay = asOf.getTime() - Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), asOf.getUTCDate());
  return Date.UTC(year, month, day) + timeOfDay;
}

/** `today`, `yesterday`, `this month`: asOf's UTC calendar date, the one before, its UTC year and month. */
function inPeriod(t: number, period: PeriodName, asOf: Date): boolean {
  const day = utcDate(t);
  switch (period) {
    case 'today':
      return day === utcDate(asOf.getTime());
    case 'yesterday':
      return day === utcDate(Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), asOf.getUTCDate() - 1));
    case 'this_month':
      return day.slice(0, 7) === utcDate(asOf.getTime()).slice(0, 7);
  }
}

/** `low <= t <= high`, where a date-only `high` covers its whole UTC day. */
function inBetween(t: number, low: DateLiteral, high: DateLiteral): boolean {
  return t >= low.startMs && (high.dateOnly ? utcDate(t) <= utcDate(high.startMs) : t <= high.startMs);
}

function compareInstant(t: number | undefined, op: string, value: Value | undefined, asOf: Date): boolean {
  if (op === 'is_set') return t !== undefined;
  if (op === 'is_not_set') return t === undefined;
  if (t === undefined) return false;
  switch (op) {
    case 'before':
      return t < literal(value).startMs;
    case 'after': {
      const lit = literal(value);
      return lit.dateOnly ? utcDate(t) > utcDate(lit.startMs) : t > lit.startMs;
    }
    case 'on':
      return utcDate(t) === utcDate(literal(value).startMs);
    case 'between': {
      const [low, high] = value as readonly [string, string];
      return inBetween(t, literal(low), literal(high));
    }
    case 'in_period':
      return inPeriod(t, value as PeriodName, asOf);
    case 'within_last':
      return move(asOf, value as Duration, -1) <= t && t <= asOf.getTime();
    case 'before_last':
      return t < move(asOf, value as Duration, -1);
    case 'within_next':
      return asOf.getTime() <= t && t <= move(asOf, value as Duration, 1);
    default:
      throw new Error(`operator ${op} does not apply to a datetime`);
  }
}

// ---- fields ----

const isLeap = (year: number): boolean => new Date(Date.UTC(year, 1, 29)).getUTCMonth() === 1;

/** The next N days from asOf's UTC date, a 29 February birthday falling on 28 February in non-leap years. */
function birthdayWithin(profile: TestProfile, days: number, asOf: Date): boolean {
  const month = profile.columns.birthday_month as number | undefined;
  const day = profile.columns.birthday_day as number | undefined;
  if (month === undefined || day === undefined) return false;
  const start = Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), asOf.getUTCDate());
  for (let i = 0; i <= days; i++) {
    const date = new Date(start + i * 86400e3);
    const [m, d] = [date.getUTCMonth() + 1, date.getUTCDate()];
    if (m === month && d === day) return true;
    if (month === 2 && day === 29 && m === 2 && d === 28 && !isLeap(date.getUTCFullYear())) return true;
  }
  return false;
}

function condition(node: ConditionNode, profile: TestProfile, context: EvaluationContext): boolean {
  const def = context.catalog.lookup(node.field);
  if (!def) throw new Error(`unknown field ${node.field}`);
  const storage = def.storage;
  switch (storage.kind) {
    case 'birthday':
      return birthdayWithin(profile, (node.value as Duration).amount, context.asOf);
    case 'sms_status': {
      const statuses = profile.phones.map((phone) => phone.smsStatus);
      const some = (wanted: readonly unknown[]): boolean => statuses.some((s) => wanted.includes(s));
      switch (node.op) {
        case 'eq':
          return some([node.value]);
        case 'neq':
          return !some([node.value]);
        case 'in':
          return some(node.value as readonly unknown[]);
        case 'not_in':
          return !some(node.value as readonly unknown[]);
        case 'is_set':
          return statuses.length > 0;
        case 'is_not_set':
          return statuses.length === 0;
        default:
          throw new Error(`operator ${node.op} on sms_status`);
      }
    }
    case 'email':
      return compareValue(normalizedEmail(profile), node.op, node.value, (s) => foldCase(s.trim()));
    case 'column': {
      const raw = profile.columns[storage.column];
      if (def.type === 'datetime') return compareInstant(raw === undefined ? undefined : (raw as Date).getTime(), node.op, node.value, context.asOf);
      return compareValue(raw as Scalar, node.op, node.value);
    }
    case 'custom': {
      const raw = Object.hasOwn(profile.custom, storage.key) ? profile.custom[storage.key] : undefined;
      if (def.type === 'datetime') return compareInstant(typeof raw === 'string' ? Date.parse(raw) : undefined, node.op, node.value, context.asOf);
      if (node.op === 'is_set' || node.op === 'is_not_set') return compareValue(raw === null ? undefined : (raw as Scalar), node.op, undefined);
      const jsonType = def.type === 'enum' ? 'string' : def.type;
      return compareValue(typeof raw === jsonType ? (raw as Scalar) : undefined, node.op, node.value);
    }
  }
}

// ---- events ----

function eventTime(event: TestEvent): number {
  return (event.createdOverride ?? event.created).getTime();
}

/** A property as a where-condition sees it: missing unless its JSON type is the literal's. */
function property(event: TestEvent, condition: PropertyCondition): boolean {
  const raw = Object.hasOwn(event.properties, condition.property) ? event.properties[condition.property] : undefined;
  if (condition.op === 'is_set') return raw !== undefined && raw !== null;
  if (condition.op === 'is_not_set') return raw === undefined || raw === null;
  const value = condition.value;
  const sample = Array.isArray(value) ? value[0] : value;
  const typed = typeof raw === typeof sample && raw !== null && !Array.isArray(raw) && typeof raw !== 'object' ? (raw as Scalar) : undefined;
  return compareValue(typed, condition.op, value);
}

/** An item of `where`: and/or/not in two-valued logic over the property conditions. */
function whereHolds(event: TestEvent, node: WhereNode): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.every((child) => whereHolds(event, child));
    case 'or':
      return node.children.some((child) => whereHolds(event, child));
    case 'not':
      return !whereHolds(event, node.child);
    case 'property':
      return property(event, node);
  }
}

function countHolds(count: number, op: CountOp, n: number): boolean {
  return { eq: count === n, gt: count > n, gte: count >= n, lt: count < n, lte: count <= n }[op];
}

function event(node: EventNode, profile: TestProfile, context: EvaluationContext): boolean {
  const counted = profile.events.filter((e) => {
    if (e.type !== node.event) return false;
    const t = eventTime(e);
    const window = node.window;
    if (window?.kind === 'within_last') {
      if (!(move(context.asOf, window.duration, -1) <= t && t <= context.asOf.getTime())) return false;
    } else if (window?.kind === 'between') {
      if (!inBetween(t, literal(window.from), literal(window.to))) return false;
    } else if (window?.kind === 'period') {
      if (!inPeriod(t, window.period, context.asOf)) return false;
    }
    return (node.where ?? []).every((item) => whereHolds(e, item));
  });
  if (node.aggregate) return aggregateHolds(node.aggregate, counted);
  const { op, value } = node.count ?? { op: 'gte', value: 1 };
  return countHolds(counted.length, op, value);
}

/** jsonb equality: object keys in one order (jsonb keeps no key order). */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A decimal as an exact integer count of millionths (the generated values have at most two decimals). */
function micros(value: number): bigint {
  return BigInt(Math.round(value * 1_000_000));
}

function compareBig(a: bigint, op: CountOp, b: bigint): boolean {
  return { eq: a === b, gt: a > b, gte: a >= b, lt: a < b, lte: a <= b }[op];
}

/**
 * The aggregate over the matching events, in exact arithmetic as PostgreSQL's numeric: sum and
 * count_distinct are 0 over nothing; avg, min and max have no value then, and the condition is false.
 */
function aggregateHolds(aggregate: EventAggregate, events: readonly TestEvent[]): boolean {
  const values = events.map((e) => (Object.hasOwn(e.properties, aggregate.property) ? e.properties[aggregate.property] : undefined));
  const { op, value } = aggregate;
  if (aggregate.function === 'count_distinct') {
    const distinct = new Set(values.filter((v) => v !== undefined && v !== null).map(canonicalJson));
    return countHolds(distinct.size, op, value);
  }
  const numbers = values.filter((v): v is number => typeof v === 'number').map(micros);
  const sum = numbers.reduce((a, b) => a + b, 0n);
  switch (aggregate.function) {
    case 'sum':
      return compareBig(sum, op, micros(value));
    case 'avg':
      // avg op v  <=>  sum op v * n, for n > 0.
      return numbers.length > 0 && compareBig(sum, op, micros(value) * BigInt(numbers.length));
    case 'min':
    case 'max': {
      if (numbers.length === 0) return false;
      const pick = numbers.reduce((a, b) => ((aggregate.function === 'min' ? b < a : b > a) ? b : a));
      return compareBig(pick, op, micros(value));
    }
    default:
      throw new Error(`unknown aggregate ${String(aggregate.function)}`);
  }
}
