/**
 * fast-check generators for the differential test: valid filters over the test catalog (every
 * operator, nesting, `not`, events with counts, windows and `where`), and profile sets full of
 * missing values, awkward strings and instants on the edges of the filters' bounds.
 */
import fc from 'fast-check';
import {
  COUNT_OPS,
  PERIOD_NAMES,
  operatorsFor,
  parseDateLiteral,
  type AggregateFunction,
  type Duration,
  type EventAggregate,
  type EventNode,
  type FilterNode,
  type OperatorName,
  type PropertyCondition,
  type Value,
  type WhereNode,
} from '../../../src/audience';
import { EMAIL_STATUSES, SMS_STATUSES, SQL_TEST_FIELDS } from './catalog';
import type { ColumnValue, TestEvent, TestProfile } from './profiles';

const origin = { path: '' };
const DAY = 86_400_000;

/** Instants where month arithmetic, leap days and day boundaries bite. */
export const AS_OF_POOL = [
  '2026-11-28T12:00:00.000Z',
  '2026-03-31T12:00:00.000Z',
  '2024-02-29T00:00:00.000Z',
  '2026-12-31T23:59:59.999Z',
  '2027-02-27T10:00:00.000Z',
  '2028-02-28T06:30:00.000Z',
  '2026-01-31T00:00:00.000Z',
  '2026-05-31T23:00:00.000Z',
].map((iso) => new Date(iso));

/** asOf moved by whole calendar months, day clamped (only to place data near the bounds). */
function monthsFrom(asOf: Date, months: number): number {
  const target = new Date(Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth() + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(asOf.getUTCDate(), last)) + (asOf.getTime() % DAY);
}

/** Instants near asOf: on and around every bound a filter can compute from it. */
function instantPool(asOf: Date): number[] {
  const t = asOf.getTime();
  const midnight = t - (t % DAY);
  const anchors = [
    t,
    midnight,
    midnight + DAY,
    midnight - DAY,
    midnight - 2 * DAY,
    midnight + 2 * DAY,
    ...[1, 2, 3, 7, 30].flatMap((days) => [t - days * DAY, t + days * DAY]),
    ...[1, 2, 12, 24].flatMap((months) => [monthsFrom(asOf, -months), monthsFrom(asOf, months)]),
    t - 3_600_000,
    t + 3_600_000,
    t - 90 * 60_000,
    t - 400 * DAY,
    // `this month`: the first instants of asOf's UTC month and of the next.
    Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth(), 1),
    Date.UTC(asOf.getUTCFullYear(), asOf.getUTCMonth() + 1, 1),
  ];
  return anchors.flatMap((anchor) => [anchor, anchor - 1, anchor + 1]);
}

const utcDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The first instant a date literal denotes (for ordering `between` bounds). */
function literalStart(text: string): number {
  return parseDateLiteral(text)!.startMs;
}

/** A date-time literal of an instant, in UTC or with an offset. */
function dateTimeLiteral(ms: number, offsetMinutes: number): string {
  if (offsetMinutes === 0) return new Date(ms).toISOString();
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

// ---- strings ----

/** Pieces of stored strings and filter values: case pairs, wildcard characters, quotes, emoji. */
export const ATOMS = [
  'Ann', 'ann', 'ANN', 'Émile', 'émile', 'ÉMILE', 'ß', 'SS', 'Straße', 'STRASSE', 'ø', 'Ø', 'İstanbul', 'istanbul',
  'ΣΑΣ', 'σας', "O'Brien", '"q"', '50%', '500', '5_0', '550', 'a_b', 'axb', 'a\\b', '\\', '%', '_', '😀', 'x', 'é', ' ',
  "'; drop table profile; --", '$1',
];

const atom = fc.constantFrom(...ATOMS);

/** A stored string: trimmed and non-empty (an empty string is stored as missing). */
const storedString: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.array(atom, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('').trim() || undefined) },
  { weight: 1, arbitrary: atom.map((a) => `${'L'.repeat(2000)}${a}`.trim()) },
  { weight: 2, arbitrary: fc.constant(undefined) },
);

