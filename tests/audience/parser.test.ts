/**
 * The text parser: exact ASTs (origins included) and exact error positions for tricky input.
 */
import {
  MAX_CONDITIONS,
  MAX_DEPTH,
  MAX_LIST_ITEMS,
  MAX_TEXT_LENGTH,
  MAX_TOKENS,
  encodeJson,
  parseText,
} from '../../src/audience';
import { errorsOf, parse } from './support/helpers';

const json = (text: string) => encodeJson(parse(text));

describe('exact ASTs', () => {
  test('a condition remembers the line and column of its field', () => {
    expect(parse('  first_name = "Ann"')).toEqual({
      kind: 'condition',
      field: 'first_name',
      op: 'eq',
      value: 'Ann',
      origin: { line: 1, column: 3 },
    });
  });

  test('and/or/not nodes start at their first token; lines count from 1 across \\n, \\r\\n and \\r', () => {
    expect(parse('a = 1 or\r\n  not (b = 2 and\rc is set)\n')).toEqual({
      kind: 'or',
      origin: { line: 1, column: 1 },
      children: [
        { kind: 'condition', field: 'a', op: 'eq', value: 1, origin: { line: 1, column: 1 } },
        {
          kind: 'not',
          origin: { line: 2, column: 3 },
          child: {
            kind: 'and',
            origin: { line: 2, column: 8 },
            children: [
              { kind: 'condition', field: 'b', op: 'eq', value: 2, origin: { line: 2, column: 8 } },
              { kind: 'condition', field: 'c', op: 'is_set', origin: { line: 3, column: 1 } },
            ],
          },
        },
      ],
    });
  });

  test('an event with every part, and a segment reference', () => {
    expect(parse('did purchase exactly 1 time between 2026-01-01 and "2026-02-01" where (sku in ("a", 2) and note is not set) or in segment "seg_vip"')).toEqual({
      kind: 'or',
      origin: { line: 1, column: 1 },
      children: [
        {
          kind: 'event',
          event: 'purchase',
          count: { op: 'eq', value: 1 },
          window: { kind: 'between', from: '2026-01-01', to: '2026-02-01' },
          where: [
            { kind: 'property', property: 'sku', op: 'in', value: ['a', 2], origin: { line: 1, column: 72 } },
            { kind: 'property', property: 'note', op: 'is_not_set', origin: { line: 1, column: 92 } },
          ],
          origin: { line: 1, column: 1 },
        },
        { kind: 'segment', id: 'seg_vip', origin: { line: 1, column: 112 } },
      ],
    });
  });

  test('or inside where: one item, an `or` of the two conditions', () => {
    expect(parse('did purchase where (category = "shoes" or category = "bags")')).toEqual({
      kind: 'event',
      event: 'purchase',
      where: [
        {
          kind: 'or',
          origin: { line: 1, column: 21 },
          children: [
            { kind: 'property', property: 'category', op: 'eq', value: 'shoes', origin: { line: 1, column: 21 } },
            { kind: 'property', property: 'category', op: 'eq', value: 'bags', origin: { line: 1, column: 43 } },
          ],
        },
      ],
      origin: { line: 1, column: 1 },
    });
  });

  test('not inside where binds tighter than and, and than or; a group is a node of its own', () => {
    expect(parse('did x where (not (a = 1 or b = 2) and c = 3)')).toEqual({
      kind: 'event',
      event: 'x',
      where: [
        {
          kind: 'not',
          origin: { line: 1, column: 14 },
          child: {
            kind: 'or',
            origin: { line: 1, column: 19 },
            children: [
              { kind: 'property', property: 'a', op: 'eq', value: 1, origin: { line: 1, column: 19 } },
              { kind: 'property', property: 'b', op: 'eq', value: 2, origin: { line: 1, column: 28 } },
            ],
          },
        },
        { kind: 'property', property: 'c', op: 'eq', value: 3, origin: { line: 1, column: 39 } },
      ],
      origin: { line: 1, column: 1 },
    });
    expect(json('did x where (a = 1 and b = 2 or not c is set)')).toEqual({
      event: 'x',
      where: [{ or: [{ and: [{ property: 'a', op: 'eq', value: 1 }, { property: 'b', op: 'eq', value: 2 }] }, { not: { property: 'c', op: 'is_set' } }] }],
    });
    expect(parse('did x where ((a = 1 and b = 2))')).toEqual({
      kind: 'event',
      event: 'x',
      where: [
        {
          kind: 'and',
          origin: { line: 1, column: 15 },
          children: [
            { kind: 'property', property: 'a', op: 'eq', value: 1, origin: { line: 1, column: 15 } },
            { kind: 'property', property: 'b', op: 'eq', value: 2, origin: { line: 1, column: 25 } },
          ],
        },
      ],
      origin: { line: 1, column: 1 },
    });
    expect(json('did x where ("not" = 1 and "or" is set)')).toEqual({
      event: 'x',
      where: [{ property: 'not', op: 'eq', value: 1 }, { property: 'or', op: 'is_set' }],
    });
  });

  test('calendar periods: `is today` on a field, `this month` as an event window', () => {
    expect(parse('last_purchase_date is this month and did open today')).toEqual({
      kind: 'and',
      origin: { line: 1, column: 1 },
      children: [
        { kind: 'condition', field: 'last_purchase_date', op: 'in_period', value: 'this_month', origin: { line: 1, column: 1 } },
        { kind: 'event', event: 'open', window: { kind: 'period', period: 'today' }, origin: { line: 1, column: 38 } },
      ],
    });
    expect(json('did not purchase Yesterday where (total > 5) or a IS TODAY')).toEqual({
      or: [
        { event: 'purchase', count: { op: 'eq', value: 0 }, window: { period: 'yesterday' }, where: [{ property: 'total', op: 'gt', value: 5 }] },
        { field: 'a', op: 'in_period', value: 'today' },
      ],
    });
    expect(json('a is set and a is not set')).toEqual({ and: [{ field: 'a', op: 'is_set' }, { field: 'a', op: 'is_not_set' }] });
  });

  test('columns count code points, so an emoji is one column', () => {
    expect(parse('first_name = "😀" and x = 1')).toEqual({
      kind: 'and',
      origin: { line: 1, column: 1 },
      children: [
        { kind: 'condition', field: 'first_name', op: 'eq', value: '😀', origin: { line: 1, column: 1 } },
        { kind: 'condition', field: 'x', op: 'eq', value: 1, origin: { line: 1, column: 22 } },
      ],
    });
  });
});

