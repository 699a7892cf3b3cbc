/**
 * "Did you mean" with bounded work (issue 12 §2): the suggestions themselves (distance, prefix,
 * shared words), and the work spent, counted in units by `SuggestionBudget` rather than timed.
 */
import fc from 'fast-check';
import { decodeJson, MAX_NAME_LENGTH, MAX_SUGGESTION_WORK, suggestionList, SuggestionBudget, validate, type FieldCatalog, type FilterNode } from '../../src/audience';
import { boundedDistance } from '../../src/audience/validation/suggestions';
import { errorsOf } from './support/helpers';
import { testCatalog } from './support/test-catalog';

const FIELDS = ['first_name', 'last_name', 'email', 'email_status', 'custom.loyalty_tier', 'custom.city', 'custom.lifetime_value'];

/** The full optimal-string-alignment matrix, the reference for the banded one. */
function fullDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2][j - 2] + 1);
      rows[i][j] = best;
    }
  }
  return rows[a.length][b.length];
}

const condition = (field: string): FilterNode => ({ kind: 'condition', field, op: 'is_set', origin: { path: '' } });

describe('suggestions', () => {
  test.each([
    ['frist_name', ['first_name', 'last_name']],
    ['custom.tier', ['custom.loyalty_tier', 'custom.city']],
    ['tier', ['custom.loyalty_tier']],
    ['custom.loy', ['custom.loyalty_tier', 'custom.city']],
    ['EMAIL', ['email', 'email_status']],
    ['lifetime_value', ['custom.lifetime_value']],
    ['emial_status', ['email_status']],
    ['zzzzzz', []],
  ])('%s → %j', (input, expected) => {
    expect(suggestionList(input, FIELDS)).toEqual(expected);
  });

  test('an unknown field error names the word match first', () => {
    const errors = errorsOf(validate(condition('custom.tier'), { lookup: () => undefined, names: () => [...FIELDS, 'custom.tie'] }, new Map()));
    expect(errors).toEqual([
      { code: 'UNKNOWN_FIELD', message: 'Unknown field `custom.tier`. Did you mean `custom.loyalty_tier`, `custom.tie` or `custom.city`?', path: '/field' },
    ]);
  });

  test('the banded distance equals the full one wherever it is within the threshold', () => {
    const name = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '_', '.'), maxLength: 12 });
    fc.assert(
      fc.property(name, name, fc.integer({ min: 0, max: 6 }), (a, b, threshold) => {
        const full = fullDistance(a, b);
        const banded = boundedDistance(a, b, threshold, new SuggestionBudget());
        expect(banded).toBe(full <= threshold ? full : threshold + 1);
      }),
      { numRuns: 500 },
    );
  });

  test('the banded distance computes only the band and stops at the first row past the threshold', () => {
    const budget = new SuggestionBudget();
    expect(boundedDistance('abcdefghij', 'abcdefghij'.replace('e', 'x'), 2, budget)).toBe(1);
    // 10 rows of at most 5 cells (|i - j| <= 2), minus the clipped corners.
    expect(budget.used).toBe(44);
    const early = new SuggestionBudget();
    expect(boundedDistance('aaaaaaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbbbbbb', 2, early)).toBe(3);
    expect(early.used).toBe(3 + 4 + 5);
  });
});

describe('bounded validation work (issue 12 §2)', () => {
  test('a 100 kB unknown field name spends no suggestion work at all', () => {
    const budget = new SuggestionBudget();
    const name = 'x'.repeat(100_000);
    const errors = errorsOf(validate(condition(name), testCatalog, new Map(), { suggestionBudget: budget }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'UNKNOWN_FIELD', path: '/field' });
    expect(errors[0]!.message).toMatch(/This namespace has no such field\.$/);
    expect(budget.used).toBe(0);
  });

  test('20 unknown names of 30 kB each spend no suggestion work either', () => {
    const budget = new SuggestionBudget();
    const filter: FilterNode = { kind: 'and', children: Array.from({ length: 20 }, (_, i) => condition(`${i}`.padEnd(30_000, 'y'))), origin: { path: '' } };
    const result = validate(filter, testCatalog, new Map(), { suggestionBudget: budget });
    expect(errorsOf(result).map((e) => e.code)).toEqual(Array(20).fill('UNKNOWN_FIELD'));
    expect(budget.used).toBe(0);
  });

  test('the JSON decoder refuses the same names before validation', () => {
    expect(errorsOf(decodeJson({ field: 'x'.repeat(100_000), op: 'is_set' }))).toEqual([
      { code: 'LIMIT_EXCEEDED', message: `The field name is longer than ${MAX_NAME_LENGTH} characters.`, path: '/field' },
    ]);
    const many = { and: Array.from({ length: 20 }, () => ({ event: 'e'.repeat(30_000), where: [{ property: 'p'.repeat(30_000), op: 'is_set' }] })) };
    const errors = errorsOf(decodeJson(many));
    expect(errors).toHaveLength(40);
    expect(errors.slice(0, 2)).toEqual([
      { code: 'LIMIT_EXCEEDED', message: `The event type is longer than ${MAX_NAME_LENGTH} characters.`, path: '/and/0/event' },
      { code: 'LIMIT_EXCEEDED', message: `The property name is longer than ${MAX_NAME_LENGTH} characters.`, path: '/and/0/where/0/property' },
    ]);
    expect(decodeJson({ field: 'x'.repeat(MAX_NAME_LENGTH), op: 'is_set' }).ok).toBe(true);
  });

  test('the worst filter the limits allow stays within MAX_SUGGESTION_WORK, and errors keep coming once it is spent', () => {
    // 200 unknown names as long as the decoder allows and near the longest catalog names, against 1,000 fields.
    const fields = Array.from({ length: 1_000 }, (_, i) => `custom.${'f'.repeat(40)}_${i}`);
    const big: FieldCatalog = { lookup: () => undefined, names: () => fields };
    const budget = new SuggestionBudget();
    const filter: FilterNode = { kind: 'or', children: Array.from({ length: 200 }, (_, i) => condition(`custom.${'f'.repeat(40)}_${i}x`)), origin: { path: '' } };
    const errors = errorsOf(validate(filter, big, new Map(), { suggestionBudget: budget }));
    expect(errors).toHaveLength(101); // MAX_ERRORS, then one LIMIT_EXCEEDED
    expect(budget.used).toBeLessThanOrEqual(MAX_SUGGESTION_WORK);
    expect(budget.used).toBeGreaterThan(MAX_SUGGESTION_WORK * 0.9);
    expect(errors[0]!.message).toContain('Did you mean `custom.ffffffffffffffffffffffffffffffffffffffff_0`');
    expect(errors[99]!.message).toBe(`Unknown field \`custom.${'f'.repeat(40)}_99x\`. This namespace has no such field.`);
  });
});