const literalString = fc.oneof({ weight: 4, arbitrary: atom }, { weight: 2, arbitrary: fc.array(atom, { minLength: 2, maxLength: 2 }).map((p) => p.join('')) });

// ---- numbers ----

const SCORE_POOL = [-1.5, 0, 1, 2.5, 10, 50, 50.5, 75, 100, 1e6];
const smallintLiteral = fc.constantFrom(0, 1, 2, 5, 12, 15, 28, 29, 31, 50, 99, 100, -1, 2.5, 3e9);
const scoreLiteral = fc.constantFrom(...SCORE_POOL, 49.99, -0);

function sortedPair<T extends string | number>(arb: fc.Arbitrary<T>, compare: (a: T, b: T) => number): fc.Arbitrary<readonly [T, T]> {
  return fc.tuple(arb, arb).map(([a, b]): readonly [T, T] => (compare(a, b) <= 0 ? [a, b] : [b, a]));
}

const byNumber = (a: number, b: number): number => a - b;
const byCodePoint = (a: string, b: string): number => {
  const [x, y] = [Array.from(a, (c) => c.codePointAt(0)!), Array.from(b, (c) => c.codePointAt(0)!)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
};

// ---- dates and durations ----

function dateLiteral(asOf: Date): fc.Arbitrary<string> {
  const pool = instantPool(asOf);
  return fc.oneof(
    fc.constantFrom(...pool).map(utcDate),
    fc.tuple(fc.constantFrom(...pool), fc.constantFrom(0, 0, 330, -300)).map(([ms, offset]) => dateTimeLiteral(ms, offset)),
  );
}

function dateRange(asOf: Date): fc.Arbitrary<readonly [string, string]> {
  const pool = instantPool(asOf);
  return fc
    .tuple(fc.constantFrom(...pool), fc.constantFrom(...pool), fc.boolean(), fc.boolean())
    .map(([a, b, aDate, bDate]) => {
      const [low, high] = a <= b ? [a, b] : [b, a];
      return [aDate ? utcDate(low) : new Date(low).toISOString(), bDate ? utcDate(high) : new Date(high).toISOString()] as const;
    });
}

const duration: fc.Arbitrary<Duration> = fc.oneof(
  fc.record({ amount: fc.constantFrom(1, 2, 3, 7, 30), unit: fc.constant('day' as const) }),
  { weight: 3, arbitrary: fc.record({ amount: fc.constantFrom(1, 2, 12), unit: fc.constant('month' as const) }) },
  fc.record({ amount: fc.constantFrom(1, 2), unit: fc.constant('year' as const) }),
  fc.record({ amount: fc.constantFrom(1, 2), unit: fc.constant('week' as const) }),
  fc.record({ amount: fc.constantFrom(1, 24, 25), unit: fc.constant('hour' as const) }),
  fc.record({ amount: fc.constantFrom(1, 90), unit: fc.constant('minute' as const) }),
);

// ---- filters ----

/** Values that occur in a data set, so that filters hit them (and their edges) often. */
export interface DataPools {
  readonly strings: ReadonlyMap<string, readonly string[]>;
  readonly numbers: ReadonlyMap<string, readonly number[]>;
  readonly instants: readonly number[];
  readonly emails: readonly string[];
  readonly properties: ReadonlyMap<string, readonly unknown[]>;
  /** Snapshot ids a filter may refer to (`in snapshot`); none unless the scenario has snapshots. */
  readonly snapshots?: readonly string[];
}

export function dataPools(profiles: readonly TestProfile[]): DataPools {
  const strings = new Map<string, string[]>();
  const numbers = new Map<string, number[]>();
  const properties = new Map<string, unknown[]>();
  const add = <T>(map: Map<string, T[]>, key: string, value: T): void => {
    map.set(key, [...(map.get(key) ?? []), value]);
  };
  const instants: number[] = [];
  for (const profile of profiles) {
    for (const [column, value] of Object.entries(profile.columns)) {
      if (typeof value === 'string') add(strings, column, value);
      if (typeof value === 'number') add(numbers, column, value);
      if (value instanceof Date) instants.push(value.getTime());
    }
    for (const [key, value] of Object.entries(profile.custom)) {
      if (typeof value === 'string') add(strings, `custom.${key}`, value);
      if (typeof value === 'number') add(numbers, `custom.${key}`, value);
      if (key === 'signup_date' && typeof value === 'string') instants.push(Date.parse(value));
    }
    for (const event of profile.events) {
      instants.push(event.created.getTime());
      if (event.createdOverride) instants.push(event.createdOverride.getTime());
      for (const [name, value] of Object.entries(event.properties)) add(properties, name, value);
    }
  }
  const emails = profiles.flatMap((p) => (p.email === undefined ? [] : [p.email]));
  return { strings, numbers, instants, emails, properties };
}

/** Mostly a value from the data (when there is one), sometimes the fallback. */
function fromData<T>(values: readonly T[] | undefined, fallback: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return values && values.length > 0 ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: fallback }) : fallback;
}

