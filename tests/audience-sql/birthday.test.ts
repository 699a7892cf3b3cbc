/**
 * `birthday within next N days`, exhaustively: one profile per valid birthday (366 of them, plus
 * profiles with only a month or only a day), evaluated on the database for asOf days around every
 * month end of a leap year and a non-leap year and around the year end, for window sizes that
 * end on every interesting edge. Compared with the reference evaluator.
 */
import { compileAudience, membershipStatement } from '../../src/audience/compiler';
import type { Tenant } from '../../src/services/scope';
import { describeEachDatabase } from '../support/databases';
import { createTenant, scopeFor } from '../support/tenants';
import { catalog } from './support/catalog';
import { filterOf, runMembership } from './support/harness';
import { blankProfile, insertProfiles, type TestProfile } from './support/profiles';
import { members } from './support/reference-evaluator';

const DAY = 86_400_000;
const WINDOWS = [0, 1, 2, 7, 30, 364, 365, 366];

function everyBirthday(): TestProfile[] {
  const profiles: TestProfile[] = [];
  const leapYear = Date.UTC(2024, 0, 1);
  for (let i = 0; i < 366; i++) {
    const date = new Date(leapYear + i * DAY);
    profiles.push(blankProfile(i + 1, { columns: { birthday_month: date.getUTCMonth() + 1, birthday_day: date.getUTCDate() } }));
  }
  profiles.push(blankProfile(367, { columns: { birthday_month: 2 } }), blankProfile(368, { columns: { birthday_day: 29 } }), blankProfile(369));
  return profiles;
}

/**
 * The last two and first two days of every month of a non-leap and a leap year, at various times
 * of day; for long windows (many rows each) only the last day of every month.
 */
function asOfDays(long: boolean): Date[] {
  const days: Date[] = [];
  for (const year of [2027, 2028]) {
    for (let month = 0; month < 12; month++) {
      const first = Date.UTC(year, month, 1);
      for (const offset of long ? [-1] : [-2, -1, 0, 1]) days.push(new Date(first + offset * DAY + ((offset + 2) * 7 + 1) * 3_600_000));
    }
  }
  return days;
}

describeEachDatabase('birthday within next N days, for every birthday', (getDb) => {
  let tenant: Tenant;
  const profiles = everyBirthday();

  beforeAll(async () => {
    tenant = await createTenant(getDb());
    await insertProfiles(scopeFor(getDb(), tenant).sql, tenant.id, profiles);
  });

  test.each(WINDOWS)('within next %i days', async (days) => {
    const { sql } = scopeFor(getDb(), tenant);
    const filter = filterOf(`birthday within next ${days} days`);
    const cases = asOfDays(days >= 30).map((asOf) => ({ key: asOf.toISOString(), asOf, query: compileAudience(filter, { catalog, asOf, namespaceId: tenant.id }) }));
    const rows = await runMembership(sql, membershipStatement(cases, profiles.map((p) => p.id)));
    const expected = cases.flatMap(({ key, asOf }) => members(filter, profiles, { catalog, asOf }).map((id) => `${key}:${id}`)).sort();
    expect(rows).toEqual(expected);
    // Sanity of the data set itself: a window of N days holds N + 1 dates (plus 29 Feb when it covers 28 Feb of a non-leap year).
    expect(rows.length).toBeGreaterThanOrEqual(cases.length * Math.min(days + 1, 366));
  });
});
