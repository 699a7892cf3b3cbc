/**
 * Aggregates over event properties (issue 13 §3): `did purchase … with sum(total) > 500`. The text
 * form's exact ASTs and errors, the JSON form both ways, printer round trips, validation and the
 * catalog warnings. The SQL and its semantics are in tests/audience-sql (golden and differential).
 */
import { decodeJson, encodeJson, eventWarnings, parseText, print, validate, type EventCatalog, type FilterNode, type SegmentLookup } from '../../src/audience';
import { decode, errorsOf, parse } from './support/helpers';
import { testCatalog } from './support/test-catalog';

const none: SegmentLookup = new Map();
const check = (ast: FilterNode) => errorsOf(validate(ast, testCatalog, none));

describe('the text form', () => {
  test('`with` after the window and `where`: function, property, comparison, number', () => {
    expect(parse('did purchase within last 1 year where (category = "shoes") with sum(total) > 500')).toEqual({
      kind: 'event',
      event: 'purchase',
      window: { kind: 'within_last', duration: { amount: 1, unit: 'year' } },
      where: [{ kind: 'property', property: 'category', op: 'eq', value: 'shoes', origin: { line: 1, column: 40 } }],
      aggregate: { function: 'sum', property: 'total', op: 'gt', value: 500 },
      origin: { line: 1, column: 1 },
    });
  });

  test.each([
    ['with avg(total) >= 50', { function: 'avg', property: 'total', op: 'gte', value: 50 }],
    ['with min(total) < -2.5', { function: 'min', property: 'total', op: 'lt', value: -2.5 }],
    ['with max(total) <= 0', { function: 'max', property: 'total', op: 'lte', value: 0 }],
    ['WITH Count Distinct("order id") = 3', { function: 'count_distinct', property: 'order id', op: 'eq', value: 3 }],
  ])('did purchase %s', (text, aggregate) => {
    expect(parse(`did purchase ${text}`)).toMatchObject({ kind: 'event', event: 'purchase', aggregate });
  });

  test.each([
    [
      'did purchase at least 2 times with sum(total) > 5',
      'An event condition takes a count or `with` an aggregate, not both; write two conditions joined by `and`.',
      31,
    ],
    [
      'did not purchase with sum(total) > 5',
      '`with` compares an aggregate of the events, which `did not purchase` does not have; write `not did purchase … with …` for the complement.',
      18,
    ],
    [
      'did purchase with total > 5',
      'Expected an aggregate after `with`, found `total`. Write `sum(…)`, `avg(…)`, `min(…)`, `max(…)` or `count distinct(…)`, as in `with sum(total) > 500`.',
      19,
    ],
    ['did purchase with sum total > 5', 'Expected `(` after `sum`, found `total`. Name the event property in parentheses, as in `sum(total)`.', 23],
    ['did purchase with sum(total) is 5', 'Expected a comparison after `)`, found `is`. Write `=`, `>`, `>=`, `<` or `<=` and a number, as in `sum(total) > 500`.', 30],
    ['did purchase with sum(total) > "5"', 'Expected a number after `>`, found "5".', 32],
  ])('%s', (text, message, column) => {
    expect(errorsOf(parseText(text))).toEqual([{ code: 'SYNTAX_ERROR', message, line: 1, column }]);
  });

  test('the printer writes the text form back, the property quoted when it must be', () => {
    for (const text of [
      'did purchase with sum(total) > 500',
      'did purchase within last 90 days where (total > 0) with count distinct(category) >= 3',
      'did purchase with avg("order total") = 50.5',
      'not did open today with min(score) <= -1',
    ]) {
      expect(print(parse(text))).toBe(text);
    }
  });
});

