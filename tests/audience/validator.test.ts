/**
 * The validator: exact error arrays (code, message, location), every error collected at once.
 */
import { validate, type FilterNode, type SegmentLookup, type WhereNode } from '../../src/audience';
import { decode, errorsOf, parse } from './support/helpers';
import { testCatalog } from './support/test-catalog';

const none: SegmentLookup = new Map();
const check = (ast: FilterNode, segments: SegmentLookup = none, segmentId?: string) =>
  errorsOf(validate(ast, testCatalog, segments, { segmentId }));
const valid = (ast: FilterNode, segments: SegmentLookup = none) => validate(ast, testCatalog, segments).ok;

const STRING_OPS =
  '`=` (`eq`), `!=` (`neq`), `in`, `not in` (`not_in`), `contains`, `not contains` (`not_contains`), `starts with` (`starts_with`), `ends with` (`ends_with`), `is set` (`is_set`) or `is not set` (`is_not_set`)';
const PROPERTY_OPS =
  '`=` (`eq`), `!=` (`neq`), `<` (`lt`), `<=` (`lte`), `>` (`gt`), `>=` (`gte`), `between`, `in`, `not in` (`not_in`), `contains`, `not contains` (`not_contains`), `starts with` (`starts_with`), `ends with` (`ends_with`), `is set` (`is_set`) or `is not set` (`is_not_set`)';
const DATE_HELP = 'write a real calendar date as YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM).';