/**
 * A piece of a stored string for contains / starts_with / ends_with: as stored, upper-cased, or
 * with one character replaced by `_` or `%` (which must match only themselves).
 */
function pieceOf(values: readonly string[] | undefined): fc.Arbitrary<string> {
  if (!values || values.length === 0) return literalString;
  const piece = fc.tuple(fc.constantFrom(...values), fc.nat(), fc.nat(), fc.constantFrom('same', 'upper', '_', '%')).map(([value, a, b, how]) => {
    const chars = Array.from(value);
    const [from, to] = [a % (chars.length + 1), b % (chars.length + 1)].sort((x, y) => x - y);
    const slice = chars.slice(from, Math.max(to, from + 1));
    if (how === 'upper') return slice.join('').toUpperCase();
    if (how === '_' || how === '%') slice[b % slice.length] = how;
    return slice.join('');
  });
  return fc.oneof({ weight: 3, arbitrary: piece }, { weight: 1, arbitrary: literalString });
}

type ValueKind = 'string' | 'email' | 'smallint' | 'score' | 'boolean' | 'datetime' | 'email_status' | 'sms_status';

function emailLiteral(): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom('Ann', 'ann', 'ÉMILE', "o'brien", 'x_50%'), fc.integer({ min: 1, max: 30 }), fc.constantFrom('Example.COM', 'ex.org'), fc.boolean())
    .map(([local, id, domain, padded]) => {
      const address = `${local}+${id}@${domain}`;
      return padded ? ` ${address.toUpperCase()} ` : address;
    });
}

interface LiteralSource {
  readonly asOf: Date;
  readonly pools: DataPools;
  readonly field: string;
}

function emailFromData(pools: DataPools): fc.Arbitrary<string> {
  const transformed = pools.emails.length
    ? fc.tuple(fc.constantFrom(...pools.emails), fc.constantFrom('same', 'upper', 'padded')).map(([email, how]) =>
        how === 'upper' ? email.toUpperCase() : how === 'padded' ? `  ${email.trim()}\t` : email,
      )
    : emailLiteral();
  return fc.oneof({ weight: 3, arbitrary: transformed }, { weight: 1, arbitrary: emailLiteral() }, { weight: 1, arbitrary: literalString });
}

function instantLiteral(asOf: Date, pools: DataPools): fc.Arbitrary<string> {
  const fromPool = pools.instants.length
    ? fc.tuple(fc.constantFrom(...pools.instants), fc.constantFrom('date', 'exact', 'offset')).map(([ms, how]) =>
        how === 'date' ? utcDate(ms) : how === 'exact' ? new Date(ms).toISOString() : dateTimeLiteral(ms, -300),
      )
    : dateLiteral(asOf);
  return fc.oneof(fromPool, dateLiteral(asOf));
}

