/**
 * The compiler fails closed: anything it cannot compile exactly is an AudienceCompileError
 * (with a code and the node's location), never "everyone".
 */
import { OPERATORS, operatorsFor, validate, type FieldDef, type FilterNode, type OperatorName, type Value } from '../../src/audience';
import {
  AudienceCompileError,
  COMPILE_MAX_DEPTH,
  compileAudience,
  membershipStatement,
  type AudienceQuery,
  type CompileErrorCode,
} from '../../src/audience/compiler';
import { catalog, customField, SqlTestCatalog, SQL_TEST_FIELDS } from './support/catalog';
import { filterOf } from './support/harness';

const namespaceId = '3f1c2a9e-6b8d-4c1e-9f00-1234567890ab';
const asOf = new Date('2026-11-28T12:00:00.000Z');
const origin = { path: '/filter' };

function compileError(run: () => unknown): { code: CompileErrorCode; path?: string } {
  try {
    run();
  } catch (error) {
    if (!(error instanceof AudienceCompileError)) throw error;
    const { code, path } = error.toJSON();
    return { code, ...(path !== undefined && { path }) };
  }
  throw new Error('expected an AudienceCompileError, but it compiled');
}

const compile = (filter: FilterNode, options: Partial<Parameters<typeof compileAudience>[1]> = {}): AudienceQuery =>
  compileAudience(filter, { catalog, asOf, namespaceId, ...options });

const condition = (field: string, op: string, value?: unknown): FilterNode =>
  ({ kind: 'condition', field, op, ...(value !== undefined && { value }), origin }) as FilterNode;

