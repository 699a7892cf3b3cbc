/**
 * Warnings for values never seen in a low-cardinality string custom field (issue 13 §1):
 * `custom.loyalty_tier = "Gold"` when the stored values are lower case. Exact messages and
 * locations; which fields are sampled; no warning for high-cardinality fields or fields without data.
 */
import { MAX_SAMPLED_VALUES, sampledFields, valueWarnings, type FilterNode } from '../../src/audience';
import { decode, parse } from './support/helpers';
import { testCatalog } from './support/test-catalog';

const TIERS = ['gold', 'platinum', 'silver'];
const warn = (filter: FilterNode, samples: Record<string, string[]> = { loyalty_tier: TIERS }) =>
  valueWarnings(filter, testCatalog, new Map(Object.entries(samples))).map((w) => w.toJSON());

describe('unseen field values', () => {
  test('a case mistake suggests the stored value', () => {
    expect(warn(parse('custom.loyalty_tier = "Gold"'))).toEqual([
      {
        code: 'UNSEEN_FIELD_VALUE',
        message: 'No profile has had "Gold" in `custom.loyalty_tier`, whose values are "gold", "platinum" and "silver" (case matters). Did you mean "gold"?',
        line: 1,
        column: 1,
      },
    ]);
  });

  test('each unseen item of a list, at its index; a typo suggests the nearest value; a known value is fine', () => {
    const filter = decode({ field: 'custom.loyalty_tier', op: 'not_in', value: ['gold', 'platnum', 'bronze'] });
    expect(warn(filter)).toEqual([
      { code: 'UNSEEN_FIELD_VALUE', message: expect.stringContaining('Did you mean "platinum"?'), path: '/value/1' },
      { code: 'UNSEEN_FIELD_VALUE', message: expect.not.stringContaining('Did you mean'), path: '/value/2' },
    ]);
  });

  test('only exact comparisons of string custom fields are sampled', () => {
    const filter = parse(
      'custom.loyalty_tier = "x" or custom.city != "y" or custom.tier contains "z" or first_name = "Ann" or custom.score = 3 or custom.city in ("a", "b")',
    );
    expect(sampledFields(filter, testCatalog)).toEqual(['city', 'loyalty_tier']);
  });

  test('no warning for a field with many values, or with none yet', () => {
    const many = Array.from({ length: MAX_SAMPLED_VALUES + 1 }, (_, i) => `v${i}`);
    expect(warn(parse('custom.loyalty_tier = "Gold"'), { loyalty_tier: many })).toEqual([]);
    expect(warn(parse('custom.loyalty_tier = "Gold"'), { loyalty_tier: [] })).toEqual([]);
    expect(warn(parse('custom.loyalty_tier = "Gold"'), {})).toEqual([]);
  });

  test("the case-insensitive match uses the service's own fold, not the locale's (İ folds to i)", () => {
    const [warning] = warn(parse('custom.city = "İSTANBUL"'), { city: ['istanbul', 'oslo'] });
    expect(warning.message).toContain('Did you mean "istanbul"?');
  });

  test('a partial sample says so', () => {
    const [warning] = valueWarnings(parse('custom.loyalty_tier = "Gold"'), testCatalog, new Map([['loyalty_tier', TIERS]]), { sampled: 10_000 }).map((w) => w.toJSON());
    expect(warning.message).toBe(
      'None of the 10,000 newest profiles has had "Gold" in `custom.loyalty_tier`, whose values there are "gold", "platinum" and "silver" (case matters). Did you mean "gold"?',
    );
  });

  test('long values are cut in the message', () => {
    const long = 'x'.repeat(200);
    const [warning] = warn(parse(`custom.loyalty_tier = "${long}"`), { loyalty_tier: [long.slice(1)] });
    expect(warning.message).toContain(`"${'x'.repeat(60)}…"`);
    expect(warning.message.length).toBeLessThan(400);
  });
});
