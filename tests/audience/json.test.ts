/**
 * The JSON form: decoder errors with exact JSON-pointer paths, and decode/encode round trips.
 */
import fc from 'fast-check';
import {
  MAX_CONDITIONS,
  MAX_DEPTH,
  MAX_ERRORS,
  decodeEnvelope,
  decodeJson,
  encodeEnvelope,
  encodeJson,
  type FilterNode,
} from '../../src/audience';
import { anyFilter } from './support/arbitraries';
import { decode, errorsOf, parse, unwrap, withoutOrigins } from './support/helpers';

describe('decoding', () => {
  test('nodes remember their JSON pointer', () => {
    expect(
      unwrap(
        decodeEnvelope({
          version: 1,
          filter: {
            or: [
              { not: { segment: 'seg_vip' } },
              { event: 'purchase', where: [{ property: 'total', op: 'gt', value: 50 }] },
              { field: 'email', op: 'is_set' },
            ],
          },
        }),
      ),
    ).toEqual({
      kind: 'or',
      origin: { path: '/filter' },
      children: [
        { kind: 'not', origin: { path: '/filter/or/0' }, child: { kind: 'segment', id: 'seg_vip', origin: { path: '/filter/or/0/not' } } },
        {
          kind: 'event',
          event: 'purchase',
          where: [{ kind: 'property', property: 'total', op: 'gt', value: 50, origin: { path: '/filter/or/1/where/0' } }],
          origin: { path: '/filter/or/1' },
        },
        { kind: 'condition', field: 'email', op: 'is_set', origin: { path: '/filter/or/2' } },
      ],
    });
  });

  test('and/or/not inside where remember their JSON pointers', () => {
    expect(decode({ event: 'x', where: [{ property: 'a', op: 'is_set' }, { not: { or: [{ property: 'b', op: 'eq', value: 1 }, { property: 'c', op: 'is_not_set' }] } }] })).toEqual({
      kind: 'event',
      event: 'x',
      where: [
        { kind: 'property', property: 'a', op: 'is_set', origin: { path: '/where/0' } },
        {
          kind: 'not',
          origin: { path: '/where/1' },
          child: {
            kind: 'or',
            origin: { path: '/where/1/not' },
            children: [
              { kind: 'property', property: 'b', op: 'eq', value: 1, origin: { path: '/where/1/not/or/0' } },
              { kind: 'property', property: 'c', op: 'is_not_set', origin: { path: '/where/1/not/or/1' } },
            ],
          },
        },
      ],
      origin: { path: '' },
    });
  });

  test('decoding the JSON of a parsed text gives the same AST, origins aside', () => {
    const ast = parse('did purchase at least 2 times within last 90 days where (total > 50) and not custom.tier in ("a", 2)');
    expect(withoutOrigins(decode(encodeJson(ast)))).toEqual(withoutOrigins(ast));
  });

  test('encodeEnvelope wraps the filter with the version', () => {
    expect(encodeEnvelope(parse('in segment "s"'))).toEqual({ version: 1, filter: { segment: 's' } });
  });
});

describe('envelope errors', () => {
  test.each<[string, unknown, object[]]>([
    ['not an object', [], [{ code: 'WRONG_TYPE', message: 'Expected an envelope {"version": 1, "filter": ...}, found an array.', path: '' }]],
    [
      'unsupported version',
      { version: 2, filter: {} },
      [{ code: 'UNSUPPORTED_VERSION', message: 'Unsupported filter version 2; the supported version is 1.', path: '/version' }],
    ],
    [
      'version as a string',
      { version: '1', filter: { segment: 's' } },
      [{ code: 'UNSUPPORTED_VERSION', message: 'Unsupported filter version "1"; the supported version is 1.', path: '/version' }],
    ],
    [
      'missing keys and an unknown key',
      { filter_v2: {} },
      [
        { code: 'UNKNOWN_KEY', message: 'Unknown key `filter_v2` in the envelope; allowed keys are `version` and `filter`.', path: '/filter_v2' },
        { code: 'MISSING_KEY', message: 'Missing key `version` in the envelope.', path: '' },
        { code: 'MISSING_KEY', message: 'Missing key `filter` in the envelope.', path: '' },
      ],
    ],
    [
      'an error inside the filter points into the envelope',
      { version: 1, filter: { and: [{ segment: 's' }, { sgement: 't' }] } },
      [
        {
          code: 'UNKNOWN_NODE',
          message: 'Expected a filter: an object with one of the keys `and`, `or`, `not`, `field`, `event`, `segment` or `snapshot`; found an object with keys `sgement`.',
          path: '/filter/and/1',
        },
      ],
    ],
  ])('%s', (_name, json, errors) => {
    expect(errorsOf(decodeEnvelope(json))).toEqual(errors);
  });
});