function scalarFor(kind: ValueKind, source: LiteralSource): fc.Arbitrary<string | number | boolean> {
  const { asOf, pools, field } = source;
  switch (kind) {
    case 'string':
      return fromData(pools.strings.get(field), literalString);
    case 'email':
      return emailFromData(pools);
    case 'smallint':
      return fromData(pools.numbers.get(field), smallintLiteral);
    case 'score':
      return fromData(pools.numbers.get(field), scoreLiteral);
    case 'boolean':
      return fc.boolean();
    case 'email_status':
      return fc.constantFrom(...EMAIL_STATUSES);
    case 'sms_status':
      return fc.constantFrom(...SMS_STATUSES);
    case 'datetime':
      return instantLiteral(asOf, pools);
  }
}

function valueFor(kind: ValueKind, op: OperatorName, source: LiteralSource): fc.Arbitrary<Value | undefined> {
  const { asOf, pools, field } = source;
  switch (op) {
    case 'is_set':
    case 'is_not_set':
      return fc.constant(undefined);
    case 'in':
    case 'not_in':
      return fc.array(scalarFor(kind, source), { minLength: 1, maxLength: 3 }) as fc.Arbitrary<Value>;
    case 'between':
      if (kind === 'datetime') return fc.oneof(dateRange(asOf), sortedPair(instantLiteral(asOf, pools), (a, b) => literalStart(a) - literalStart(b)));
      return sortedPair(scalarFor(kind, source) as fc.Arbitrary<number>, byNumber);
    case 'within_last':
    case 'before_last':
    case 'within_next':
      return duration;
    case 'in_period':
      return fc.constantFrom(...PERIOD_NAMES);
    case 'contains':
    case 'not_contains':
    case 'starts_with':
    case 'ends_with':
      return kind === 'email' ? fc.oneof(pieceOf(pools.emails), fc.constantFrom('EXAMPLE', '+1', '@ex.org', 'ann+')) : pieceOf(pools.strings.get(field));
    default:
      return scalarFor(kind, source);
  }
}

const KIND_OF_FIELD: Readonly<Record<string, ValueKind>> = {
  first_name: 'string',
  last_name: 'string',
  'custom.tier': 'string',
  'custom.city': 'string',
  email: 'email',
  birthday_day: 'smallint',
  birthday_month: 'smallint',
  email_hash_number: 'smallint',
  'custom.score': 'score',
  has_email_delivered: 'boolean',
  has_received_email: 'boolean',
  'custom.vip': 'boolean',
  email_status: 'email_status',
  sms_status: 'sms_status',
};

function fieldCondition(asOf: Date, pools: DataPools): fc.Arbitrary<FilterNode> {
  const fields = SQL_TEST_FIELDS.map((def) => ({ def, kind: def.type === 'datetime' ? ('datetime' as const) : KIND_OF_FIELD[def.name] }));
  // Each way of storing a value gets the same share, however many fields use it.
  const groups = new Map<string, typeof fields>();
  for (const field of fields) {
    const storage = field.def.storage;
    const group = storage.kind === 'column' || storage.kind === 'custom' ? `${storage.kind}:${field.def.type}` : storage.kind;
    groups.set(group, [...(groups.get(group) ?? []), field]);
  }
  return fc.constantFrom(...groups.values()).chain((group) => fc.constantFrom(...group)).chain(({ def, kind }) => {
    const source = { asOf, pools, field: def.name };
    if (def.type === 'birthday') {
      return fc
        .constantFrom(0, 1, 2, 5, 30, 59, 60, 364, 364, 365, 366)
        .map((amount): FilterNode => ({ kind: 'condition', field: def.name, op: 'within_next', value: { amount, unit: 'day' }, origin }));
    }
    return fc
      .constantFrom(...operatorsFor(def.type))
      .chain((op) => valueFor(kind, op, source).map((value): FilterNode => ({ kind: 'condition', field: def.name, op, ...(value !== undefined && { value }), origin })));
  });
}

const PROPERTY_NAMES = ['total', 'category', 'flag', 'note'] as const;

