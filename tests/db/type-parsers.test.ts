import fc from 'fast-check';
import { Sql } from '../../src/db/sql';
import { parseTimestamptz } from '../../src/db/type-parsers';
import { describeEachDatabase } from '../support/databases';

/** A date as PostgreSQL writes a timestamptz in a UTC session: microseconds, trailing zeros dropped. */
function asPostgresWrites(date: Date, micros: number): string {
  const iso = date.toISOString(); // 2026-01-02T03:04:05.123Z
  const fraction = `${iso.slice(20, 23)}${String(micros).padStart(3, '0')}`.replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? `.${fraction}` : ''}+00`;
}

describe('parseTimestamptz', () => {
  test('gives what new Date gives for every timestamptz text of years 100 to 9999', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0100-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), fc.integer({ min: 0, max: 999 }), (date, micros) => {
        const text = asPostgresWrites(date, micros);
        expect(parseTimestamptz(text).getTime()).toBe(new Date(text).getTime());
        expect(parseTimestamptz(text).getTime()).toBe(date.getTime());
      }),
      { numRuns: 2000 },
    );
  });

  test.each([
    '2026-01-02 03:04:05+00', '2026-01-02 03:04:05.5+00', '2026-01-02 03:04:05.05+00', '2026-01-02 03:04:05.123456+00',
    // Not the fast path's shape: left to new Date, with its answer.
    '2026-01-02 03:04:05+05:30', '0044-03-15 12:00:00+00 BC', '0099-12-31 23:59:59+00', 'infinity', '-infinity', '2026-01-02 03:04:05.+00', '2026-01-0x 03:04:05+00',
  ])('%s: the same instant as new Date', (text) => {
    expect(String(parseTimestamptz(text).getTime())).toBe(String(new Date(text).getTime()));
  });
});

describeEachDatabase('timestamptz values read from the database', (getDb) => {
  test('are the instants PostgreSQL itself writes as ISO text', async () => {
    const sql = new Sql(getDb().orm.em.fork());
    const rows = await sql.rows<{ at: Date; iso: string }>(
      `select t as at, to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as iso
       from unnest($1::timestamptz[]) as t`,
      [['2026-01-02T03:04:05.123456Z', '2026-06-30T23:59:59.9Z', '1999-12-31T00:00:00Z', '0100-01-01T00:00:00Z', '2026-03-29T01:30:00+02:00', '9999-12-31T23:59:59.999999Z']],
    );
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(row.at.toISOString()).toBe(row.iso);
  });
});