describe('filter errors, every one collected, each with its JSON pointer', () => {
  test.each<[string, unknown, object[]]>([
    [
      'an empty object',
      {},
      [{ code: 'UNKNOWN_NODE', message: 'Expected a filter: an object with one of the keys `and`, `or`, `not`, `field`, `event`, `segment` or `snapshot`; found an empty object.', path: '' }],
    ],
    ['null', null, [{ code: 'WRONG_TYPE', message: 'Expected a filter object, found null.', path: '' }]],
    ['an empty and', { and: [] }, [{ code: 'EMPTY_LIST', message: '`and` needs at least one filter.', path: '/and' }]],
    ['an or that is not a list', { or: { segment: 's' } }, [{ code: 'WRONG_TYPE', message: 'Expected a list of filters, found an object.', path: '/or' }]],
    [
      'two node keys and an unknown key in a child',
      { and: [{ field: 'x', op: 'eq', value: 1, extra: true }], or: [] },
      [
        { code: 'UNKNOWN_KEY', message: 'Unknown key `or` in an `and` filter; allowed keys are `and`.', path: '/or' },
        {
          code: 'UNKNOWN_KEY',
          message: 'Unknown key `extra` in a field condition; allowed keys are `field`, `op` and `value`.',
          path: '/and/0/extra',
        },
      ],
    ],
    [
      'wrong types in a condition',
      { not: { field: 1, op: 'equals', value: null } },
      [
        { code: 'WRONG_TYPE', message: 'Expected a field name (a string), found the number 1.', path: '/not/field' },
        {
          code: 'UNKNOWN_OPERATOR',
          message:
            'Unknown operator "equals"; expected one of `eq`, `neq`, `lt`, `lte`, `gt`, `gte`, `between`, `in`, `not_in`, `contains`, `not_contains`, `starts_with`, `ends_with`, `is_set`, `is_not_set`, `before`, `after`, `on`, `in_period`, `within_last`, `before_last` or `within_next`.',
          path: '/not/op',
        },
      ],
    ],
    [
      'a missing value',
      { field: 'x', op: 'eq' },
      [{ code: 'MISSING_KEY', message: 'Missing key `value` in a field condition with operator `eq`.', path: '' }],
    ],
    ['a value where none is taken', { field: 'x', op: 'is_set', value: true }, [{ code: 'UNKNOWN_KEY', message: 'Operator `is_set` takes no `value`; remove it.', path: '/value' }]],
    ['a missing op', { field: 'x' }, [{ code: 'MISSING_KEY', message: 'Missing key `op` in a field condition.', path: '' }]],
    [
      'list items of the wrong type',
      { field: 'x', op: 'in', value: ['a', true, null, {}, 2] },
      [
        { code: 'WRONG_TYPE', message: 'Expected a string or a number, found the boolean true.', path: '/value/1' },
        { code: 'WRONG_TYPE', message: 'Expected a string or a number, found null.', path: '/value/2' },
        { code: 'WRONG_TYPE', message: 'Expected a string or a number, found an object.', path: '/value/3' },
      ],
    ],
    [
      'a null value',
      { field: 'x', op: 'eq', value: null },
      [{ code: 'WRONG_TYPE', message: 'Expected a value: a string, a number, a boolean, a list of strings or numbers, or a duration {"amount", "unit"}, found null.', path: '/value' }],
    ],
    [
      'a malformed duration',
      { field: 'x', op: 'within_last', value: { amount: '3', unit: 'fortnight', every: 1 } },
      [
        { code: 'UNKNOWN_KEY', message: 'Unknown key `every` in a duration; allowed keys are `amount` and `unit`.', path: '/value/every' },
        { code: 'WRONG_TYPE', message: 'Expected a number, found the string "3".', path: '/value/amount' },
        { code: 'INVALID_DURATION', message: 'Unknown unit "fortnight"; units are "minute", "hour", "day", "week", "month" and "year".', path: '/value/unit' },
      ],
    ],
    [
      'a malformed event',
      { event: 5, count: { op: 'ge', value: '1' }, window: { within_last: { amount: 1, unit: 'day' }, between: [] }, where: [] },
      [
        { code: 'WRONG_TYPE', message: 'Expected an event type (a string), found the number 5.', path: '/event' },
        {
          code: 'UNKNOWN_OPERATOR',
          message: 'Unknown operator "ge"; expected one of `eq`, `gt`, `gte`, `lt` or `lte`.',
          path: '/count/op',
        },
        { code: 'WRONG_TYPE', message: 'Expected a number, found the string "1".', path: '/count/value' },
        { code: 'UNKNOWN_KEY', message: 'Unknown key `between` in a `within_last` window; allowed keys are `within_last`.', path: '/window/between' },
        { code: 'EMPTY_LIST', message: '`where` needs at least one property condition.', path: '/where' },
      ],
    ],
    [
      'windows and property conditions',
      {
        or: [
          { event: 'a', window: {} },
          { event: 'b', window: { between: ['2026-01-01'] } },
          { event: 'c', window: { between: ['2026-01-01', 20260102] } },
          { event: 'd', where: [{ property: 'p', op: 'gt' }, { op: 'is_set' }, 'x'] },
        ],
      },
      [
        { code: 'MISSING_KEY', message: 'Missing key `within_last`, `between` or `period` in a window.', path: '/or/0/window' },
        { code: 'WRONG_TYPE', message: 'Expected a list of two dates [from, to], found an array.', path: '/or/1/window/between' },
        { code: 'WRONG_TYPE', message: 'Expected a date (a string), found the number 20260102.', path: '/or/2/window/between/1' },
        { code: 'MISSING_KEY', message: 'Missing key `value` in a property condition with operator `gt`.', path: '/or/3/where/0' },
        { code: 'MISSING_KEY', message: 'Missing key `property` in a property condition.', path: '/or/3/where/1' },
        { code: 'WRONG_TYPE', message: 'Expected a property condition {"property", "op", "value"} or an `and`, `or` or `not` of them, found the string "x".', path: '/or/3/where/2' },
      ],
    ],
    [
      'period windows',
      { or: [{ event: 'a', window: { period: 'tomorrow' } }, { event: 'b', window: { period: 5 } }, { event: 'c', window: { period: 'today', between: [] } }] },
      [
        { code: 'INVALID_VALUE', message: 'Unknown period "tomorrow"; periods are `today`, `yesterday` and `this_month`.', path: '/or/0/window/period' },
        { code: 'WRONG_TYPE', message: 'Expected a period (a string), found the number 5.', path: '/or/1/window/period' },
        { code: 'UNKNOWN_KEY', message: 'Unknown key `period` in a `between` window; allowed keys are `between`.', path: '/or/2/window/period' },
        { code: 'WRONG_TYPE', message: 'Expected a list of two dates [from, to], found an array.', path: '/or/2/window/between' },
      ],
    ],
    [
      'and/or/not inside where',
      { event: 'd', where: [{ or: [] }, { not: { property: 'p', op: 'gt' } }, { and: [{ property: 'p', op: 'is_set' }], property: 'q' }, { or: [{ not: 5 }] }] },
      [
        { code: 'EMPTY_LIST', message: '`or` needs at least one property condition.', path: '/where/0/or' },
        { code: 'MISSING_KEY', message: 'Missing key `value` in a property condition with operator `gt`.', path: '/where/1/not' },
        { code: 'UNKNOWN_KEY', message: 'Unknown key `property` in an `and` filter; allowed keys are `and`.', path: '/where/2/property' },
        { code: 'WRONG_TYPE', message: 'Expected a property condition {"property", "op", "value"} or an `and`, `or` or `not` of them, found the number 5.', path: '/where/3/or/0/not' },
      ],
    ],
    ['a segment id that is not a string', { segment: 7 }, [{ code: 'WRONG_TYPE', message: 'Expected a segment id (a string), found the number 7.', path: '/segment' }]],
    [
      'keys are escaped in pointers',
      { segment: 's', 'a/b~c': 1 },
      [{ code: 'UNKNOWN_KEY', message: 'Unknown key `a/b~c` in a segment reference; allowed keys are `segment`.', path: '/a~1b~0c' }],
    ],
    ['a non-finite number', { field: 'x', op: 'gt', value: Infinity }, [{ code: 'WRONG_TYPE', message: 'Expected a value: a string, a number, a boolean, a list of strings or numbers, or a duration {"amount", "unit"}, found the number Infinity.', path: '/value' }]],
  ])('%s', (_name, json, errors) => {
    expect(errorsOf(decodeJson(json))).toEqual(errors);
  });
});