describe('fields and operators', () => {
  test('an unknown field suggests near misses from the catalog', () => {
    expect(check(parse('frist_name = "Ann" or First_Name = "Ann" or custom.loyalty_teir = "gold" or zzz = 1'))).toEqual([
      { code: 'UNKNOWN_FIELD', message: 'Unknown field `frist_name`. Did you mean `first_name` or `last_name`?', line: 1, column: 1 },
      { code: 'UNKNOWN_FIELD', message: 'Unknown field `First_Name`. Did you mean `first_name` or `last_name`?', line: 1, column: 23 },
      { code: 'UNKNOWN_FIELD', message: 'Unknown field `custom.loyalty_teir`. Did you mean `custom.loyalty_tier`?', line: 1, column: 45 },
      { code: 'UNKNOWN_FIELD', message: 'Unknown field `zzz`. This namespace has no such field.', line: 1, column: 77 },
    ]);
  });

  test('every error is collected, in document order, with its line and column', () => {
    const text = [
      'frist_name = "a"',
      'and email_hash_number contains "x"',
      'and email_status = "subscribed"',
      'and last_purchase_date after 2026-02-30',
      'and custom.tier in ("a", 1)',
      'and did Purchase',
    ].join('\n');
    expect(check(parse(text))).toEqual([
      { code: 'UNKNOWN_FIELD', message: 'Unknown field `frist_name`. Did you mean `first_name` or `last_name`?', line: 1, column: 1 },
      {
        code: 'OPERATOR_NOT_ALLOWED',
        message:
          'Operator `contains` cannot be used on field `email_hash_number` (number); it accepts `=` (`eq`), `!=` (`neq`), `<` (`lt`), `<=` (`lte`), `>` (`gt`), `>=` (`gte`), `between`, `in`, `not in` (`not_in`), `is set` (`is_set`) or `is not set` (`is_not_set`).',
        line: 2,
        column: 5,
      },
      {
        code: 'UNKNOWN_ENUM_VALUE',
        message: '"subscribed" is not a value of `email_status`; accepted values are `KNOWN`, `SUBSCRIBED` or `UNSUBSCRIBED`.',
        line: 3,
        column: 5,
      },
      { code: 'INVALID_DATE', message: `"2026-02-30" is not a valid date; ${DATE_HELP}`, line: 4, column: 5 },
      { code: 'INVALID_VALUE', message: 'Operator `in` on field `custom.tier` (string) needs a string, got 1.', line: 5, column: 5 },
      {
        code: 'INVALID_EVENT_TYPE',
        message: 'Invalid event type "Purchase"; an event type is a lower-case letter followed by up to 63 lower-case letters, digits or underscores.',
        line: 6,
        column: 5,
      },
    ]);
  });

  test('errors on a decoded filter point at the offending key', () => {
    const ast = decode({
      and: [
        { field: 'first_nme', op: 'eq', value: 'a' },
        { field: 'first_name', op: 'lt', value: 'a' },
        { field: 'sms_status', op: 'in', value: ['PENDING', 'pending', 3] },
        { field: 'first_name', op: 'in', value: [] },
        { field: 'has_email_delivered', op: 'eq', value: 'yes' },
      ],
    });
    expect(check(ast)).toEqual([
      { code: 'UNKNOWN_FIELD', message: 'Unknown field `first_nme`. Did you mean `first_name` or `last_name`?', path: '/and/0/field' },
      { code: 'OPERATOR_NOT_ALLOWED', message: `Operator \`lt\` cannot be used on field \`first_name\` (string); it accepts ${STRING_OPS}.`, path: '/and/1/op' },
      {
        code: 'UNKNOWN_ENUM_VALUE',
        message: '"pending" is not a value of `sms_status`; accepted values are `KNOWN`, `PENDING`, `SUBSCRIBED` or `UNSUBSCRIBED`.',
        path: '/and/2/value/1',
      },
      {
        code: 'INVALID_VALUE',
        message: 'Operator `in` on field `sms_status` (enum) needs one of `KNOWN`, `PENDING`, `SUBSCRIBED` or `UNSUBSCRIBED`, got 3.',
        path: '/and/2/value/2',
      },
      { code: 'EMPTY_LIST', message: 'Operator `in` on field `first_name` (string) needs at least one value; the list is empty.', path: '/and/3/value' },
      { code: 'INVALID_VALUE', message: 'Operator `eq` on field `has_email_delivered` (boolean) needs true or false, got "yes".', path: '/and/4/value' },
    ]);
  });

  test('every operator of the type table is accepted on a field of that type', () => {
    expect(
      valid(
        parse(
          [
            'first_name = "a" and first_name != "a" and first_name in ("a") and first_name not in ("a") and first_name contains "%_"',
            'first_name not contains "a" and first_name starts with "a" and first_name ends with "a" and first_name is set and first_name is not set',
            'custom.score = 1 and custom.score != 1 and custom.score < 1 and custom.score <= 1 and custom.score > 1 and custom.score >= 1',
            'custom.score between -1 and 1.5 and custom.score between 1 and 1 and custom.score in (1, 2.5) and custom.score not in (1) and custom.score is set and custom.score is not set',
            'custom.vip = true and custom.vip != false and custom.vip is set and custom.vip is not set',
            'last_purchase_date before 2026-01-01 and last_purchase_date after 2026-01-01T10:00:00.5+05:30 and last_purchase_date on 2024-02-29',
            'last_purchase_date between 2026-01-31T12:00Z and 2026-01-31 and last_purchase_date within last 1 minute and last_purchase_date more than 1200 months ago',
            'last_purchase_date within next 36525 days and last_purchase_date is set and last_purchase_date is not set',
            'email_status = "KNOWN" and email_status != "SUBSCRIBED" and email_status in ("UNSUBSCRIBED") and email_status not in ("KNOWN") and email_status is set and email_status is not set',
            'birthday within next 0 days and birthday within next 366 days and email = "A@example.com"',
          ].join(' and '),
        ),
      ),
    ).toBe(true);
  });

  test('values that do not fit the operator', () => {
    const ast = parse(
      [
        'first_name = 5',
        'email_hash_number between 9 and 0',
        'last_purchase_date between 2026-02-01 and 2026-01-31',
        'last_purchase_date between 2026-02-01T00:00Z and 2026-01-31',
        'last_purchase_date before 20260101',
        'last_purchase_date within last 0 days',
        'last_purchase_date within last 1.5 days',
        'last_purchase_date more than 1201 months ago',
        'last_email_sent on 2026-01-01T24:00Z',
        'last_email_sent on 2026-13-01',
        'last_email_sent on 2025-02-29',
        'last_email_sent on "soon"',
      ].join(' and '),
    );
    expect(check(ast)).toEqual([
      { code: 'INVALID_VALUE', message: 'Operator `eq` on field `first_name` (string) needs a string, got 5.', line: 1, column: 1 },
      { code: 'INVALID_VALUE', message: 'Operator `between` on field `email_hash_number` (number) needs the lower bound first, got [9,0].', line: 1, column: 20 },
      {
        code: 'INVALID_VALUE',
        message: 'Operator `between` on field `last_purchase_date` (datetime) needs the lower bound first, got ["2026-02-01","2026-01-31"].',
        line: 1,
        column: 58,
      },
      {
        code: 'INVALID_VALUE',
        message: 'Operator `between` on field `last_purchase_date` (datetime) needs the lower bound first, got ["2026-02-01T00:00Z","2026-01-31"].',
        line: 1,
        column: 115,
      },
      { code: 'INVALID_VALUE', message: 'Operator `before` on field `last_purchase_date` (datetime) needs a date, got 20260101.', line: 1, column: 179 },
      { code: 'INVALID_DURATION', message: 'A duration is a whole number of at least 1 day, got 0.', line: 1, column: 218 },
      { code: 'INVALID_DURATION', message: 'A duration is a whole number of at least 1 day, got 1.5.', line: 1, column: 260 },
      {
        code: 'INVALID_DURATION',
        message: 'A duration of 1201 months is longer than the limit of 1200 months (about 100 years).',
        line: 1,
        column: 304,
      },
      { code: 'INVALID_DATE', message: `"2026-01-01T24:00Z" is not a valid date; ${DATE_HELP}`, line: 1, column: 353 },
      { code: 'INVALID_DATE', message: `"2026-13-01" is not a valid date; ${DATE_HELP}`, line: 1, column: 394 },
      { code: 'INVALID_DATE', message: `"2025-02-29" is not a valid date; ${DATE_HELP}`, line: 1, column: 428 },
      { code: 'INVALID_DATE', message: `"soon" is not a valid date; ${DATE_HELP}`, line: 1, column: 462 },
    ]);
  });

  test('birthday takes only within_next, in whole days from 0 to 366', () => {
    expect(check(parse('birthday within next 2 weeks or birthday within next 367 days or birthday = 1 or birthday is set'))).toEqual([
      {
        code: 'INVALID_DURATION',
        message: '`birthday within_next` takes a whole number of days from 0 (today) to 366, got {"amount":2,"unit":"week"}.',
        line: 1,
        column: 1,
      },
      {
        code: 'INVALID_DURATION',
        message: '`birthday within_next` takes a whole number of days from 0 (today) to 366, got {"amount":367,"unit":"day"}.',
        line: 1,
        column: 33,
      },
      { code: 'OPERATOR_NOT_ALLOWED', message: 'Operator `eq` cannot be used on field `birthday` (birthday); it accepts `within next` (`within_next`).', line: 1, column: 66 },
      { code: 'OPERATOR_NOT_ALLOWED', message: 'Operator `is_set` cannot be used on field `birthday` (birthday); it accepts `within next` (`within_next`).', line: 1, column: 82 },
    ]);
  });

  test('a hand-built AST with a missing or superfluous value', () => {
    const origin = { path: '/x' };
    const ast: FilterNode = {
      kind: 'and',
      origin,
      children: [
        { kind: 'condition', field: 'first_name', op: 'eq', origin },
        { kind: 'condition', field: 'first_name', op: 'is_set', value: 'a', origin },
        { kind: 'condition', field: 'first_name', op: 'in', value: 'a', origin },
        { kind: 'condition', field: 'first_name', op: 'like' as 'eq', value: 'a', origin },
      ],
    };
    expect(check(ast)).toEqual([
      { code: 'INVALID_VALUE', message: 'Operator `eq` on field `first_name` (string) needs a value.', path: '/x' },
      { code: 'INVALID_VALUE', message: 'Operator `is_set` on field `first_name` (string) takes no value.', path: '/x/value' },
      { code: 'INVALID_VALUE', message: 'Operator `in` on field `first_name` (string) needs a list of values, got "a".', path: '/x/value' },
      {
        code: 'UNKNOWN_OPERATOR',
        message:
          'Unknown operator "like"; expected one of `eq`, `neq`, `lt`, `lte`, `gt`, `gte`, `between`, `in`, `not_in`, `contains`, `not_contains`, `starts_with`, `ends_with`, `is_set`, `is_not_set`, `before`, `after`, `on`, `in_period`, `within_last`, `before_last` or `within_next`.',
        path: '/x/op',
      },
    ]);
  });
});