describe('precedence and grouping', () => {
  test('not binds tighter than and, which binds tighter than or', () => {
    expect(json('not a = 1 and b = 2 or c = 3 and not not d = 4')).toEqual({
      or: [
        { and: [{ not: { field: 'a', op: 'eq', value: 1 } }, { field: 'b', op: 'eq', value: 2 }] },
        { and: [{ field: 'c', op: 'eq', value: 3 }, { not: { not: { field: 'd', op: 'eq', value: 4 } } }] },
      ],
    });
  });

  test('a chain of one connective is one n-ary node; parentheses make a node of their own', () => {
    expect(json('a = 1 and b = 2 and c = 3')).toEqual({
      and: [{ field: 'a', op: 'eq', value: 1 }, { field: 'b', op: 'eq', value: 2 }, { field: 'c', op: 'eq', value: 3 }],
    });
    expect(json('a = 1 and (b = 2 and c = 3)')).toEqual({
      and: [{ field: 'a', op: 'eq', value: 1 }, { and: [{ field: 'b', op: 'eq', value: 2 }, { field: 'c', op: 'eq', value: 3 }] }],
    });
  });

  test('a parenthesized single condition is that condition, however many parentheses', () => {
    expect(parse('(((a = 1)))')).toEqual({ kind: 'condition', field: 'a', op: 'eq', value: 1, origin: { line: 1, column: 4 } });
    expect(json('not (a = 1)')).toEqual({ not: { field: 'a', op: 'eq', value: 1 } });
  });

  test('not in segment is not around the segment; did not is a zero count', () => {
    expect(json('not in segment "s" and not did x and did not y')).toEqual({
      and: [{ not: { segment: 's' } }, { not: { event: 'x' } }, { event: 'y', count: { op: 'eq', value: 0 } }],
    });
  });
});