describe('limits', () => {
  const nest = (levels: number): unknown => {
    let json: unknown = { segment: 's' };
    for (let i = 0; i < levels; i++) json = { not: json };
    return json;
  };

  test(`nesting deeper than ${MAX_DEPTH} stops at the first node too deep, however deep the input`, () => {
    expect(decodeJson(nest(MAX_DEPTH)).ok).toBe(true);
    const expected = [{ code: 'LIMIT_EXCEEDED', message: 'The filter nests and/or/not deeper than 16 levels.', path: '/not'.repeat(MAX_DEPTH) }];
    expect(errorsOf(decodeJson(nest(MAX_DEPTH + 1)))).toEqual(expected);
    expect(errorsOf(decodeJson(nest(100_000)))).toEqual(expected);
  });

  test(`and/or/not inside where nest at most ${MAX_DEPTH} levels too`, () => {
    const nestWhere = (levels: number): unknown => {
      let json: unknown = { property: 'p', op: 'is_set' };
      for (let i = 0; i < levels; i++) json = { not: json };
      return { event: 'x', where: [json] };
    };
    expect(decodeJson(nestWhere(MAX_DEPTH)).ok).toBe(true);
    expect(errorsOf(decodeJson(nestWhere(MAX_DEPTH + 1)))).toEqual([
      { code: 'LIMIT_EXCEEDED', message: 'The filter nests and/or/not deeper than 16 levels.', path: `/where/0${'/not'.repeat(MAX_DEPTH)}` },
    ]);
  });

  test(`more than ${MAX_CONDITIONS} conditions`, () => {
    const or = Array.from({ length: MAX_CONDITIONS + 5 }, () => ({ segment: 's' }));
    expect(errorsOf(decodeJson({ or }))).toEqual([
      { code: 'LIMIT_EXCEEDED', message: 'The filter has more than 200 conditions.', path: '/or/200' },
    ]);
  });

  test('after the condition limit, the rest of the input is not examined', () => {
    const or = [...Array.from({ length: MAX_CONDITIONS + 1 }, () => ({ segment: 's' })), 'junk', 'junk'];
    expect(errorsOf(decodeJson({ or }))).toEqual([
      { code: 'LIMIT_EXCEEDED', message: 'The filter has more than 200 conditions.', path: '/or/200' },
    ]);
  });

  test(`errors stop after ${MAX_ERRORS}`, () => {
    const errors = errorsOf(decodeJson({ and: Array.from({ length: 60 }, () => ({ field: 1, op: 'x' })) }));
    expect(errors).toHaveLength(MAX_ERRORS + 1);
    expect(errors.slice(-2)).toEqual([
      { code: 'UNKNOWN_OPERATOR', message: expect.stringContaining('Unknown operator "x"'), path: '/and/49/op' },
      { code: 'LIMIT_EXCEEDED', message: 'More than 100 errors; the rest are not reported.', path: '/and/50/field' },
    ]);
  });

  test('a list of more than 1,000 values', () => {
    expect(errorsOf(decodeJson({ field: 'x', op: 'in', value: Array.from({ length: 1001 }, () => 1) }))).toEqual([
      { code: 'LIMIT_EXCEEDED', message: 'A list holds more than 1,000 values.', path: '/value' },
    ]);
  });
});

describe('round trips', () => {
  test('decode(encode(ast)) = ast (origins aside) and encode(decode(json)) = json, for any AST', () => {
    fc.assert(
      fc.property(anyFilter, (ast: FilterNode) => {
        const json = encodeJson(ast);
        const decoded = unwrap(decodeJson(JSON.parse(JSON.stringify(json))));
        expect(withoutOrigins(decoded)).toEqual(withoutOrigins(JSON.parse(JSON.stringify(ast))));
        expect(encodeJson(decoded)).toEqual(JSON.parse(JSON.stringify(json)));
        expect(unwrap(decodeEnvelope(encodeEnvelope(ast)))).toEqual(
          unwrap(decodeJson(json, '/filter')),
        );
      }),
      { numRuns: 500 },
    );
  });
});
