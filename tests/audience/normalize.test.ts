/**
 * Normalization passes: structural flattening, compile-normal form (De Morgan, operator
 * negation, double negation) and segment inlining.
 */
import fc from 'fast-check';
import {
  OPERATORS,
  encodeJson,
  inlineSegments,
  normalize,
  print,
  toCompileForm,
  walk,
  type FilterNode,
  type LeafNode,
} from '../../src/audience';
import { anyFilter } from './support/arbitraries';
import { decode, errorsOf, parse, unwrap } from './support/helpers';

const compiled = (text: string) => print(toCompileForm(parse(text)));

describe('normalize (structural)', () => {
  test('flattens nested and/or of the same kind, keeping the outer origin', () => {
    expect(normalize(parse('a = 1 and (b = 2 and (c = 3 or (d = 4 or e = 5)))'))).toEqual({
      kind: 'and',
      origin: { line: 1, column: 1 },
      children: [
        { kind: 'condition', field: 'a', op: 'eq', value: 1, origin: { line: 1, column: 1 } },
        { kind: 'condition', field: 'b', op: 'eq', value: 2, origin: { line: 1, column: 12 } },
        {
          kind: 'or',
          origin: { line: 1, column: 23 },
          children: [
            { kind: 'condition', field: 'c', op: 'eq', value: 3, origin: { line: 1, column: 23 } },
            { kind: 'condition', field: 'd', op: 'eq', value: 4, origin: { line: 1, column: 33 } },
            { kind: 'condition', field: 'e', op: 'eq', value: 5, origin: { line: 1, column: 42 } },
          ],
        },
      ],
    });
  });

  test('unwraps single-child and/or (JSON only) and keeps everything else, double negation included', () => {
    const ast = decode({ and: [{ or: [{ not: { not: { segment: 's' } } }] }, { and: [{ segment: 't' }, { segment: 't' }] }] });
    expect(encodeJson(normalize(ast))).toEqual({ and: [{ not: { not: { segment: 's' } } }, { segment: 't' }, { segment: 't' }] });
    expect(encodeJson(normalize(decode({ or: [{ segment: 's' }] })))).toEqual({ segment: 's' });
  });

  test('returns the very same nodes when nothing changes', () => {
    const ast = parse('a = 1 and not (b = 2 or c = 3)');
    expect(normalize(ast)).toBe(ast);
    const event = parse('did purchase where (a = 1 and not (b = 2 or c = 3))');
    expect(normalize(event)).toBe(event);
  });

  test('inside `where` alike: an `and` item is spread into the list, nested same-kind and/or flattened, single children unwrapped', () => {
    const ast = decode({
      event: 'purchase',
      where: [
        { and: [{ property: 'a', op: 'eq', value: 1 }, { and: [{ property: 'b', op: 'eq', value: 2 }] }] },
        { or: [{ property: 'c', op: 'is_set' }, { or: [{ property: 'd', op: 'is_set' }, { property: 'e', op: 'is_set' }] }] },
        { not: { and: [{ and: [{ property: 'f', op: 'eq', value: 1 }, { property: 'g', op: 'eq', value: 1 }] }] } },
      ],
    });
    expect(encodeJson(normalize(ast))).toEqual({
      event: 'purchase',
      where: [
        { property: 'a', op: 'eq', value: 1 },
        { property: 'b', op: 'eq', value: 2 },
        { or: [{ property: 'c', op: 'is_set' }, { property: 'd', op: 'is_set' }, { property: 'e', op: 'is_set' }] },
        { not: { and: [{ property: 'f', op: 'eq', value: 1 }, { property: 'g', op: 'eq', value: 1 }] } },
      ],
    });
    expect(print(normalize(parse('did purchase where ((a = 1 and b = 2) and c = 3)')))).toBe('did purchase where (a = 1 and b = 2 and c = 3)');
  });
});

describe('toCompileForm', () => {
  test.each([
    ['not (a = 1 or b < 2)', 'a != 1 and not b < 2'],
    ['not (a in (1) and not did x and not in segment "s")', 'a not in (1) or did x or in segment "s"'],
    ['not (a contains "x" and (b is set or c != 1))', 'a not contains "x" or (b is not set and c = 1)'],
    ['not not a < 1', 'a < 1'],
    ['not not not a = 1', 'a != 1'],
    ['not a before 2026-01-01 and not did x and not b starts with "x"', 'not a before 2026-01-01 and not did x and not b starts with "x"'],
    ['not (a = 1 and (b = 2 and c = 3))', 'a != 1 or b != 2 or c != 3'],
    ['not (not (a = 1 or b = 2) or c = 3)', '(a = 1 or b = 2) and c != 3'],
    ['a is not set and not a is not set', 'a is not set and a is set'],
    ['not birthday within next 3 days', 'not birthday within next 3 days'],
  ])('%s  ⇒  %s', (text, expected) => {
    expect(compiled(text)).toBe(expected);
  });

  test('pushed-down nodes keep the origin of the node they replace', () => {
    expect(toCompileForm(parse('not (a = 1 or\n  b < 2)'))).toEqual({
      kind: 'and',
      origin: { line: 1, column: 6 },
      children: [
        { kind: 'condition', field: 'a', op: 'neq', value: 1, origin: { line: 1, column: 6 } },
        { kind: 'not', origin: { line: 2, column: 3 }, child: { kind: 'condition', field: 'b', op: 'lt', value: 2, origin: { line: 2, column: 3 } } },
      ],
    });
  });
});