describe('the compiler fails closed', () => {
  test('on a segment reference that was not inlined, wherever it is', () => {
    const segment: FilterNode = { kind: 'segment', id: 'seg_vip', origin: { path: '/and/1/not' } };
    expect(compileError(() => compile(segment))).toEqual({ code: 'SEGMENT_NOT_INLINED', path: '/and/1/not' });
    const nested: FilterNode = { kind: 'and', children: [filterOf('first_name = "a"'), { kind: 'not', child: segment, origin }], origin };
    expect(compileError(() => compile(nested))).toEqual({ code: 'SEGMENT_NOT_INLINED', path: '/and/1/not' });
  });

  test.each([
    ['an unknown field', condition('frist_name', 'eq', 'x'), 'UNKNOWN_FIELD'],
    ['an unknown operator', condition('first_name', 'like', 'x'), 'OPERATOR_NOT_ALLOWED'],
    ['an operator of another type', condition('email_hash_number', 'contains', '1'), 'OPERATOR_NOT_ALLOWED'],
    ['a string for a number field', condition('email_hash_number', 'eq', '1'), 'INVALID_VALUE'],
    ['an infinite number', condition('custom.score', 'gt', Infinity), 'INVALID_VALUE'],
    ['a number for a string field', condition('first_name', 'eq', 1), 'INVALID_VALUE'],
    ['an empty list', condition('first_name', 'in', []), 'INVALID_VALUE'],
    ['a mixed list', condition('email_hash_number', 'in', [1, '2']), 'INVALID_VALUE'],
    ['a value for is_set', condition('first_name', 'is_set', 'x'), 'INVALID_VALUE'],
    ['a date that is not real', condition('last_email_sent', 'on', '2026-02-30'), 'INVALID_VALUE'],
    ['an unknown duration unit', condition('last_email_sent', 'within_last', { amount: 1, unit: 'fortnight' }), 'INVALID_VALUE'],
    ['a fractional duration', condition('last_email_sent', 'within_last', { amount: 1.5, unit: 'day' }), 'INVALID_VALUE'],
    ['a birthday window of months', condition('birthday', 'within_next', { amount: 1, unit: 'month' }), 'INVALID_VALUE'],
    ['a NUL character in a value', condition('first_name', 'eq', 'a\u0000b'), 'UNREPRESENTABLE_TEXT'],
    ['a lone surrogate in a list value', condition('first_name', 'in', ['ok', '\ud800']), 'UNREPRESENTABLE_TEXT'],
  ])('on %s', (_what, filter, code) => {
    expect(compileError(() => compile(filter))).toEqual({ code, path: '/filter' });
  });

  test('on event conditions it cannot compile', () => {
    const event = (parts: object): FilterNode => ({ kind: 'event', event: 'purchase', origin, ...parts }) as FilterNode;
    expect(compileError(() => compile(event({ count: { op: 'gte', value: -1 } })))).toEqual({ code: 'INVALID_VALUE', path: '/filter' });
    expect(compileError(() => compile(event({ count: { op: 'ne', value: 1 } })))).toEqual({ code: 'INVALID_VALUE', path: '/filter' });
    expect(compileError(() => compile(event({ event: 'a\u0000' })))).toEqual({ code: 'UNREPRESENTABLE_TEXT', path: '/filter' });
    const property = (op: string, value?: unknown): FilterNode => event({ where: [{ kind: 'property', property: 'total', op, value, origin: { path: '/filter/where/0' } }] });
    expect(compileError(() => compile(property('before', '2026-01-01')))).toEqual({ code: 'OPERATOR_NOT_ALLOWED', path: '/filter/where/0' });
    expect(compileError(() => compile(property('in', [1, 'a'])))).toEqual({ code: 'INVALID_VALUE', path: '/filter/where/0' });
    expect(compileError(() => compile(property('contains', 5)))).toEqual({ code: 'INVALID_VALUE', path: '/filter/where/0' });
  });

  test('on an empty and/or (which would otherwise mean everyone or no one)', () => {
    expect(compileError(() => compile({ kind: 'and', children: [], origin }))).toEqual({ code: 'INVALID_VALUE', path: '/filter' });
    expect(compileError(() => compile({ kind: 'or', children: [], origin }))).toEqual({ code: 'INVALID_VALUE', path: '/filter' });
  });

  test('on a filter nested deeper than segments can produce', () => {
    let filter = filterOf('first_name = "a"');
    for (let i = 0; i <= COMPILE_MAX_DEPTH; i++) filter = { kind: 'not', child: filter, origin };
    expect(compileError(() => compile(filter))).toEqual({ code: 'TOO_DEEP', path: '/filter' });
  });

  test('on a catalog whose storage does not fit the field type', () => {
    const numberName: FieldDef = { name: 'first_name', type: 'number', kind: 'standard', description: '', storage: { kind: 'column', column: 'first_name' } };
    const stale = new SqlTestCatalog([numberName, customField('when', 'birthday')]);
    expect(compileError(() => compile(condition('first_name', 'eq', 1), { catalog: stale }))).toMatchObject({ code: 'UNSUPPORTED_FIELD' });
    const unknownColumn: FieldDef = { name: 'x', type: 'string', kind: 'standard', description: '', storage: { kind: 'column', column: 'password' as never } };
    expect(compileError(() => compile(condition('x', 'eq', 'a'), { catalog: new SqlTestCatalog([unknownColumn]) }))).toMatchObject({ code: 'UNSUPPORTED_FIELD' });
  });

  test('on invalid options and statement arguments', () => {
    const filter = filterOf('first_name = "a"');
    expect(compileError(() => compile(filter, { namespaceId: "x' or 1=1 --" }))).toEqual({ code: 'INVALID_OPTIONS' });
    expect(compileError(() => compile(filter, { asOf: new Date(Number.NaN) }))).toEqual({ code: 'INVALID_OPTIONS' });
    // asOf so far out that asOf + 1 month leaves the years 1-9999.
    expect(compileError(() => compile(filterOf('last_email_sent within next 1 month'), { asOf: new Date('9999-12-15T00:00:00Z') }))).toEqual({ code: 'INVALID_OPTIONS' });
    const query = compile(filter);
    for (const select of ['p.id; drop table profile', 'p.id, $1', 'p.id -- comment', 'p.id /* x */', ' ']) {
      expect(compileError(() => query.page({ afterId: 0, limit: 10, select }))).toEqual({ code: 'INVALID_OPTIONS' });
    }
    expect(compileError(() => query.page({ afterId: 0.5, limit: 10, select: 'p.id' }))).toEqual({ code: 'INVALID_OPTIONS' });
    expect(compileError(() => query.page({ afterId: 0, limit: 0, select: 'p.id' }))).toEqual({ code: 'INVALID_OPTIONS' });
    expect(compileError(() => query.member(Number.NaN))).toEqual({ code: 'INVALID_OPTIONS' });
  });

  test('on a membership statement across namespaces or with a foreign query object', () => {
    const filter = filterOf('first_name = "a"');
    const mine = compile(filter);
    const theirs = compile(filter, { namespaceId: '00000000-0000-4000-8000-000000000000' });
    expect(compileError(() => membershipStatement([{ key: 'a', query: mine }, { key: 'b', query: theirs }], [1]))).toEqual({ code: 'INVALID_OPTIONS' });
    const forged = { ...mine, predicate: { sql: 'true', params: [namespaceId] } } as AudienceQuery;
    expect(compileError(() => membershipStatement([{ key: 'a', query: forged }], [1]))).toEqual({ code: 'INVALID_OPTIONS' });
    expect(compileError(() => membershipStatement([{ key: 'a', query: mine }], [1.5]))).toEqual({ code: 'INVALID_OPTIONS' });
  });

  test('but compiles every (field, operator) pair the validator accepts', () => {
    const sample = (def: FieldDef, op: OperatorName): Value | undefined => {
      const spec = OPERATORS[op];
      const scalar = def.type === 'number' ? 5 : def.type === 'boolean' ? true : def.type === 'enum' ? def.enumValues![0] : 'x';
      switch (spec.valueShape) {
        case 'none':
          return undefined;
        case 'scalar':
          return scalar as Value;
        case 'list':
          return [scalar as string];
        case 'range':
          return def.type === 'datetime' ? ['2026-01-01', '2026-02-01'] : [1, 2];
        case 'date':
          return '2026-01-01';
        case 'duration':
          return { amount: def.type === 'birthday' ? 0 : 1, unit: 'day' };
        case 'period':
          return 'this_month';
      }
    };
    let compiled = 0;
    for (const def of SQL_TEST_FIELDS) {
      for (const op of operatorsFor(def.type)) {
        const filter = condition(def.name, op, sample(def, op));
        expect(validate(filter, catalog, new Map()).ok).toBe(true);
        expect(compile(filter).predicate.params[0]).toBe(namespaceId);
        compiled++;
      }
    }
    // string 10 × 5 fields, number 11 × 4, boolean 4 × 3, datetime 10 × 6, enum 6 × 2, birthday 1.
    expect(compiled).toBe(179);
  });
});
