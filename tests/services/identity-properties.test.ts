import fc from 'fast-check';
import type { Database } from '../../src/db/database';
import type { ProfileWrite } from '../../src/domain/profile-input';
import { CustomFieldService } from '../../src/services/custom-field.service';
import { ProfileService } from '../../src/services/profile.service';
import type { Tenant } from '../../src/services/scope';
import { describeEachDatabase } from '../support/databases';
import { createTenant, scopeFor } from '../support/tenants';

const EMAILS = ['a@example.com', 'b@example.com', 'c@example.com'];
const PHONES = ['+14155550101', '+14155550102', '+14155550103', '+14155550104'];

const write: fc.Arbitrary<ProfileWrite> = fc.oneof(
  fc.record({
    email: fc.constantFrom(...EMAILS),
    phones: fc.subarray(PHONES, { maxLength: 2 }),
    firstName: fc.option(fc.constantFrom('Ann', 'Bo', 'Cy'), { nil: undefined }),
    movePhones: fc.boolean(),
  }),
  fc.record({ phones: fc.constantFrom(...PHONES).map((p) => [p]), firstName: fc.option(fc.constantFrom('Dee', 'Eve'), { nil: undefined }) }),
);

/** The namespace's profiles as comparable data: email, sorted phones, first name. */
async function state(db: Database, tenant: Tenant): Promise<string[]> {
  const rows = await scopeFor(db, tenant).sql.rows<{ email: string | null; phones: string[]; first_name: string | null }>(
    `select p.email, p.first_name, coalesce(array_agg(pp.phone order by pp.phone) filter (where pp.phone is not null), '{}') as phones
     from profile p left join profile_phone pp on pp.namespace_id = p.namespace_id and pp.profile_id = p.id
     where p.namespace_id = $1 group by p.namespace_id, p.id order by p.email nulls last, 2, 3`,
    [tenant.id],
  );
  return rows.map((r) => `${r.email ?? '-'} [${r.phones.join(',')}] ${r.first_name ?? '-'}`).sort();
}

describeEachDatabase('identity resolution properties', (getDb) => {
  test('two phone-only profiles absorbed by one new email in a batch: the older one wins, as one by one (regression)', async () => {
    const db = getDb();
    const writes: ProfileWrite[] = [
      { phones: ['+14155550103'], firstName: 'Eve' },
      { phones: ['+14155550102'], firstName: 'Dee' },
      { email: 'a@example.com', phones: ['+14155550102', '+14155550103'], movePhones: false },
      { email: 'a@example.com', phones: [], movePhones: false },
    ];
    const one = await createTenant(db);
    for (const w of writes) await new ProfileService(scopeFor(db, one), new CustomFieldService(scopeFor(db, one))).upsertMany([w]);
    const batch = await createTenant(db);
    await new ProfileService(scopeFor(db, batch), new CustomFieldService(scopeFor(db, batch))).upsertMany(writes);
    expect(await state(db, one)).toEqual(['a@example.com [+14155550102,+14155550103] Eve']);
    expect(await state(db, batch)).toEqual(['a@example.com [+14155550102,+14155550103] Eve']);
  });

  test('a batch ends in the same state as its writes applied one by one, and keeps every invariant', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 8 }), async (writes) => {
        const db = getDb();
        const one = await createTenant(db);
        const batch = await createTenant(db);
        const sequential: boolean[] = [];
        for (const w of writes) {
          const [outcome] = await new ProfileService(scopeFor(db, one), new CustomFieldService(scopeFor(db, one))).upsertMany([w]);
          sequential.push(outcome!.ok);
        }
        const scope = scopeFor(db, batch);
        const outcomes = await new ProfileService(scope, new CustomFieldService(scope)).upsertMany(writes);
        expect(outcomes.map((o) => o.ok)).toEqual(sequential);
        expect(await state(db, batch)).toEqual(await state(db, one));

        // Invariants: a phone-keyed profile has exactly one phone; every successful write's
        // email and phones now belong to the profile it reported.
        const check = await scope.sql.rows<{ bad: number }>(
          `select count(*) as bad from profile p
           where p.namespace_id = $1 and p.email is null
             and (select count(*) from profile_phone pp where pp.namespace_id = $1 and pp.profile_id = p.id) <> 1`,
          [batch.id],
        );
        expect(check[0]!.bad).toBe(0);
        const last = new Map<string, number>();
        outcomes.forEach((o, i) => {
          if (!o.ok) return;
          for (const phone of writes[i]!.phones ?? []) last.set(phone, o.profileId);
        });
        for (const [phone, profileId] of last) {
          const owner = await scope.sql.one<{ id: number }>(`select profile_id as id from profile_phone where namespace_id = $1 and phone = $2`, [batch.id, phone]);
          const merged = await scope.sql.one<{ id: number }>(`select winner_id as id from profile_merge where namespace_id = $1 and loser_id = $2`, [batch.id, profileId]);
          expect(owner?.id).toBe(merged?.id ?? profileId);
        }
      }),
      { numRuns: 25 },
    );
    // 25 runs of up to 8 writes, each applied as a batch and one by one in fresh namespaces: about 20 s idle, over 60 s at load 15.
  }, 300_000);
});