function propertyValue(op: OperatorName, seen: readonly unknown[]): fc.Arbitrary<Value | undefined> {
  const number = fromData(seen.filter((v): v is number => typeof v === 'number'), fc.constantFrom(0, 50, 50.5, 75, 100, -1));
  const string = fromData(seen.filter((v): v is string => typeof v === 'string'), fc.oneof(fc.constantFrom('shoes', 'Shoes', '75', 'true', 'm'), atom));
  switch (op) {
    case 'is_set':
    case 'is_not_set':
      return fc.constant(undefined);
    case 'eq':
    case 'neq':
      return fc.oneof(number, string, fc.boolean());
    case 'in':
    case 'not_in':
      return fc.oneof(fc.array(number, { minLength: 1, maxLength: 3 }), fc.array(string, { minLength: 1, maxLength: 3 }));
    case 'between':
      return fc.oneof(sortedPair(number, byNumber), sortedPair(string, byCodePoint));
    case 'contains':
    case 'not_contains':
    case 'starts_with':
    case 'ends_with':
      return string;
    default:
      return fc.oneof(number, string);
  }
}

function propertyCondition(pools: DataPools): fc.Arbitrary<PropertyCondition> {
  return fc
  .tuple(fc.constantFrom(...PROPERTY_NAMES), fc.constantFrom(...operatorsFor('event_property')))
  .chain(([property, op]) => propertyValue(op, pools.properties.get(property) ?? []).map((value): PropertyCondition => ({ kind: 'property', property, op, ...(value !== undefined && { value }), origin })));
}

/** Items of `where`: property conditions, and and/or of two and `not`, a couple of levels deep. */
function whereItem(pools: DataPools): fc.Arbitrary<WhereNode> {
  return fc.letrec<{ node: WhereNode }>((tie) => ({
    node: fc.oneof(
      { maxDepth: 2, depthSize: 'small' },
      { weight: 4, arbitrary: propertyCondition(pools) },
      { weight: 1, arbitrary: fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((children): WhereNode => ({ kind: 'or', children, origin })) },
      { weight: 1, arbitrary: fc.array(tie('node'), { minLength: 2, maxLength: 2 }).map((children): WhereNode => ({ kind: 'and', children, origin })) },
      { weight: 1, arbitrary: tie('node').map((child): WhereNode => ({ kind: 'not', child, origin })) },
    ),
  })).node;
}

function eventCondition(asOf: Date, pools: DataPools): fc.Arbitrary<FilterNode> {
  const count = fc
    .tuple(fc.constantFrom(...COUNT_OPS), fc.integer({ min: 0, max: 3 }))
    .map(([op, value]) => ({ op, value: op === 'lt' && value === 0 ? 1 : value }));
  const window = fc.oneof(
    duration.map((d) => ({ kind: 'within_last' as const, duration: d })),
    dateRange(asOf).map(([from, to]) => ({ kind: 'between' as const, from, to })),
    fc.constantFrom(...PERIOD_NAMES).map((period) => ({ kind: 'period' as const, period })),
  );
  return fc
    .record(
      {
        event: fc.constantFrom('purchase', 'open', 'click'),
        count,
        window,
        where: fc.array(whereItem(pools), { minLength: 1, maxLength: 2 }),
        aggregate: aggregateArbitrary(),
      },
      { requiredKeys: ['event'] },
    )
    // An aggregate takes no count beside it.
    .map(({ count: counted, aggregate, ...parts }): EventNode => ({ kind: 'event', ...parts, ...(aggregate ? { aggregate } : counted && { count: counted }), origin }));
}

/** Aggregates over the generated properties, compared with values on the edges of the data. */
function aggregateArbitrary(): fc.Arbitrary<EventAggregate> {
  return fc.oneof(
  fc.record({
    function: fc.constantFrom<AggregateFunction>('sum', 'avg', 'min', 'max'),
    property: fc.constantFrom('total', 'category'),
    op: fc.constantFrom(...COUNT_OPS),
    value: fc.constantFrom(0, 50, 50.5, 75, 100, 125, -1, 150.5),
  }),
  fc.record({
    function: fc.constant<AggregateFunction>('count_distinct'),
    property: fc.constantFrom(...PROPERTY_NAMES),
    op: fc.constantFrom(...COUNT_OPS),
    value: fc.integer({ min: 0, max: 3 }),
  }).map((a) => (a.op === 'lt' && a.value === 0 ? { ...a, value: 1 } : a)),
  );
}

