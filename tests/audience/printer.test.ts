/**
 * The printer: canonical text for chosen ASTs, and the round trip parse(print(ast)) = ast
 * (origins aside) for generated ASTs covering every operator.
 */
import fc from 'fast-check';
import {
  MAX_CONDITIONS,
  MAX_DEPTH,
  MAX_TEXT_LENGTH,
  countConditions,
  depthOf,
  parseText,
  print,
  type FilterNode,
} from '../../src/audience';
import { filter } from './support/arbitraries';
import { decode, parse, unwrap, withoutOrigins } from './support/helpers';

describe('canonical text', () => {
  test.each([
    ['A IS NOT SET  AND  (B = 1 OR c = 2)', 'A is not set and (B = 1 or c = 2)'],
    ['not (a = 1 and b = 2) or not not c = 3', 'not (a = 1 and b = 2) or not not c = 3'],
    ['(a = 1 or b = 2) or c = 3', '(a = 1 or b = 2) or c = 3'],
    ['a = "x\\u0041\\/\\t"', 'a = "xA/\\t"'],
    ['a = -0 and b = 1E3 and c = 1e21 and d = 0.000001 and e = 1e-7', 'a = -0 and b = 1000 and c = 1e+21 and d = 0.000001 and e = 1e-7'],
    ['a before "2026-01-01" and a after "yesterday" and a = 2026-01-01', 'a before 2026-01-01 and a after "yesterday" and a = "2026-01-01"'],
    ['a within last 1 DAYS and a within next 0 day and a more than 2 month ago', 'a within last 1 day and a within next 0 days and a more than 2 months ago'],
    ['did x exactly 0 times', 'did not x'],
    ['-- a comment\na within last 1 YEARS -- dropped\nand a more than 3 year ago', 'a within last 1 year and a more than 3 years ago'],
    ['did x at least 1 times within last 1 weeks where ("a b" = 1)', 'did x at least 1 time within last 1 week where ("a b" = 1)'],
    ['not did not x', 'not did not x'],
    ['A IS TODAY and b is Yesterday and did x THIS MONTH and did not y today', 'A is today and b is yesterday and did x this month and did not y today'],
    ['did x where (A = 1 OR NOT (b = 2 AND c = 3))', 'did x where (A = 1 or not (b = 2 and c = 3))'],
    ['did x where ((a = 1 or b = 2) and not not c is set)', 'did x where ((a = 1 or b = 2) and not not c is set)'],
    ['did x where ((a = 1 and b = 2)) and did y where (a = 1 and b = 2 or c = 3)', 'did x where ((a = 1 and b = 2)) and did y where ((a = 1 and b = 2) or c = 3)'],
    ['"not" = 1 and "in" is set and did "not" and did "Not"', '"not" = 1 and "in" is set and did "not" and did "Not"'],
  ])('%s', (text, canonical) => {
    expect(print(parse(text))).toBe(canonical);
  });

  test('names are quoted only when needed', () => {
    const ast = decode({
      and: [
        { field: 'custom.loyalty-tier', op: 'is_set' },
        { field: 'did', op: 'is_set' },
        { field: 'OR', op: 'is_set' },
        { field: 'where', op: 'is_set' },
        { event: 'not', where: [{ property: 'and', op: 'is_set' }, { property: 'a.b', op: 'is_set' }, { property: '', op: 'is_set' }] },
        { segment: 'seg "x"' },
      ],
    });
    expect(print(ast)).toBe(
      '"custom.loyalty-tier" is set and "did" is set and "OR" is set and where is set and did "not" where ("and" is set and a.b is set and "" is set) and in segment "seg \\"x\\""',
    );
  });

  test('a where item that is an and/or with one child prints as the child', () => {
    expect(print(decode({ event: 'x', where: [{ or: [{ and: [{ property: 'a', op: 'is_set' }] }, { property: 'b', op: 'is_set' }] }] }))).toBe('did x where (a is set or b is set)');
    expect(print(decode({ event: 'x', where: [{ and: [{ or: [{ property: 'a', op: 'is_set' }, { property: 'b', op: 'is_set' }] }] }] }))).toBe('did x where (a is set or b is set)');
  });

  test('an and/or with one child prints as the child (the text form has no such node)', () => {
    expect(print(decode({ not: { and: [{ or: [{ segment: 'a' }, { segment: 'b' }] }] } }))).toBe('not (in segment "a" or in segment "b")');
    expect(print(decode({ or: [{ and: [{ segment: 'a' }] }, { and: [{ or: [{ segment: 'b' }, { segment: 'c' }] }] }] }))).toBe(
      'in segment "a" or (in segment "b" or in segment "c")',
    );
  });
});

describe('round trip', () => {
  const expressible = (ast: FilterNode): boolean =>
    countConditions(ast) <= MAX_CONDITIONS && depthOf(ast) <= MAX_DEPTH && print(ast).length <= MAX_TEXT_LENGTH;

  test('parse(print(ast)) deep-equals ast, origins aside', () => {
    fc.assert(
      fc.property(filter, (ast) => {
        fc.pre(expressible(ast));
        const text = print(ast);
        expect(withoutOrigins(unwrap(parseText(text)))).toEqual(withoutOrigins(ast));
      }),
      { numRuns: 1000 },
    );
  });

  test('printing is idempotent: print(parse(print(ast))) = print(ast)', () => {
    fc.assert(
      fc.property(filter, (ast) => {
        fc.pre(expressible(ast));
        expect(print(unwrap(parseText(print(ast))))).toBe(print(ast));
      }),
      { numRuns: 300 },
    );
  });
});