describe('words', () => {
  test('keywords ignore case', () => {
    expect(json('A IS NOT SET Or NoT b Not In (1) AND c STARTS With "x" aNd d Within LAST 2 Weeks and DID e AT LEAST 2 TIMES WITHIN last 1 DAY WHERE (f = TRUE)')).toEqual({
      or: [
        { field: 'A', op: 'is_not_set' },
        {
          and: [
            { not: { field: 'b', op: 'not_in', value: [1] } },
            { field: 'c', op: 'starts_with', value: 'x' },
            { field: 'd', op: 'within_last', value: { amount: 2, unit: 'week' } },
            {
              event: 'e',
              count: { op: 'gte', value: 2 },
              window: { within_last: { amount: 1, unit: 'day' } },
              where: [{ property: 'f', op: 'eq', value: true }],
            },
          ],
        },
      ],
    });
  });

  test('keywords inside identifiers are not keywords; field names keep their case', () => {
    expect(json('android_or_ios = 1 or notes is set and order_id != 2 and didnt_buy = false and custom.in = "x" and Inbox is set')).toEqual({
      or: [
        { field: 'android_or_ios', op: 'eq', value: 1 },
        {
          and: [
            { field: 'notes', op: 'is_set' },
            { field: 'order_id', op: 'neq', value: 2 },
            { field: 'didnt_buy', op: 'eq', value: false },
            { field: 'custom.in', op: 'eq', value: 'x' },
            { field: 'Inbox', op: 'is_set' },
          ],
        },
      ],
    });
  });

  test('a field named like a keyword is written in quotes; `in` starts a segment only before `segment`', () => {
    expect(json('"not" = 1 and "did" = 2 and in = 3 and "custom.loyalty-tier" = "x"')).toEqual({
      and: [
        { field: 'not', op: 'eq', value: 1 },
        { field: 'did', op: 'eq', value: 2 },
        { field: 'in', op: 'eq', value: 3 },
        { field: 'custom.loyalty-tier', op: 'eq', value: 'x' },
      ],
    });
    expect(json('did "not" and did not "not"')).toEqual({ and: [{ event: 'not' }, { event: 'not', count: { op: 'eq', value: 0 } }] });
  });

  test('singular and plural units and times', () => {
    expect(json('a within last 1 minutes and a within next 2 hour and a more than 1 month ago and did x at most 3 time')).toEqual({
      and: [
        { field: 'a', op: 'within_last', value: { amount: 1, unit: 'minute' } },
        { field: 'a', op: 'within_next', value: { amount: 2, unit: 'hour' } },
        { field: 'a', op: 'before_last', value: { amount: 1, unit: 'month' } },
        { event: 'x', count: { op: 'lte', value: 3 } },
      ],
    });
  });
});

describe('years and comments', () => {
  test('a year unit, singular or plural', () => {
    expect(json('a within last 1 years and a more than 2 year ago and did x within last 1 year')).toEqual({
      and: [
        { field: 'a', op: 'within_last', value: { amount: 1, unit: 'year' } },
        { field: 'a', op: 'before_last', value: { amount: 2, unit: 'year' } },
        { event: 'x', window: { within_last: { amount: 1, unit: 'year' } } },
      ],
    });
  });

  test('-- starts a comment to the end of the line; positions count on', () => {
    expect(parse('-- VIP customers\nfirst_name = "Ann" -- the name\r\n  and -- more\n\tb = "x--y"--')).toEqual({
      kind: 'and',
      children: [
        { kind: 'condition', field: 'first_name', op: 'eq', value: 'Ann', origin: { line: 2, column: 1 } },
        { kind: 'condition', field: 'b', op: 'eq', value: 'x--y', origin: { line: 4, column: 2 } },
      ],
      origin: { line: 2, column: 1 },
    });
    expect(json('a = -1 -- not a comment inside the number')).toEqual({ field: 'a', op: 'eq', value: -1 });
  });

  test('a text that is only a comment is an empty filter', () => {
    expect(errorsOf(parseText('-- nothing here'))).toEqual([expect.objectContaining({ code: 'SYNTAX_ERROR', line: 1, column: 16 })]);
  });
});