describe('events', () => {
  test('counts, windows and property conditions', () => {
    const ast = decode({
      and: [
        { event: 'purchase', count: { op: 'gte', value: 1.5 } },
        { event: 'purchase', count: { op: 'lt', value: 0 } },
        { event: 'purchase', window: { within_last: { amount: 0, unit: 'day' } } },
        { event: 'purchase', window: { between: ['2026-02-30', '2026-01-01'] } },
        { event: 'purchase', window: { between: ['2026-02-02', '2026-02-01'] } },
        {
          event: 'purchase',
          where: [
            { property: 'total-amount', op: 'gt', value: 5 },
            { property: 'total', op: 'before', value: '2026-01-01' },
            { property: 'name', op: 'contains', value: 5 },
            { property: 'sku', op: 'in', value: ['a', 1] },
            { property: 'total', op: 'gt', value: true },
            { property: 'name', op: 'between', value: ['b', 'a'] },
            { property: 'total', op: 'between', value: [1, 'a'] },
          ],
        },
      ],
    });
    expect(check(ast)).toEqual([
      { code: 'INVALID_VALUE', message: 'An event count is a whole number of at least 0, got 1.5.', path: '/and/0/count/value' },
      { code: 'INVALID_VALUE', message: 'An event count `lt 0` (fewer than 0 times) never matches; use `eq 0` for "never".', path: '/and/1/count' },
      { code: 'INVALID_DURATION', message: 'A duration is a whole number of at least 1 day, got 0.', path: '/and/2/window/within_last' },
      { code: 'INVALID_DATE', message: `"2026-02-30" is not a valid date; ${DATE_HELP}`, path: '/and/3/window/between/0' },
      { code: 'INVALID_VALUE', message: 'An event window needs its start first, got ["2026-02-02","2026-02-01"].', path: '/and/4/window/between' },
      {
        code: 'INVALID_PROPERTY',
        message: 'Invalid event property "total-amount"; a property name is a letter or underscore followed by up to 63 letters, digits or underscores.',
        path: '/and/5/where/0/property',
      },
      { code: 'OPERATOR_NOT_ALLOWED', message: `Operator \`before\` cannot be used on event property \`total\`; it accepts ${PROPERTY_OPS}.`, path: '/and/5/where/1/op' },
      { code: 'INVALID_VALUE', message: 'Operator `contains` on event property `name` needs a string, got 5.', path: '/and/5/where/2/value' },
      { code: 'INVALID_VALUE', message: 'Operator `in` on event property `sku` needs a list of only strings or only numbers, got ["a",1].', path: '/and/5/where/3/value' },
      { code: 'INVALID_VALUE', message: 'Operator `gt` on event property `total` needs a string or a number, got true.', path: '/and/5/where/4/value' },
      { code: 'INVALID_VALUE', message: 'Operator `between` on event property `name` needs the lower bound first, got ["b","a"].', path: '/and/5/where/5/value' },
      { code: 'INVALID_VALUE', message: 'Operator `between` on event property `total` needs two numbers or two strings, got [1,"a"].', path: '/and/5/where/6/value' },
    ]);
  });

  test('a period is one of the table, on datetime fields only', () => {
    expect(check(decode({ or: [{ field: 'last_purchase_date', op: 'in_period', value: 'tomorrow' }, { field: 'first_name', op: 'in_period', value: 'today' }] }))).toEqual([
      { code: 'INVALID_VALUE', message: 'Operator `in_period` on field `last_purchase_date` (datetime) needs `today`, `yesterday` or `this_month`, got "tomorrow".', path: '/or/0/value' },
      { code: 'OPERATOR_NOT_ALLOWED', message: `Operator \`in_period\` cannot be used on field \`first_name\` (string); it accepts ${STRING_OPS}.`, path: '/or/1/op' },
    ]);
    expect(check({ kind: 'event', event: 'purchase', window: { kind: 'period', period: 'someday' as 'today' }, origin: { path: '' } })).toEqual([
      { code: 'INVALID_VALUE', message: 'Unknown period "someday"; periods are `today`, `yesterday` and `this_month`.', path: '/window/period' },
    ]);
    expect(valid(parse('last_purchase_date is today or custom.signup_date is this month or did purchase yesterday'))).toBe(true);
  });

  test('property conditions inside or/not are checked where they are, by line and column or by pointer', () => {
    expect(check(parse('did purchase where (total > 5 or not (name contains 5 or total before 2026-01-01))'))).toEqual([
      { code: 'INVALID_VALUE', message: 'Operator `contains` on event property `name` needs a string, got 5.', line: 1, column: 39 },
      { code: 'OPERATOR_NOT_ALLOWED', message: `Operator \`before\` cannot be used on event property \`total\`; it accepts ${PROPERTY_OPS}.`, line: 1, column: 58 },
    ]);
    const ast = decode({ event: 'purchase', where: [{ property: 'total', op: 'gt', value: 5 }, { or: [{ not: { property: 'bad-name', op: 'is_set' } }, { property: 'sku', op: 'in', value: ['a', 1] }] }] });
    expect(check(ast)).toEqual([
      {
        code: 'INVALID_PROPERTY',
        message: 'Invalid event property "bad-name"; a property name is a letter or underscore followed by up to 63 letters, digits or underscores.',
        path: '/where/1/or/0/not/property',
      },
      { code: 'INVALID_VALUE', message: 'Operator `in` on event property `sku` needs a list of only strings or only numbers, got ["a",1].', path: '/where/1/or/1/value' },
    ]);
  });

  test('a hand-built where nested deeper than the limit is LIMIT_EXCEEDED', () => {
    let item: WhereNode = { kind: 'property', property: 'p', op: 'is_set', origin: { path: '/leaf' } };
    for (let i = 0; i < 17; i++) item = { kind: 'not', child: item, origin: { path: `/not${i}` } };
    expect(check({ kind: 'event', event: 'purchase', where: [item], origin: { path: '' } })).toEqual([
      { code: 'LIMIT_EXCEEDED', message: 'The filter nests and/or/not deeper than 16 levels.', path: '/not0' },
    ]);
  });

  test('custom event types and free-JSON property comparisons are accepted', () => {
    expect(
      valid(
        parse(
          'did my_custom_event_2 exactly 0 times between 2026-01-01 and 2026-01-01 where (total > 50 and total between 1 and 2 and name > "m" and vip = true and sku in ("a", "b") and note is not set and _x != 1)',
        ),
      ),
    ).toBe(true);
  });
});

