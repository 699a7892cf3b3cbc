import { randomBytes } from 'node:crypto';
import { hmacPads, identifierDigestOf, identifierMessage } from '../../src/db/privacy.sql';
import { Sql } from '../../src/db/sql';
import { createRequestServices } from '../../src/services';
import { describeEachDatabase } from '../support/databases';
import { createTenant, scopeFor } from '../support/tenants';

describeEachDatabase('suppression list', (getDb) => {
  test('identifier_digest in SQL is HMAC-SHA256: it equals Node createHmac for random keys and Unicode values', async () => {
    const sql = new Sql(getDb().orm.em.fork());
    const values: [('EMAIL' | 'PHONE'), string][] = [['EMAIL', 'ana@example.com'], ['EMAIL', 'zoë.ångström@exämple.com'], ['EMAIL', '李小龙@例子.中国'], ['PHONE', '+14155552671'], ['EMAIL', '']];
    for (let k = 0; k < 5; k++) {
      const key = randomBytes(32);
      const { inner, outer } = hmacPads(key);
      const rows = await sql.rows<{ digest: string }>(
        `select identifier_digest($1, $2, m) as digest from unnest($3::text[]) with ordinality as v(m, n) order by n`,
        [inner, outer, values.map(([kind, value]) => identifierMessage(kind, value))],
      );
      expect(rows.map((r) => r.digest)).toEqual(values.map(([kind, value]) => identifierDigestOf(key, kind, value)));
    }
  });

  test('the check is set-based: a batch with suppressed rows runs as many statements as one write', async () => {
    const tenant = await createTenant(getDb());
    const setup = createRequestServices(scopeFor(getDb(), tenant));
    await setup.profiles.upsertMany(Array.from({ length: 50 }, (_, i) => ({ email: `gone${i}@example.com`, phones: [`+1415555${String(2000 + i).padStart(4, '0')}`] })));
    for (let i = 0; i < 50; i += 10) await setup.privacy.forget({ email: `gone${i}@example.com` });

    const oneScope = scopeFor(getDb(), tenant);
    const [one] = await createRequestServices(oneScope).profiles.upsertMany([{ email: 'gone0@example.com', phones: ['+14155559999'] }]);
    expect(one).toMatchObject({ ok: false, suppressed: true });

    const manyScope = scopeFor(getDb(), tenant);
    const writes = Array.from({ length: 300 }, (_, i) => (i % 3 === 0
      ? { email: `gone${(i % 5) * 10}@example.com`, firstName: 'again' }
      : i % 3 === 1 ? { phones: [`+1415555${String(2000 + (i % 5) * 10).padStart(4, '0')}`] } : { email: `new${i}@example.com`, phones: [`+1415555${String(3000 + i).padStart(4, '0')}`] }));
    const outcomes = await createRequestServices(manyScope).profiles.upsertMany(writes);
    expect(outcomes.filter((o) => !o.ok && o.suppressed)).toHaveLength(200);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(100);
    expect(manyScope.stats.statements).toBe(oneScope.stats.statements);
  });
});