describe('literals', () => {
  test('strings take JSON escapes', () => {
    expect(parse('a = "q\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\ud83d\\ude00 % _"')).toEqual({
      kind: 'condition',
      field: 'a',
      op: 'eq',
      value: 'q" b\\ s/ \b\f\n\r\t é 😀 % _',
      origin: { line: 1, column: 1 },
    });
  });

  test('numbers are JSON numbers; dates and date-times stay as written', () => {
    expect(json('a in (0, -0.5, 12.5e2, 1E-2, -12.5e+2) and b between 2026-01-01T10:00+05:30 and 2026-12-31T23:59:59.999Z')).toEqual({
      and: [
        { field: 'a', op: 'in', value: [0, -0.5, 1250, 0.01, -1250] },
        { field: 'b', op: 'between', value: ['2026-01-01T10:00+05:30', '2026-12-31T23:59:59.999Z'] },
      ],
    });
  });

  test('a date that is not on the calendar still parses (the validator rejects it)', () => {
    expect(json('a on 2026-02-30')).toEqual({ field: 'a', op: 'on', value: '2026-02-30' });
  });
});

describe('syntax errors are located exactly', () => {
  const cases: [string, string, number, number][] = [
    ['', 'Expected a condition, found end of input.', 1, 1],
    ['first_name', 'Expected an operator after `first_name`, found end of input. Operators are `=`, `!=`, `<`, `<=`, `>`, `>=`, `between`, `in`, `not in`, `contains`, `not contains`, `starts with`, `ends with`, `is set`, `is not set`, `before`, `after`, `on`, `is today`, `is yesterday`, `is this month`, `within last`, `more than … ago`, `within next`.', 1, 11],
    ['a = 1 b = 2', 'Expected `and`, `or` or the end of the filter, found `b`.', 1, 7],
    ['a = 1 and or b = 2', 'Expected a condition, found `or`.', 1, 11],
    ['a = 1)', 'Expected `and`, `or` or the end of the filter, found `)`.', 1, 6],
    ['a = gold', 'Expected a value after `=`, found `gold`. Values are "double-quoted strings", numbers, dates such as 2026-01-31, true or false.', 1, 5],
    ["a = 'x'", "Unexpected character `'`; strings are written in double quotes.", 1, 5],
    ['a ! 1', 'Unexpected character `!`; did you mean `!=`?', 1, 3],
    ['a = 1 &&', 'Unexpected character `&`.', 1, 7],
    ['a = "x\ny"', 'Unterminated string; close it with `"` on the same line.', 1, 5],
    ['a = "\\x"', 'Invalid escape in a string; use `\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` or `\\uXXXX`.', 1, 6],
    ['a = "\t"', 'Invalid character U+0009 in a string; write it as an escape such as `\\t` or `\\u0009`.', 1, 6],
    ['a = 007', 'Invalid number: a number cannot start with `0`.', 1, 5],
    ['a = 1.', 'Expected a digit after the decimal point.', 1, 7],
    ['a within last 10days', 'Unexpected character `d` after the number `10`; separate words with spaces.', 1, 17],
    ['a = 1e999', 'The number is out of range.', 1, 5],
    ['a after 2026-1-01', 'Invalid date `2026-1-01`; write dates as YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM).', 1, 9],
    ['a after 2026-01-01T10:00', 'Invalid date `2026-01-01T10:00`; write dates as YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM).', 1, 9],
    ['custom. = 1', 'Expected a name part after `.`, as in `custom.loyalty_tier`.', 1, 8],
    ['a in ("x",)', 'Expected a value after `,`, found `)`. Values are "double-quoted strings", numbers, dates such as 2026-01-31, true or false.', 1, 11],
    ['a in ("x" "y")', 'Expected `,` or `)` in the list, found "y".', 1, 11],
    ['a in "x"', 'Expected `(` after `in`, found "x". Lists are written as ("a", "b").', 1, 6],
    ['a in (true)', 'Expected a value after `(`, found `true`. Values are "double-quoted strings", numbers, dates such as 2026-01-31, true or false.', 1, 7],
    ['a between 1 or 2', 'Expected `and` after `1`, found `or`.', 1, 13],
    ['a within last days', 'Expected a number after `last`, found `days`.', 1, 15],
    ['a within last 3 fortnights', 'Expected a time unit after `3`, found `fortnights`. Units are minutes, hours, days, weeks, months and years.', 1, 17],
    ['a more than 3 days', 'Expected `ago` after `days`, found end of input.', 1, 19],
    ['did', 'Expected an event type after `did`, found end of input.', 1, 4],
    ['did not (x)', 'Expected an event type after `not`, found `(`.', 1, 9],
    ['did x at least 2', 'Expected `times` after `2`, found end of input.', 1, 17],
    ['did not x at least 2 times', '`did not x` already means zero times and takes no count; write `did x fewer than N times` or `not did x at least N times`.', 1, 11],
    ['did purchase 0 times', '`did purchase 0 times` needs a count word before the number: write `did purchase exactly 0 times` or `did not purchase`.', 1, 14],
    ['did purchase 3 times', '`did purchase 3 times` needs a count word before the number: write `exactly 3 times`, `at least 3 times`, `at most 3 times`, `more than 3 times` or `fewer than 3 times`.', 1, 14],
    ['did not x 2 times', '`did not x` already means zero times and takes no count; write `did x fewer than N times` or `not did x at least N times`.', 1, 11],
    ['did x within next 2 days', 'Expected `last` after `within`, found `next`.', 1, 14],
    ['did x between 1 and 2', 'Expected a date after `between`, found `1`. Dates are written as 2026-01-31 or 2026-01-31T12:00:00Z.', 1, 15],
    ['did x where (a = 1 b = 2)', 'Expected `and`, `or` or `)` to close the `(` at line 1, column 13, found `b`.', 1, 20],
    ['did x where (a = 1 or (b = 2 and c = 3)', 'Expected `and`, `or` or `)` to close the `(` at line 1, column 13, found end of input.', 1, 40],
    // A `)` last in the input ended one column late (read as a two-character punctuator).
    ['did x where ((b = 2)', 'Expected `and`, `or` or `)` to close the `(` at line 1, column 13, found end of input.', 1, 21],
    ['a is tomorrow', 'Expected `today`, `yesterday` or `this month` after `is`, found `tomorrow`. After `is` come `not set`, `set`, `today`, `yesterday` or `this month`.', 1, 6],
    ['a is this week', 'Expected `today`, `yesterday` or `this month` after `is`, found `this`. After `is` come `not set`, `set`, `today`, `yesterday` or `this month`.', 1, 6],
    ['a on today', 'Expected a date after `on`, found `today`. For the period holding asOf, write `is today`.', 1, 6],
    ['a before this month', 'Expected a date after `before`, found `this`. For the period holding asOf, write `is this month`.', 1, 10],
    ['did x this week', 'Expected `and`, `or` or the end of the filter, found `this`.', 1, 7],
    ['did x where (a = 1 or)', 'Expected an event property name, found `)`.', 1, 22],
    ['did x where (not)', 'Expected an event property name, found `)`.', 1, 17],
    ['did x where (and = 1)', 'Expected an event property name, found `and`. A property named `and`, `or` or `not` is written in double quotes.', 1, 14],
    ['did x where (a = 1 and or b = 2)', 'Expected an event property name, found `or`. A property named `and`, `or` or `not` is written in double quotes.', 1, 24],
    ['did x where ()', 'Expected an event property name, found `)`.', 1, 14],
    ['in segment seg_vip', 'Expected a segment id in double quotes after `segment`, as in "seg_vip", found `seg_vip`.', 1, 12],
    ['a = 1 and\n  (b = 2\n', 'Expected `and`, `or` or `)` to close the `(` at line 2, column 3, found end of input.', 2, 9],
  ];

  test.each(cases)('%j', (text, message, line, column) => {
    expect(errorsOf(parseText(text))).toEqual([{ code: 'SYNTAX_ERROR', message, line, column }]);
  });
});