describe('segments', () => {
  const vip = parse('custom.vip = true');
  const segments = new Map<string, FilterNode>([
    ['seg_vip', vip],
    ['seg_gold', parse('in segment "seg_vip" and custom.tier = "gold"')],
    ['seg_stale', parse('in segment "seg_deleted"')],
    ['seg_a', parse('in segment "seg_b"')],
    ['seg_b', parse('custom.score > 1 or in segment "seg_a"')],
    ['seg_diamond', parse('in segment "seg_gold" and in segment "seg_vip" and in segment "seg_gold"')],
    ...Array.from({ length: 9 }, (_, i): [string, FilterNode] => [`seg_chain_${i}`, parse(i === 8 ? 'first_name is set' : `in segment "seg_chain_${i + 1}"`)]),
  ]);

  test('known segments, nested and shared, are valid', () => {
    expect(valid(parse('in segment "seg_gold" or not in segment "seg_diamond" or in segment "seg_chain_1"'), segments)).toBe(true);
  });

  test('unknown, stale, cyclic and too deeply nested references fail closed', () => {
    expect(
      check(parse('in segment "seg_nope" or in segment "seg_stale" or in segment "seg_a" or in segment "seg_chain_0"'), segments),
    ).toEqual([
      { code: 'UNKNOWN_SEGMENT', message: 'Segment `seg_nope` does not exist.', line: 1, column: 1 },
      { code: 'UNKNOWN_SEGMENT', message: 'Segment `seg_deleted` does not exist (referenced through seg_stale → seg_deleted).', line: 1, column: 26 },
      { code: 'SEGMENT_CYCLE', message: 'Segment `seg_a` refers back to itself: seg_a → seg_b → seg_a.', line: 1, column: 52 },
      {
        code: 'LIMIT_EXCEEDED',
        message:
          'Segment references nest deeper than 8 levels: seg_chain_0 → seg_chain_1 → seg_chain_2 → seg_chain_3 → seg_chain_4 → seg_chain_5 → seg_chain_6 → seg_chain_7 → seg_chain_8.',
        line: 1,
        column: 74,
      },
    ]);
  });

  test('a segment being edited may not come to refer to itself, directly or not', () => {
    expect(check(parse('in segment "seg_edit"'), segments, 'seg_edit')).toEqual([
      { code: 'SEGMENT_CYCLE', message: 'Segment `seg_edit` refers back to itself: seg_edit → seg_edit.', line: 1, column: 1 },
    ]);
    // seg_vip's stored definition is fine, but its new one would close a loop through seg_gold.
    expect(check(decode({ or: [{ segment: 'seg_gold' }] }), segments, 'seg_vip')).toEqual([
      { code: 'SEGMENT_CYCLE', message: 'Segment `seg_vip` refers back to itself: seg_vip → seg_gold → seg_vip.', path: '/or/0/segment' },
    ]);
  });
});

