/**
 * fast-check arbitraries for audience ASTs: every operator with a value of its shape, nesting,
 * `not`, events with counts/windows/where, segment and snapshot references, and unusual strings (quotes,
 * backslashes, emoji, lone surrogates, `%`, `_`, keywords used as names).
 */
import fc from 'fast-check';
import {
  AGGREGATE_FUNCTIONS,
  PERIOD_NAMES,
  COUNT_OPS,
  DURATION_UNITS,
  OPERATOR_TABLE,
  type Duration,
  type EventNode,
  type FilterNode,
  type OperatorSpec,
  type PropertyCondition,
  type Value,
  type WhereNode,
} from '../../../src/audience';

const origin = { path: '' };

const awkward = fc.constantFrom('"', '\\', '%', '_', '😀', '\n', '\t', '\u2028', '\ud800', 'é', ' ', '/', "'", '\u0000');
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

/** Any string, biased towards characters that need escaping. */
export const anyString = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: fc.oneof(awkward, codeUnit, fc.constantFrom('a', 'b', 'Z')), maxLength: 8 }),
);

const keyword = fc.constantFrom(
  'not', 'NOT', 'and', 'or', 'Or', 'in', 'did', 'segment', 'snapshot', 'where', 'between', 'true', 'false',
  'is', 'set', 'times', 'days', 'within', 'last', 'more', 'than', 'ago', 'at', 'least', 'exactly',
);

/** Identifiers, dotted names, keywords and arbitrary strings, all usable as names. */
export const anyName = fc.oneof(
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/),
  fc.stringMatching(/^custom\.[a-z0-9_]{1,10}$/),
  keyword,
  anyString,
);

const dateString = fc.oneof(
  fc.constantFrom('2026-01-01', '2026-02-30', '2026-03-31T23:59:59Z', '2026-01-01T10:00+05:30', '0000-99-99T99:99:99.999-99:99'),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
);

const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constant(-0));
const listItem = fc.oneof(anyString, number, dateString);
const scalar = fc.oneof(listItem, fc.boolean());

export const duration: fc.Arbitrary<Duration> = fc.record({
  amount: fc.oneof(fc.nat({ max: 400 }), number),
  unit: fc.constantFrom(...DURATION_UNITS),
});

function valueFor(spec: OperatorSpec): fc.Arbitrary<Value | undefined> {
  switch (spec.valueShape) {
    case 'none':
      return fc.constant(undefined);
    case 'scalar':
    case 'date':
      return scalar;
    case 'list':
      return fc.array(listItem, { minLength: 1, maxLength: 4 });
    case 'range':
      return fc.tuple(listItem, listItem);
    case 'duration':
      return duration;
    case 'period':
      return fc.constantFrom(...PERIOD_NAMES);
  }
}

/** `{op, value?}` for every operator in the table, with a value of the operator's shape. */
export const operation = fc.constantFrom(...OPERATOR_TABLE).chain((spec) =>
  valueFor(spec).map((value) => (value === undefined ? { op: spec.name } : { op: spec.name, value })),
);

const condition: fc.Arbitrary<FilterNode> = fc
  .tuple(anyName, operation)
  .map(([field, op]) => ({ kind: 'condition', field, ...op, origin }));

const property: fc.Arbitrary<PropertyCondition> = fc
  .tuple(anyName, operation)
  .map(([name, op]) => ({ kind: 'property', property: name, ...op, origin }));

/** Items of `where` the text form can express: and/or of two or more, `not`, nested. */
const whereItem: fc.Arbitrary<WhereNode> = fc.letrec<{ node: WhereNode }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 3, depthSize: 'small', withCrossShrink: true },
    property,
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((children): WhereNode => ({ kind: 'and', children, origin })),
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((children): WhereNode => ({ kind: 'or', children, origin })),
    tie('node').map((child): WhereNode => ({ kind: 'not', child, origin })),
  ),
})).node;

const event: fc.Arbitrary<FilterNode> = fc
  .record(
    {
      event: anyName,
      count: fc.record({ op: fc.constantFrom(...COUNT_OPS), value: fc.oneof(fc.nat({ max: 5 }), number) }),
      window: fc.oneof(
        duration.map((d) => ({ kind: 'within_last' as const, duration: d })),
        fc.tuple(fc.oneof(dateString, anyString), fc.oneof(dateString, anyString)).map(([from, to]) => ({ kind: 'between' as const, from, to })),
        fc.constantFrom(...PERIOD_NAMES).map((period) => ({ kind: 'period' as const, period })),
      ),
      where: fc.array(whereItem, { minLength: 1, maxLength: 3 }),
      aggregate: fc.record({ function: fc.constantFrom(...AGGREGATE_FUNCTIONS), property: anyName, op: fc.constantFrom(...COUNT_OPS), value: number }),
    },
    { requiredKeys: ['event'] },
  )
  // The text form has no count beside an aggregate.
  .map(({ count, aggregate, ...parts }): EventNode => ({ kind: 'event', ...parts, ...(aggregate ? { aggregate } : count && { count }), origin }));

const segment: fc.Arbitrary<FilterNode> = anyString.map((id) => ({ kind: 'segment', id, origin }));
const snapshot: fc.Arbitrary<FilterNode> = anyString.map((id) => ({ kind: 'snapshot', id, origin }));

/** Filters the text form can express: and/or with two or more children. */
export const filter: fc.Arbitrary<FilterNode> = fc.letrec<{ node: FilterNode }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 5, depthSize: 'small', withCrossShrink: true },
    fc.oneof(condition, event, segment, snapshot),
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((children): FilterNode => ({ kind: 'and', children, origin })),
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((children): FilterNode => ({ kind: 'or', children, origin })),
    tie('node').map((child): FilterNode => ({ kind: 'not', child, origin })),
  ),
})).node;

/** Any filter, including and/or with a single child (which only the JSON form can express). */
export const anyFilter: fc.Arbitrary<FilterNode> = fc.letrec<{ node: FilterNode }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 5, depthSize: 'small', withCrossShrink: true },
    fc.oneof(condition, event, segment, snapshot),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((children): FilterNode => ({ kind: 'and', children, origin })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((children): FilterNode => ({ kind: 'or', children, origin })),
    tie('node').map((child): FilterNode => ({ kind: 'not', child, origin })),
  ),
})).node;