describe('limits are located errors, not crashes', () => {
  const condition = 'a = 1';

  test(`text longer than ${MAX_TEXT_LENGTH} characters`, () => {
    const text = `${'a is set and '.repeat(1538)}\nb is set`;
    expect(text.length).toBeGreaterThan(MAX_TEXT_LENGTH);
    expect(errorsOf(parseText(text))).toEqual([
      { code: 'LIMIT_EXCEEDED', message: 'The filter text is longer than 20,000 characters.', line: 2, column: 6 },
    ]);
  });

  test(`more than ${MAX_TOKENS} tokens`, () => {
    const list = `a in (${Array.from({ length: MAX_LIST_ITEMS }, () => '1').join(',')})`;
    const text = [list, list, list].join(' or ');
    expect(errorsOf(parseText(text))).toEqual([
      { code: 'LIMIT_EXCEEDED', message: 'The filter text has more than 5,000 tokens.', line: 1, column: 5016 },
    ]);
  });

  test(`a list of more than ${MAX_LIST_ITEMS} values`, () => {
    const ok = `a in (${Array.from({ length: MAX_LIST_ITEMS }, (_, i) => i).join(',')})`;
    expect(parseText(ok).ok).toBe(true);
    const text = `a in (${Array.from({ length: MAX_LIST_ITEMS + 1 }, () => 1).join(',')})`;
    expect(errorsOf(parseText(text))).toEqual([
      { code: 'LIMIT_EXCEEDED', message: 'A list holds more than 1,000 values.', line: 1, column: 2007 },
    ]);
  });

  test(`more than ${MAX_CONDITIONS} conditions, event property conditions included`, () => {
    expect(parseText(Array.from({ length: MAX_CONDITIONS }, () => condition).join(' or ')).ok).toBe(true);
    const text = `${Array.from({ length: MAX_CONDITIONS - 1 }, () => condition).join(' or ')} or did x where (p = 1)`;
    expect(errorsOf(parseText(text))).toEqual([
      { code: 'LIMIT_EXCEEDED', message: 'The filter has more than 200 conditions.', line: 1, column: 1805 },
    ]);
  });

  test(`parentheses nested deeper than ${MAX_DEPTH}`, () => {
    expect(parseText(`${'('.repeat(MAX_DEPTH)}a = 1${')'.repeat(MAX_DEPTH)}`).ok).toBe(true);
    expect(errorsOf(parseText(`${'('.repeat(10_000)}a = 1`))).toEqual([
      { code: 'LIMIT_EXCEEDED', message: 'Parentheses nest deeper than 16 levels.', line: 1, column: 17 },
    ]);
  });

  test(`and/or/not nested deeper than ${MAX_DEPTH}`, () => {
    expect(parseText(`${'not '.repeat(MAX_DEPTH)}a = 1`).ok).toBe(true);
    expect(errorsOf(parseText(`${'not '.repeat(4000)}a = 1`))).toEqual([
      { code: 'LIMIT_EXCEEDED', message: 'The filter nests and/or/not deeper than 16 levels.', line: 1, column: 15933 },
    ]);
    // Depth counts nodes, not parentheses: 16 parentheses hold 16 levels of or/and; a `not` makes 17.
    const nested = `${'a = 1 or (b = 1 and ('.repeat(8)}not c = 1${'))'.repeat(8)}`;
    expect(parseText(nested.replace('not ', '')).ok).toBe(true);
    expect(errorsOf(parseText(nested))).toEqual([
      { code: 'LIMIT_EXCEEDED', message: 'The filter nests and/or/not deeper than 16 levels.', line: 1, column: 1 },
    ]);
  });

  test('a non-string input is an error, not an exception', () => {
    expect(errorsOf(parseText(42 as unknown as string))).toEqual([
      { code: 'SYNTAX_ERROR', message: 'Expected the filter text to be a string.', line: 1, column: 1 },
    ]);
  });
});

