/**
 * Months are calendar months with the day clamped exactly as PostgreSQL clamps it: the bounds the
 * compiler computes in JavaScript for `within last N months` / `within next N months` equal
 * PostgreSQL's own `timestamp ∓ interval 'N months'`, for every day of a leap and a non-leap year.
 * A year is PostgreSQL's `interval 'N years'` (12 months: 29 February + 1 year = 28 February).
 */
import { describeEachDatabase } from '../support/databases';
import { createTenant, scopeFor } from '../support/tenants';
import { compileText } from './support/harness';

const DAY = 86_400_000;

describeEachDatabase('month arithmetic', (getDb) => {
  test.each([1, 2, 11, 12, 13, 1200])('asOf ∓ %i months agrees with PostgreSQL for every day of 2027 and 2028', async (months) => {
    const tenant = await createTenant(getDb());
    const { sql } = scopeFor(getDb(), tenant);
    const asOfs = Array.from({ length: 731 }, (_, i) => new Date(Date.UTC(2027, 0, 1) + i * DAY + (i % 24) * 3_600_000 + 123));
    const bounds = asOfs.map((asOf) => {
      const last = compileText(`last_email_sent within last ${months} months`, tenant.id, asOf).predicate.params;
      const next = compileText(`last_email_sent within next ${months} months`, tenant.id, asOf).predicate.params;
      return { since: last[1], until: next[2] };
    });
    const rows = await sql.rows<{ since: string; until: string }>(
      `select to_char(t - make_interval(months => $2), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as since,
              to_char(t + make_interval(months => $2), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as until
         from unnest($1::timestamp[]) with ordinality as a(t, n) order by n`,
      [asOfs.map((d) => d.toISOString().replace('Z', '')), months],
    );
    expect(bounds).toEqual(rows);
  });

  test.each([1, 4, 100])('asOf ∓ %i years agrees with PostgreSQL for every day of 2027 and 2028', async (years) => {
    const tenant = await createTenant(getDb());
    const { sql } = scopeFor(getDb(), tenant);
    const asOfs = Array.from({ length: 731 }, (_, i) => new Date(Date.UTC(2027, 0, 1) + i * DAY + (i % 24) * 3_600_000 + 123));
    const bounds = asOfs.map((asOf) => {
      const last = compileText(`last_email_sent within last ${years} ${years === 1 ? 'year' : 'years'}`, tenant.id, asOf).predicate.params;
      const next = compileText(`last_email_sent within next ${years} years`, tenant.id, asOf).predicate.params;
      return { since: last[1], until: next[2] };
    });
    const rows = await sql.rows<{ since: string; until: string }>(
      `select to_char(t - make_interval(years => $2), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as since,
              to_char(t + make_interval(years => $2), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as until
         from unnest($1::timestamp[]) with ordinality as a(t, n) order by n`,
      [asOfs.map((d) => d.toISOString().replace('Z', '')), years],
    );
    expect(bounds).toEqual(rows);
  });
});