/** Valid filters: leaves, and/or of two or three, `not`, nested a few levels. */
export function filterArbitrary(asOf: Date, pools: DataPools): fc.Arbitrary<FilterNode> {
  const snapshots = pools.snapshots ?? [];
  const leaf = fc.oneof(
    { weight: 3, arbitrary: fieldCondition(asOf, pools) },
    { weight: 2, arbitrary: eventCondition(asOf, pools) },
    ...(snapshots.length ? [{ weight: 1, arbitrary: fc.constantFrom(...snapshots).map((id): FilterNode => ({ kind: 'snapshot', id, origin })) }] : []),
  );
  return fc.letrec<{ node: FilterNode }>((tie) => ({
    node: fc.oneof(
      { maxDepth: 3, depthSize: 'small', withCrossShrink: true },
      { weight: 3, arbitrary: leaf },
      { weight: 1, arbitrary: fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((children): FilterNode => ({ kind: 'and', children, origin })) },
      { weight: 1, arbitrary: fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((children): FilterNode => ({ kind: 'or', children, origin })) },
      { weight: 1, arbitrary: tie('node').map((child): FilterNode => ({ kind: 'not', child, origin })) },
    ),
  })).node;
}

// ---- profiles ----

function maybe<T>(arb: fc.Arbitrary<T>, weight = 2): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(undefined) });
}

const PROPERTY_VALUES: Readonly<Record<(typeof PROPERTY_NAMES)[number], readonly unknown[]>> = {
  total: [75, '75', 50, 50.5, 0, -1, 100, null, true, [75], { v: 75 }],
  category: ['shoes', 'Shoes', 'SHOES', '50%', 'a_b', '😀', 'M', 3, null],
  flag: [true, false, 'true', 1, null],
  note: ATOMS,
};

const properties: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    Object.fromEntries(PROPERTY_NAMES.map((name) => [name, fc.constantFrom(...PROPERTY_VALUES[name])])) as Record<string, fc.Arbitrary<unknown>>,
    { requiredKeys: [] },
  );

function eventArbitrary(asOf: Date): fc.Arbitrary<TestEvent> {
  const instant = fc.constantFrom(...instantPool(asOf)).map((ms) => new Date(ms));
  return fc
    .record({ type: fc.constantFrom('purchase', 'purchase', 'open', 'click'), created: instant, createdOverride: maybe(instant, 1), properties })
    .map(({ createdOverride, ...rest }) => ({ ...rest, ...(createdOverride && { createdOverride }) }));
}

/** Birthdays on the edges of `within next N days` windows, and leap days. */
function birthdayArbitrary(asOf: Date): fc.Arbitrary<readonly [number, number]> {
  const start = asOf.getTime() - (asOf.getTime() % DAY);
  const nearAsOf = [-1, 0, 1, 2, 3, 5, 6, 30, 31, 59, 60, 61, 364, 365].map((days) => {
    const date = new Date(start + days * DAY);
    return [date.getUTCMonth() + 1, date.getUTCDate()] as const;
  });
  return fc.oneof(
    fc.constantFrom(...nearAsOf),
    fc.constantFrom([2, 29] as const, [2, 28] as const, [3, 1] as const, [12, 31] as const, [1, 1] as const),
    fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 })),
  );
}