describe('the JSON form', () => {
  test('decodes and encodes `aggregate` with the text form', () => {
    const json = { event: 'purchase', aggregate: { function: 'count_distinct', property: 'category', op: 'gte', value: 3 } };
    expect(encodeJson(decode(json))).toEqual(json);
    expect(encodeJson(parse('did purchase with count distinct(category) >= 3'))).toEqual(json);
  });

  test('every problem of an aggregate, at its path', () => {
    expect(
      errorsOf(decodeJson({ and: [{ event: 'purchase', aggregate: { function: 'median', property: 7, op: 'ne', extra: 1 } }, { event: 'open', aggregate: [] }] })),
    ).toEqual([
      { code: 'UNKNOWN_KEY', message: expect.stringContaining('`extra`'), path: '/and/0/aggregate/extra' },
      { code: 'UNKNOWN_OPERATOR', message: 'Unknown aggregate function "median"; expected one of `sum`, `avg`, `min`, `max` or `count_distinct`.', path: '/and/0/aggregate/function' },
      { code: 'WRONG_TYPE', message: expect.stringContaining('a property name'), path: '/and/0/aggregate/property' },
      { code: 'UNKNOWN_OPERATOR', message: 'Unknown operator "ne"; expected one of `eq`, `gt`, `gte`, `lt` or `lte`.', path: '/and/0/aggregate/op' },
      { code: 'MISSING_KEY', message: expect.stringContaining('`value`'), path: '/and/0/aggregate' },
      { code: 'WRONG_TYPE', message: expect.stringContaining('an aggregate'), path: '/and/1/aggregate' },
    ]);
  });
});

describe('validation', () => {
  test('a count beside an aggregate, a fractional or negative count distinct, a bad property name', () => {
    const filter = decode({
      and: [
        { event: 'purchase', count: { op: 'gte', value: 2 }, aggregate: { function: 'sum', property: 'total', op: 'gt', value: 5 } },
        { event: 'purchase', aggregate: { function: 'count_distinct', property: 'category', op: 'gte', value: 2.5 } },
        { event: 'purchase', aggregate: { function: 'count_distinct', property: 'category', op: 'gte', value: -1 } },
        { event: 'purchase', aggregate: { function: 'max', property: 'order-id', op: 'gt', value: 5 } },
      ],
    });
    expect(check(filter)).toEqual([
      {
        code: 'INVALID_VALUE',
        message: 'An event condition takes a `count` or an `aggregate`, not both; join two event conditions with `and`.',
        path: '/and/0/aggregate',
      },
      { code: 'INVALID_VALUE', message: '`count_distinct` is compared with a whole number of at least 0, got 2.5.', path: '/and/1/aggregate/value' },
      { code: 'INVALID_VALUE', message: '`count_distinct` is compared with a whole number of at least 0, got -1.', path: '/and/2/aggregate/value' },
      { code: 'INVALID_PROPERTY', message: expect.stringContaining('"order-id"'), path: '/and/3/aggregate/property' },
    ]);
  });

  test('sum, avg, min and max take any finite number, negative and fractional included', () => {
    expect(validate(parse('did purchase with sum(total) > -0.5 and did purchase with avg(total) = 50.25'), testCatalog, none).ok).toBe(true);
  });
});

describe('warnings', () => {
  const catalog: EventCatalog = {
    types: () => ['purchase'],
    properties: (type) => (type === 'purchase' ? new Map([['total', ['number']], ['category', ['string']]]) : undefined),
  };
  const warn = (text: string) => eventWarnings(parse(text), catalog).map((w) => w.toJSON());

  test('an aggregate over a property never seen, with did you mean', () => {
    expect(warn('did purchase with sum(totl) > 5')).toEqual([
      {
        code: 'UNSEEN_EVENT_PROPERTY',
        message: 'No `purchase` event has had a property `totl`, so this condition treats it as missing on every event. Did you mean `total`?',
        line: 1,
        column: 1,
      },
    ]);
  });

  test('sum, avg, min or max over a property that has never held a number; count distinct of it is fine', () => {
    expect(warn('did purchase with sum(category) > 5 or did purchase with max(category) > 5 or did purchase with count distinct(category) > 1')).toEqual([
      {
        code: 'UNSEEN_PROPERTY_TYPE',
        message: 'Property `category` of `purchase` events has held `string` values, never a number: `sum` reads only numbers, so it is 0 for every profile.',
        line: 1,
        column: 1,
      },
      {
        code: 'UNSEEN_PROPERTY_TYPE',
        message: 'Property `category` of `purchase` events has held `string` values, never a number: `max` reads only numbers, so it has no value for every profile.',
        line: 1,
        column: 40,
      },
    ]);
  });

  test('in the JSON form the warning points into `aggregate`', () => {
    const filter = decode({ event: 'purchase', aggregate: { function: 'avg', property: 'category', op: 'gt', value: 1 } });
    expect(eventWarnings(filter, catalog).map((w) => w.toJSON())).toEqual([{ code: 'UNSEEN_PROPERTY_TYPE', message: expect.stringContaining('`avg`'), path: '/aggregate/property' }]);
  });
});
