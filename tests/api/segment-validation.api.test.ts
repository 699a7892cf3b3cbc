/**
 * Issue 13 §2 and 12 §2 over HTTP, on both databases: what the compiler refuses, the validator
 * refuses first, with its location, and validate, preview and create give the same code; a huge
 * unknown name is refused by the decoder, not worked on.
 */
import { CreateSegmentDocument, PreviewSegmentDocument, SegmentsDocument, ValidateSegmentDocument } from '../generated/graphql';
import { describeEachApp } from '../support/app';
import { newNamespace } from '../support/client';

const OUTSIDE = 'falls outside the years 0001-9999 (UTC); write a date from 0001-01-01 to 9999-12-31.';

const CASES: readonly { name: string; filter: unknown; code: string; path: string; message: string }[] = [
  {
    name: 'a lone surrogate',
    filter: { field: 'first_name', op: 'eq', value: '\ud83d' },
    code: 'INVALID_VALUE',
    path: '/value',
    message: 'Operator `eq` on field `first_name` (string) got a value that contains a lone surrogate (U+D83D) at position 0, which is not valid Unicode; send well-formed UTF-8 text.',
  },
  {
    name: 'a NUL',
    filter: { and: [{ field: 'last_name', op: 'is_set' }, { field: 'last_name', op: 'contains', value: 'a\u0000b' }] },
    code: 'INVALID_VALUE',
    path: '/and/1/value',
    message: 'Operator `contains` on field `last_name` (string) got a value that contains a NUL character (U+0000) at position 1, which cannot be stored; remove it.',
  },
  {
    name: 'an instant before year 1',
    filter: { field: 'last_purchase_date', op: 'before', value: '0001-01-01T00:00:00+00:01' },
    code: 'INVALID_DATE',
    path: '/value',
    message: `"0001-01-01T00:00:00+00:01" ${OUTSIDE}`,
  },
  {
    name: 'an instant after year 9999 in an event window',
    filter: { event: 'purchase', window: { between: ['2026-01-01', '9999-12-31T23:59:00-00:01'] } },
    code: 'INVALID_DATE',
    path: '/window/between/1',
    message: `"9999-12-31T23:59:00-00:01" ${OUTSIDE}`,
  },
];

describeEachApp('the validator rejects what the compiler refuses', (getApp) => {
  test.each(CASES)('$name: validate, preview and create all say BAD_USER_INPUT with the same location', async ({ filter, code, path, message }) => {
    const { client } = await newNamespace(getApp().url);
    const validated = await client.data(ValidateSegmentDocument, { definition: { filter } });
    expect(validated.validateSegment).toEqual({ valid: false, errors: [{ code, message, path: ['definition', 'filter', ...path.split('/').slice(1)], line: null, column: null }], normalized: null, text: null });

    const preview = await client.request(PreviewSegmentDocument, { definition: { filter } });
    const created = await client.request(CreateSegmentDocument, { input: { name: 'hostile', definition: { filter } } });
    for (const result of [preview, created]) {
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
      expect(result.errors![0]!.message).toContain(message);
    }
    expect(created.errors![0]!.extensions!.problems).toEqual([
      expect.objectContaining({ path: ['input', 'definition', 'filter', ...path.split('/').slice(1)], message }),
    ]);
    expect((await client.data(SegmentsDocument, { first: 10 })).segments.nodes).toEqual([]);
  });

  test('the same through the text form, located by line and column', async () => {
    const { client } = await newNamespace(getApp().url);
    const expression = 'first_name is set and\n  first_name = "\\ud83d"';
    const validated = await client.data(ValidateSegmentDocument, { definition: { expression } });
    expect(validated.validateSegment.errors).toEqual([{ code: 'INVALID_VALUE', message: CASES[0]!.message, path: ['definition', 'expression'], line: 2, column: 3 }]);
    const created = await client.request(CreateSegmentDocument, { input: { name: 'hostile', definition: { expression } } });
    expect(created.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });
});

describeEachApp('"did you mean" work is bounded (issue 12 §2)', (getApp) => {
  test('a 100 kB unknown field name and 20 × 30 kB names are refused by the decoder, each with its path', async () => {
    const { client } = await newNamespace(getApp().url);
    const one = await client.data(ValidateSegmentDocument, { definition: { filter: { field: 'x'.repeat(100_000), op: 'is_set' } } });
    expect(one.validateSegment.errors).toEqual([
      { code: 'LIMIT_EXCEEDED', message: 'The field name is longer than 256 characters.', path: ['definition', 'filter', 'field'], line: null, column: null },
    ]);
    const many = { or: Array.from({ length: 20 }, (_, i) => ({ field: `${i}`.padEnd(30_000, 'y'), op: 'is_set' })) };
    const twenty = await client.data(ValidateSegmentDocument, { definition: { filter: many } });
    expect(twenty.validateSegment.errors.map((e) => [e.code, e.path])).toEqual(Array.from({ length: 20 }, (_, i) => ['LIMIT_EXCEEDED', ['definition', 'filter', 'or', String(i), 'field']]));
  });

  test('an unknown name within the limit still gets suggestions by words', async () => {
    const { client } = await newNamespace(getApp().url);
    const result = await client.data(ValidateSegmentDocument, { definition: { expression: 'status = "SUBSCRIBED"' } });
    expect(result.validateSegment.errors).toEqual([
      { code: 'UNKNOWN_FIELD', message: 'Unknown field `status`. Did you mean `sms_status` or `email_status`?', path: ['definition', 'expression'], line: 1, column: 1 },
    ]);
  });
});