describe('a misspelt operator names the one meant', () => {
  test.each([
    ['first_name is sett', 'Unknown operator `is sett` after `first_name`; did you mean `is set`?', 12],
    ['first_name is not sett', 'Unknown operator `is not sett` after `first_name`; did you mean `is not set`?', 12],
    ['custom.tier isnt set', 'Unknown operator `isnt set` after `custom.tier`; did you mean `is not set`?', 13],
    ['first_name contians "a"', 'Unknown operator `contians` after `first_name`; did you mean `contains`?', 12],
    ['first_name startswith "a"', 'Unknown operator `startswith` after `first_name`; did you mean `starts with`?', 12],
    ['last_purchase_date is tody', 'Unknown operator `is tody` after `last_purchase_date`; did you mean `is today`?', 20],
    ['did purchase where (total is sett)', 'Unknown operator `is sett` after `total`; did you mean `is set`?', 27],
  ])('%s', (text, message, column) => {
    expect(errorsOf(parseText(text))).toEqual([{ code: 'SYNTAX_ERROR', message, line: 1, column }]);
  });

  test('a word that is no near miss still lists the operators', () => {
    expect(errorsOf(parseText('first_name equals "a"'))[0].message).toMatch(/^Expected an operator after `first_name`, found `equals`\. Operators are `=`, `!=`/);
  });
});