/**
 * A two-valued model of leaves: each leaf is true or false by an arbitrary function of its
 * content, and an operator with a complement is exactly the complement of its positive twin.
 */
function evaluate(node: FilterNode, atom: (key: string) => boolean): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.every((child) => evaluate(child, atom));
    case 'or':
      return node.children.some((child) => evaluate(child, atom));
    case 'not':
      return !evaluate(node.child, atom);
    default:
      return leafTruth(node, atom);
  }
}

const POSITIVE = new Set(['eq', 'in', 'contains', 'is_set']);

function leafTruth(node: LeafNode, atom: (key: string) => boolean): boolean {
  // An event is an atom up to the flattening of its `where` (and is associative; the SQL tests cover the rest).
  if (node.kind !== 'condition') return atom(JSON.stringify(encodeJson(node.kind === 'event' ? normalize(node) : node)));
  const negation = OPERATORS[node.op].negation;
  const positive = negation && !POSITIVE.has(node.op) ? negation : node.op;
  const truth = atom(JSON.stringify({ field: node.field, op: positive, value: node.value }));
  return positive === node.op ? truth : !truth;
}

describe('properties', () => {
  const atoms = fc.func(fc.boolean());

  test('normalize and toCompileForm keep the meaning of any filter', () => {
    fc.assert(
      fc.property(anyFilter, atoms, (ast, atom) => {
        const expected = evaluate(ast, atom);
        expect(evaluate(normalize(ast), atom)).toBe(expected);
        expect(evaluate(toCompileForm(ast), atom)).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  test('compile form: not only directly around a leaf without complement; flat and/or of two or more', () => {
    fc.assert(
      fc.property(anyFilter, (ast) => {
        walk(toCompileForm(ast), (node) => {
          if (node.kind === 'not') {
            const child = node.child;
            expect(child.kind === 'event' || child.kind === 'segment' || child.kind === 'snapshot' || (child.kind === 'condition' && !OPERATORS[child.op].negation)).toBe(true);
          }
          if (node.kind === 'and' || node.kind === 'or') {
            expect(node.children.length).toBeGreaterThanOrEqual(2);
            expect(node.children.every((child) => child.kind !== node.kind)).toBe(true);
          }
        });
      }),
      { numRuns: 500 },
    );
  });

  test('normalize is idempotent and keeps every not', () => {
    const nots = (node: FilterNode) => {
      let count = 0;
      walk(node, (n) => (count += n.kind === 'not' ? 1 : 0));
      return count;
    };
    fc.assert(
      fc.property(anyFilter, (ast) => {
        const once = normalize(ast);
        expect(normalize(once)).toBe(once);
        expect(nots(once)).toBe(nots(ast));
      }),
      { numRuns: 500 },
    );
  });
});

describe('inlineSegments', () => {
  const segments = new Map<string, FilterNode>([
    ['seg_vip', parse('custom.vip = true')],
    ['seg_gold', parse('in segment "seg_vip" and custom.tier = "gold"')],
    ['seg_a', parse('in segment "seg_b"')],
    ['seg_b', parse('x = 1 or in segment "seg_a"')],
    ...Array.from({ length: 8 }, (_, i): [string, FilterNode] => [
      `seg_fan_${i}`,
      parse(i === 7 ? 'a = 1 and b = 2' : Array.from({ length: 4 }, () => `in segment "seg_fan_${i + 1}"`).join(' and ')),
    ]),
  ]);

  test('replaces references by their definitions, recursively', () => {
    const inlined = unwrap(inlineSegments(parse('in segment "seg_gold" or not in segment "seg_vip"'), segments));
    expect(print(inlined)).toBe('(custom.vip = true and custom.tier = "gold") or not custom.vip = true');
    expect(inlined).toEqual({
      kind: 'or',
      origin: { line: 1, column: 1 },
      children: [
        {
          kind: 'and',
          origin: { line: 1, column: 1 },
          children: [
            { kind: 'condition', field: 'custom.vip', op: 'eq', value: true, origin: { line: 1, column: 1 } },
            { kind: 'condition', field: 'custom.tier', op: 'eq', value: 'gold', origin: { line: 1, column: 26 } },
          ],
        },
        { kind: 'not', origin: { line: 1, column: 26 }, child: { kind: 'condition', field: 'custom.vip', op: 'eq', value: true, origin: { line: 1, column: 1 } } },
      ],
    });
  });

  test('fails closed on unknown segments and cycles, collecting both', () => {
    expect(errorsOf(inlineSegments(parse('in segment "seg_gone" and in segment "seg_a"'), segments))).toEqual([
      { code: 'UNKNOWN_SEGMENT', message: 'Segment `seg_gone` does not exist.', line: 1, column: 1 },
      { code: 'SEGMENT_CYCLE', message: 'Segment `seg_a` refers back to itself: seg_a → seg_b → seg_a.', line: 1, column: 27 },
    ]);
  });

  test('stops a fan-out of references at the size limit instead of exhausting memory', () => {
    expect(errorsOf(inlineSegments(parse('x = 1 or\nin segment "seg_fan_0"'), segments))).toEqual([
      { code: 'LIMIT_EXCEEDED', message: 'With its segment references expanded the filter has more than 2,000 conditions.', line: 2, column: 1 },
    ]);
    expect(inlineSegments(parse('in segment "seg_fan_3"'), segments).ok).toBe(true);
  });
});
