import fc from 'fast-check';
import { birthdayProblem, parseMonth } from '../../src/domain/birthday';
import { EMAIL_STATUSES, emailTransition, keywordIntent, SMS_STATUSES, smsTransition } from '../../src/domain/consent';
import { coerceCustomValue } from '../../src/domain/custom-fields';
import { instantProblem, parseInstant, parseOffsetDateTime } from '../../src/domain/datetime';
import { checkPhone } from '../../src/domain/phone';
import { foldCase } from '../../src/text/case-fold';

describe('eligibility state machines', () => {
  test('no sequence of transitions ever returns a channel to KNOWN', () => {
    for (const [statuses, step] of [
      [EMAIL_STATUSES, emailTransition],
      [SMS_STATUSES, smsTransition],
    ] as const) {
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...statuses), { maxLength: 30 }), (wanted) => {
          let current: string = 'KNOWN';
          let left = false;
          for (const to of wanted) {
            const t = (step as (f: string, t: string) => { kind: string; to?: string })(current, to);
            if (t.kind === 'change') current = t.to!;
            if (current !== 'KNOWN') left = true;
            if (left) expect(current).not.toBe('KNOWN');
            if (t.kind === 'invalid') expect(to === 'KNOWN' || current === 'SUBSCRIBED' || current === 'PENDING').toBe(true);
          }
        }),
      );
    }
  });

  test('the transition tables', () => {
    expect(emailTransition('KNOWN', 'SUBSCRIBED')).toEqual({ kind: 'change', from: 'KNOWN', to: 'SUBSCRIBED' });
    expect(emailTransition('UNSUBSCRIBED', 'SUBSCRIBED')).toEqual({ kind: 'change', from: 'UNSUBSCRIBED', to: 'SUBSCRIBED' });
    expect(emailTransition('SUBSCRIBED', 'SUBSCRIBED')).toEqual({ kind: 'unchanged', status: 'SUBSCRIBED' });
    expect(smsTransition('PENDING', 'KNOWN')).toEqual({
      kind: 'invalid',
      reason: 'SMS status is PENDING and cannot change to KNOWN (a channel never returns to KNOWN); from PENDING it can change to SUBSCRIBED or UNSUBSCRIBED',
    });
    expect(smsTransition('SUBSCRIBED', 'PENDING').kind).toBe('invalid');
    expect(smsTransition('UNSUBSCRIBED', 'PENDING').kind).toBe('change');
  });

  test('keywords are whole messages, any case', () => {
    expect(['STOP', 'stop', ' Unsubscribe ', 'cancel', 'END', 'quit'].map(keywordIntent)).toEqual(Array(6).fill('UNSUBSCRIBE'));
    expect(['YES', 'y', 'Start'].map(keywordIntent)).toEqual(['CONFIRM', 'CONFIRM', 'CONFIRM']);
    expect(['stop please', 'yes!', '', 'STOPP'].map(keywordIntent)).toEqual(['NONE', 'NONE', 'NONE', 'NONE']);
  });
});

describe('field rules', () => {
  test('birthdays must be real dates; 29 February is allowed', () => {
    expect(birthdayProblem(29, 2)).toBeUndefined();
    expect(birthdayProblem(31, 4)).toBe('april has no day 31; it has at most 30 days');
    expect(birthdayProblem(0, null)).toBe('birthday_day must be a whole number from 1 to 31 (got 0)');
    expect(birthdayProblem(null, 13)).toBe('birthday_month must be a whole number from 1 to 12 (got 13)');
    expect(['4', '04', 'April', 'apr', ' DECEMBER ', 'Sept', 'x', 0].map((m) => parseMonth(m))).toEqual([4, 4, 4, 4, 12, undefined, undefined, undefined]);
  });

  test('phones normalize to E.164 with the namespace region', () => {
    expect(checkPhone('(415) 555-2671', 'US')).toEqual({ ok: true, e164: '+14155552671' });
    expect(checkPhone('020 7946 0958', 'GB')).toEqual({ ok: true, e164: '+442079460958' });
    expect(checkPhone('+44 20 7946 0958', 'US')).toEqual({ ok: true, e164: '+442079460958' });
    expect(checkPhone('555-0000', 'US').ok).toBe(false);
    expect(checkPhone('hello', 'US').ok).toBe(false);
  });

  test('custom values are checked against their type', () => {
    expect(coerceCustomValue('NUMBER', '12.50', true)).toEqual({ ok: true, value: 12.5 });
    expect(coerceCustomValue('NUMBER', '12.50')).toEqual({ ok: false, reason: 'expects a number, got the string "12.50"' });
    expect(coerceCustomValue('BOOLEAN', 'yes', true)).toEqual({ ok: true, value: true });
    expect(coerceCustomValue('STRING', '   ')).toEqual({ ok: true, value: null });
    expect(coerceCustomValue('DATETIME', '2026-01-31T10:00:00+02:00')).toEqual({ ok: true, value: '2026-01-31T08:00:00.000Z' });
    expect(coerceCustomValue('DATETIME', '2026-02-30').ok).toBe(false);
  });

  test('instants are strict ISO 8601', () => {
    expect(parseInstant('2024-02-29')?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(parseInstant('2023-02-29')).toBeUndefined();
    expect(parseInstant('2026-11-28T09:30:00.123456Z')?.toISOString()).toBe('2026-11-28T09:30:00.123Z');
    expect(parseInstant('2026-11-28 09:30+01:00')?.toISOString()).toBe('2026-11-28T08:30:00.000Z');
    expect(parseInstant('2026-11-28T09:30')).toBeUndefined(); // a date-time needs its offset
    expect(parseInstant('28/11/2026')).toBeUndefined();
  });

  test('the DateTime scalar\'s parser needs an explicit offset and says when it is missing', () => {
    expect(parseOffsetDateTime('2026-11-28T10:30:00+01:00')).toEqual({ ok: true, value: new Date('2026-11-28T09:30:00.000Z') });
    expect(parseOffsetDateTime('2026-11-28T09:30:00Z')).toEqual({ ok: true, value: new Date('2026-11-28T09:30:00.000Z') });
    expect(parseOffsetDateTime('2026-11-28T09:30:00')).toEqual({ ok: false, message: '"2026-11-28T09:30:00" has no UTC offset: add Z (UTC) or ±HH:MM, e.g. 2026-11-28T09:30:00Z' });
    expect(parseOffsetDateTime('2026-11-28 09:30')).toEqual({ ok: false, message: '"2026-11-28 09:30" has no UTC offset: add Z (UTC) or ±HH:MM, e.g. 2026-11-28T09:30Z' });
    expect(parseOffsetDateTime('2026-11-28')).toEqual({ ok: false, message: '"2026-11-28" is a date without a time and UTC offset: send e.g. 2026-11-28T00:00:00Z' });
    expect(parseOffsetDateTime('2026-02-30T00:00:00Z')).toEqual({ ok: false, message: '"2026-02-30T00:00:00Z" is not an ISO 8601 date-time; send e.g. 2026-11-28T09:30:00Z' });
    expect(instantProblem('2026-11-28T09:30:00')).toBe('"2026-11-28T09:30:00" has no UTC offset: add Z (UTC) or ±HH:MM, e.g. 2026-11-28T09:30:00Z');
  });

  test('case folding matches PostgreSQL lower() code point by code point', () => {
    expect(foldCase('ÉMILE ΣΟΦΙΑΣ İstanbul')).toBe('émile σοφιασ istanbul');
  });
});
