import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { migrationsList } from '../../migrations';
import { Database } from '../../src/db/database';
import { Sql } from '../../src/db/sql';
import { emailHashNumber } from '../../src/domain/email';
import { createScratchPgDatabase, describeEachDatabase, TEST_TARGETS } from '../support/databases';

test('every migration file is listed, in name order', () => {
  const files = readdirSync(join(__dirname, '../../migrations')).filter((f) => /^Migration\d+.*\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, '')).sort();
  expect(migrationsList.map((m) => m.name)).toEqual(files);
});

describe.each(TEST_TARGETS)('migrations on $name', (target) => {
  test('apply on an empty database, roll back to nothing, and apply again', async () => {
    const scratch = target.name === 'postgres' ? await createScratchPgDatabase() : undefined;
    const db = await Database.open(scratch ? { kind: 'postgres', url: scratch.url } : { kind: 'pglite', dataDir: 'memory://' });
    try {
      const tables = async () =>
        (await new Sql(db.orm.em.fork()).rows<{ t: string }>(`select table_name as t from information_schema.tables where table_schema = 'public' and table_name <> 'mikro_orm_migrations' order by 1`)).map((r) => r.t);
      expect(await db.migrate()).toEqual(migrationsList.map((m) => m.name));
      expect(await tables()).toEqual(expect.arrayContaining(['api_key', 'consent_change', 'custom_field', 'event', 'namespace', 'profile', 'profile_merge', 'profile_phone']));
      await db.orm.getMigrator().down({ to: 0 });
      expect(await tables()).toEqual([]);
      expect(await db.migrate()).toEqual(migrationsList.map((m) => m.name));
    } finally {
      await db.close();
      await scratch?.drop();
    }
  });
});

describeEachDatabase('email_hash_number in SQL', (getDb) => {
  test('the documented SQL expression gives the same number as the service', async () => {
    const sql = new Sql(getDb().orm.em.fork());
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 50 }), async (emails) => {
        const rows = await sql.rows<{ h: number }>(
          `select ('x' || left(encode(sha256(convert_to(e, 'UTF8')), 'hex'), 8))::bit(32)::bigint % 100 as h from unnest($1::text[]) with ordinality as u(e, n) order by n`,
          [emails],
        );
        expect(rows.map((r) => r.h)).toEqual(emails.map(emailHashNumber));
      }),
      { numRuns: 20 },
    );
  });
});
