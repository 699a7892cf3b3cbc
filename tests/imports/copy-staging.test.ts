import { resolveAndApply } from '../../src/db/identity-resolution.sql';
import { Sql } from '../../src/db/sql';
import { stageProfile, type ProfileWrite, type StagedProfile } from '../../src/domain/profile-input';
import { describeEachDatabase } from '../support/databases';
import { createTenant } from '../support/tenants';

/** Text that a hand-made COPY line or array literal gets wrong. */
const WRITES: ProfileWrite[] = [
  { email: 'a@example.com', firstName: 'O\'Brien, "Jr."', lastName: 'back\\slash', phones: ['+14155550101', '+14155550102'], custom: { tier: 'a,b;"c"\\d', score: 1.5, vip: true } },
  { email: 'b@example.com', firstName: '\\.', lastName: '', custom: { tier: '{braces}', vip: false }, birthdayDay: 29, birthdayMonth: 2 },
  { phones: ['+14155550199'], firstName: 'Zoë 李 🎉', custom: { tier: null } },
];

describeEachDatabase('import staging: COPY and the parameterized insert give the same profiles', (get) => {
  test('the same batch staged both ways', async () => {
    const db = get();
    const customFields = new Map([['tier', 'STRING'], ['score', 'NUMBER'], ['vip', 'BOOLEAN']] as const);
    const staged = WRITES.map((w) => {
      const r = stageProfile(w, { defaultRegion: 'US', customFields }, []);
      if (!r.ok) throw new Error(JSON.stringify(r.problems));
      return r.value;
    }) as StagedProfile[];
    const results: unknown[] = [];
    for (const copy of [false, true]) {
      const tenant = await createTenant(db);
      const sql = new Sql(db.orm.em.fork());
      const copied = await sql.transaction(async (tx) => {
        await tx.execute('create temp table copy_probe (a text) on commit drop');
        return tx.copyIn('copy_probe', ['a'], ['x\n']);
      });
      expect(copied).toBe(db.target.kind === 'postgres');
      const resolved = await sql.transaction((tx) => resolveAndApply(tx, tenant.id, staged, { source: 'IMPORT', actor: 'test', copy }));
      expect(resolved.map((r) => [r.created, r.error])).toEqual([[true, null], [true, null], [true, null]]);
      results.push(await sql.rows(
        `select p.email, p.first_name, p.last_name, p.birthday_day, p.birthday_month, p.custom,
           array(select pp.phone from profile_phone pp where pp.namespace_id = $1 and pp.profile_id = p.id order by pp.phone) as phones
         from profile p where p.namespace_id = $1 order by p.id`, [tenant.id]));
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[0]).toEqual([
      { email: 'a@example.com', first_name: 'O\'Brien, "Jr."', last_name: 'back\\slash', birthday_day: null, birthday_month: null, custom: { tier: 'a,b;"c"\\d', score: 1.5, vip: true }, phones: ['+14155550101', '+14155550102'] },
      { email: 'b@example.com', first_name: '\\.', last_name: null, birthday_day: 29, birthday_month: 2, custom: { tier: '{braces}', vip: false }, phones: [] },
      { email: null, first_name: 'Zoë 李 🎉', last_name: null, birthday_day: null, birthday_month: null, custom: {}, phones: ['+14155550199'] },
    ]);
  });
});
