/**
 * The operator table: one row per operator, consistent negations, and the operators per type
 * exactly as specified.
 */
import { OPERATOR_NAMES, OPERATOR_TABLE, OPERATORS, operatorsFor, type OperatorName } from '../../src/audience';

describe('operator table', () => {
  test('one row per operator, in a fixed order', () => {
    const all: Record<OperatorName, true> = {
      eq: true, neq: true, lt: true, lte: true, gt: true, gte: true, between: true, in: true, not_in: true,
      contains: true, not_contains: true, starts_with: true, ends_with: true, is_set: true, is_not_set: true,
      before: true, after: true, on: true, in_period: true, within_last: true, before_last: true, within_next: true,
    };
    expect(OPERATOR_NAMES).toEqual(Object.keys(all));
    expect(Object.keys(OPERATORS)).toEqual(Object.keys(all));
    expect(new Set(OPERATOR_TABLE.map((spec) => spec.text)).size).toBe(OPERATOR_TABLE.length);
  });

  test('negation pairs are symmetric complements of the same shape and operands', () => {
    const pairs = OPERATOR_TABLE.filter((spec) => spec.negation).map((spec) => [spec.name, spec.negation]);
    expect(pairs).toEqual([
      ['eq', 'neq'],
      ['neq', 'eq'],
      ['in', 'not_in'],
      ['not_in', 'in'],
      ['contains', 'not_contains'],
      ['not_contains', 'contains'],
      ['is_set', 'is_not_set'],
      ['is_not_set', 'is_set'],
    ]);
    for (const spec of OPERATOR_TABLE.filter((s) => s.negation)) {
      const other = OPERATORS[spec.negation!];
      expect([other.appliesTo, other.valueShape, other.matchesMissing]).toEqual([spec.appliesTo, spec.valueShape, !spec.matchesMissing]);
    }
  });

  test('only the negative operators match a missing value', () => {
    expect(OPERATOR_TABLE.filter((spec) => spec.matchesMissing).map((spec) => spec.name)).toEqual(['neq', 'not_in', 'not_contains', 'is_not_set']);
  });

  test('operators per type', () => {
    expect({
      string: operatorsFor('string'),
      number: operatorsFor('number'),
      boolean: operatorsFor('boolean'),
      datetime: operatorsFor('datetime'),
      enum: operatorsFor('enum'),
      birthday: operatorsFor('birthday'),
      event_property: operatorsFor('event_property'),
    }).toEqual({
      string: ['eq', 'neq', 'in', 'not_in', 'contains', 'not_contains', 'starts_with', 'ends_with', 'is_set', 'is_not_set'],
      number: ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'between', 'in', 'not_in', 'is_set', 'is_not_set'],
      boolean: ['eq', 'neq', 'is_set', 'is_not_set'],
      datetime: ['between', 'is_set', 'is_not_set', 'before', 'after', 'on', 'in_period', 'within_last', 'before_last', 'within_next'],
      enum: ['eq', 'neq', 'in', 'not_in', 'is_set', 'is_not_set'],
      birthday: ['within_next'],
      event_property: ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'between', 'in', 'not_in', 'contains', 'not_contains', 'starts_with', 'ends_with', 'is_set', 'is_not_set'],
    });
  });

  test('value shapes', () => {
    expect(Object.fromEntries(OPERATOR_TABLE.map((spec) => [spec.name, spec.valueShape]))).toEqual({
      eq: 'scalar', neq: 'scalar', lt: 'scalar', lte: 'scalar', gt: 'scalar', gte: 'scalar', between: 'range',
      in: 'list', not_in: 'list', contains: 'scalar', not_contains: 'scalar', starts_with: 'scalar', ends_with: 'scalar',
      is_set: 'none', is_not_set: 'none', before: 'date', after: 'date', on: 'date', in_period: 'period',
      within_last: 'duration', before_last: 'duration', within_next: 'duration',
    });
  });
});
