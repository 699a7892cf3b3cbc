/**
 * The shared examples (fixtures/examples.json, a copy of /work/shared/audience/examples.json):
 * every text parses to exactly the given JSON, every must_fail text is a located syntax error.
 */
import { decodeJson, encodeJson, parseText, print, validate } from '../../src/audience';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import examples from './fixtures/examples.json';
import { errorsOf, parse, unwrap, withoutOrigins } from './support/helpers';
import { testCatalog } from './support/test-catalog';

const noSegments = new Map([
  ['seg_vip', parse('custom.vip = true')],
  ['seg_churned', parse('last_purchase_date more than 6 months ago')],
]);

describe('examples.json', () => {
  test.each(examples.examples.map((example) => [example.text, example.filter]))('%s', (text, filter) => {
    expect(encodeJson(parse(text))).toEqual(filter);
  });

  test.each(examples.examples.map((example) => [example.text]))('print and parse again: %s', (text) => {
    const ast = parse(text);
    expect(withoutOrigins(parse(print(ast)))).toEqual(withoutOrigins(ast));
  });

  test.each(examples.examples.map((example) => [example.filter]))('decode then encode gives the same JSON, example %#', (filter) => {
    expect(encodeJson(unwrap(decodeJson(filter)))).toEqual(filter);
  });

  test('every example validates against the standard catalog, except the unknown field a_or_b', () => {
    const results = examples.examples.map((example) => validate(parse(example.text), testCatalog, noSegments));
    expect(results.map((result) => result.ok)).toEqual(examples.examples.map((example) => !example.text.startsWith('a_or_b')));
    expect(errorsOf(results[4])).toEqual([
      { code: 'UNKNOWN_FIELD', message: 'Unknown field `a_or_b`. This namespace has no such field.', line: 1, column: 1 },
    ]);
  });

  test('the printed form of each example is canonical', () => {
    expect(examples.examples.map((example) => print(parse(example.text)))).toEqual([
      'email_status = "SUBSCRIBED" and first_identified_date within last 30 days',
      'custom.loyalty_tier in ("gold", "platinum") or last_purchase_date after 2026-01-01',
      'not email_status = "UNSUBSCRIBED" and email_hash_number < 10',
      'first_name is set or last_name is not set',
      'a_or_b = 1 or ((custom.score >= 2.5 and custom.vip = true) and last_name != "O\'Brien")',
      'first_name contains "an" and last_name starts with "Mc" and custom.city ends with "burg" and first_name not contains "x" and custom.tier not in ("bronze")',
      'email_hash_number between 0 and 9 and last_purchase_date between 2026-01-01 and 2026-03-31T23:59:59Z',
      'last_email_sent on 2026-11-01 or last_email_sent more than 2 weeks ago or last_email_scheduled within next 12 hours',
      'birthday within next 7 days and has_email_delivered = true and has_received_email != false',
      'did purchase at least 2 times within last 90 days where (total > 50 and category = "shoes")',
      'did not purchase within last 1 month or did not email_delivered',
      'did viewed_product more than 3 times between 2026-10-01 and 2026-10-31 and did purchase at most 1 time',
      'did purchase and did email_sent fewer than 5 times',
      'in segment "seg_vip" and not in segment "seg_churned"',
      'not (sms_status = "SUBSCRIBED" or sms_status in ("PENDING")) and email != "a\\"b@example.com"',
      'custom.lifetime_value <= -1250 or custom.visits > 0',
    ]);
  });
});

describe('examples.json must_fail', () => {
  const expected: Record<string, { message: string; line: number; column: number }> = {
    'email_status = ': {
      message:
        'Expected a value after `=`, found end of input. Values are "double-quoted strings", numbers, dates such as 2026-01-31, true or false.',
      line: 1,
      column: 15,
    },
    'first_name in ()': {
      message: 'Expected a value, found `)`; a list needs at least one value.',
      line: 1,
      column: 16,
    },
    '(first_name is set': {
      message: 'Expected `and`, `or` or `)` to close the `(` at line 1, column 1, found end of input.',
      line: 1,
      column: 19,
    },
    'did purchase where total > 50': {
      message:
        'Expected `(` after `where`, found `total`. Property conditions are written in parentheses, as in `where (total > 50)`.',
      line: 1,
      column: 20,
    },
    'first_name = "unterminated': {
      message: 'Unterminated string; close it with `"` on the same line.',
      line: 1,
      column: 14,
    },
  };

  test('the expectations cover every must_fail text', () => {
    expect(Object.keys(expected).sort()).toEqual(examples.must_fail.map((failure) => failure.text).sort());
  });

  test.each(examples.must_fail.map((failure) => [failure.text, failure.why]))('%s (%s)', (text) => {
    expect(errorsOf(parseText(text))).toEqual([{ code: 'SYNTAX_ERROR', ...expected[text] }]);
  });
});

describe('the fixture copy of the shared examples', () => {
  const shared = join(__dirname, '../../../shared/audience/examples.json');
  (existsSync(shared) ? test : test.skip)(`matches ../shared/audience/examples.json${existsSync(shared) ? '' : ' (skipped: ../shared is not beside the repository)'}`, () => {
    expect(JSON.parse(readFileSync(shared, 'utf8'))).toEqual(examples);
  });
});