describe('limits on hand-built ASTs', () => {
  const leaf: FilterNode = { kind: 'segment', id: 's', origin: { path: '' } };
  const segments = new Map([['s', parse('first_name is set')]]);

  test('a very deep AST gives one located error, without overflowing the stack', () => {
    let ast: FilterNode = leaf;
    for (let i = 0; i < 200_000; i++) ast = { kind: 'not', child: ast, origin: { path: `/${200_000 - i}` } };
    expect(check(ast, segments)).toEqual([{ code: 'LIMIT_EXCEEDED', message: 'The filter nests and/or/not deeper than 16 levels.', path: '/17' }]);
  });

  test('more than 200 conditions', () => {
    const children = Array.from({ length: 202 }, (_, i): FilterNode => ({ ...leaf, origin: { path: `/or/${i}` } }));
    expect(check({ kind: 'or', children, origin: { path: '' } }, segments)).toEqual([
      { code: 'LIMIT_EXCEEDED', message: 'The filter has more than 200 conditions.', path: '/or/200' },
    ]);
  });
});

describe('values PostgreSQL cannot store are rejected by the validator (issue 13 §2)', () => {
  test('a lone surrogate or a NUL in any string value, with its location', () => {
    const ast = decode({
      and: [
        { field: 'first_name', op: 'eq', value: '\ud83d' },
        { field: 'custom.city', op: 'in', value: ['ok', 'a\u0000b'] },
        { event: 'purchase', where: [{ property: 'category', op: 'contains', value: 'x\udc00' }] },
        { field: 'email', op: 'ends_with', value: '\ud83d\ude00' },
      ],
    });
    expect(check(ast)).toEqual([
      {
        code: 'INVALID_VALUE',
        message:
          'Operator `eq` on field `first_name` (string) got a value that contains a lone surrogate (U+D83D) at position 0, which is not valid Unicode; send well-formed UTF-8 text.',
        path: '/and/0/value',
      },
      {
        code: 'INVALID_VALUE',
        message: 'Operator `in` on field `custom.city` (string) got a value that contains a NUL character (U+0000) at position 1, which cannot be stored; remove it.',
        path: '/and/1/value/1',
      },
      {
        code: 'INVALID_VALUE',
        message:
          'Operator `contains` on event property `category` got a value that contains a lone surrogate (U+DC00) at position 1, which is not valid Unicode; send well-formed UTF-8 text.',
        path: '/and/2/where/0/value',
      },
    ]);
  });

  test('the text form is located by line and column', () => {
    expect(check(parse('first_name is set and\n  last_name = "a\\u0000"'))).toEqual([
      {
        code: 'INVALID_VALUE',
        message: 'Operator `eq` on field `last_name` (string) got a value that contains a NUL character (U+0000) at position 1, which cannot be stored; remove it.',
        line: 2,
        column: 3,
      },
    ]);
  });

  test('instants outside the years 1-9999 (UTC), in conditions and event windows', () => {
    const ast = decode({
      and: [
        { field: 'last_purchase_date', op: 'before', value: '0001-01-01T00:30:00+01:00' },
        { field: 'custom.signup_date', op: 'between', value: ['2026-01-01', '9999-12-31T23:00:00-05:00'] },
        { event: 'purchase', window: { between: ['0001-01-01', '9999-12-31T20:00:00-04:00'] } },
      ],
    });
    const outside = (value: string) => `"${value}" falls outside the years 0001-9999 (UTC); write a date from 0001-01-01 to 9999-12-31.`;
    expect(check(ast)).toEqual([
      { code: 'INVALID_DATE', message: outside('0001-01-01T00:30:00+01:00'), path: '/and/0/value' },
      { code: 'INVALID_DATE', message: outside('9999-12-31T23:00:00-05:00'), path: '/and/1/value/1' },
      { code: 'INVALID_DATE', message: outside('9999-12-31T20:00:00-04:00'), path: '/and/2/window/between/1' },
    ]);
    expect(valid(parse('last_purchase_date after 9999-12-31 and last_purchase_date before 0001-01-01T00:00:00Z'))).toBe(true);
  });
});