function profileArbitrary(id: number, asOf: Date): fc.Arbitrary<TestProfile> {
  const instant = maybe(fc.constantFrom(...instantPool(asOf)).map((ms) => new Date(ms)));
  const canonical = fc.constantFrom(...instantPool(asOf)).map((ms) => new Date(ms).toISOString());
  return fc
    .record({
      email: maybe(
        fc.tuple(fc.constantFrom('Ann', 'ann', 'ÉMILE', "o'brien", 'x_50%'), fc.constantFrom('Example.COM', 'ex.org'), fc.boolean()).map(([local, domain, padded]) => {
          const address = `${local}+${id}@${domain}`;
          return padded ? ` ${address} ` : address;
        }),
      ),
      emailStatus: fc.constantFrom(...EMAIL_STATUSES),
      hash: fc.integer({ min: 0, max: 99 }),
      firstIdentified: fc.constantFrom(...instantPool(asOf)).map((ms) => new Date(ms)),
      firstName: storedString,
      lastName: storedString,
      birthday: fc.tuple(maybe(birthdayArbitrary(asOf), 3), fc.constantFrom('both', 'both', 'both', 'month', 'day')),
      delivered: fc.boolean(),
      received: fc.boolean(),
      lastEmailSent: instant,
      lastEmailScheduled: instant,
      halted: instant,
      lastPurchase: instant,
      custom: fc.record(
        {
          tier: storedString.filter((s) => s !== undefined),
          city: storedString.filter((s) => s !== undefined),
          score: fc.constantFrom(...SCORE_POOL),
          vip: fc.boolean(),
          signup_date: canonical,
        },
        { requiredKeys: [] },
      ),
      phones: fc.array(fc.constantFrom(...SMS_STATUSES), { maxLength: 2 }),
      events: fc.array(eventArbitrary(asOf), { maxLength: 4 }),
    })
    .map((r): TestProfile => {
      const columns: Partial<Record<string, ColumnValue>> = {
        first_name: r.firstName,
        last_name: r.lastName,
        has_email_delivered: r.delivered,
        has_received_email: r.received,
        last_email_sent: r.lastEmailSent,
        last_email_scheduled: r.lastEmailScheduled,
        has_control_group_halted_email: r.halted,
        last_purchase_date: r.lastPurchase,
      };
      if (r.email !== undefined) Object.assign(columns, { email_status: r.emailStatus, email_hash_number: r.hash, first_identified_date: r.firstIdentified });
      const [pair, which] = r.birthday;
      if (pair && which !== 'day') columns.birthday_month = pair[0];
      if (pair && which !== 'month') columns.birthday_day = pair[1];
      const defined = Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
      return {
        id,
        ...(r.email !== undefined && { email: r.email }),
        columns: defined,
        custom: r.custom,
        phones: r.phones.map((smsStatus, j) => ({ phone: `+1555${String(id).padStart(4, '0')}${j}00`, smsStatus })),
        events: r.events,
      };
    });
}

/** `count` profiles with ids 1..count. */
export function profilesArbitrary(asOf: Date, count: number): fc.Arbitrary<TestProfile[]> {
  return fc.tuple(...Array.from({ length: count }, (_, i) => profileArbitrary(i + 1, asOf)));
}

export interface Scenario {
  readonly asOf: Date;
  readonly profiles: readonly TestProfile[];
  readonly filters: readonly FilterNode[];
  /** Frozen member sets by snapshot id (empty unless asked for): what `in snapshot` matches. */
  readonly snapshots: ReadonlyMap<string, readonly number[]>;
}

/** Two snapshots of random members (one may be empty), as `snapshot id → profile ids`. */
function snapshotsArbitrary(profiles: readonly TestProfile[]): fc.Arbitrary<Map<string, number[]>> {
  const ids = profiles.map((p) => p.id);
  return fc.tuple(fc.subarray(ids), fc.subarray(ids, { maxLength: Math.ceil(ids.length / 4) })).map(([a, b]) => new Map([['snap_a', a], ['snap_b', b]]));
}

/** `withSnapshots`: the scenario has snapshots and its filters use `in snapshot` among the leaves. */
export function scenarioArbitrary(profileCount: number, filterCount: number, options: { withSnapshots?: boolean } = {}): fc.Arbitrary<Scenario> {
  return fc.constantFrom(...AS_OF_POOL).chain((asOf) =>
    profilesArbitrary(asOf, profileCount).chain((profiles) =>
      (options.withSnapshots ? snapshotsArbitrary(profiles) : fc.constant(new Map<string, number[]>())).chain((snapshots) =>
        fc
          .array(filterArbitrary(asOf, { ...dataPools(profiles), snapshots: [...snapshots.keys()] }), { minLength: filterCount, maxLength: filterCount })
          .map((filters) => ({ asOf, profiles, filters, snapshots })),
      ),
    ),
  );
}
