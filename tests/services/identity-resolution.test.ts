import type { Database } from '../../src/db/database';
import { ProfileRepository } from '../../src/db/profile.repository';
import { CustomFieldService } from '../../src/services/custom-field.service';
import { ProfileService } from '../../src/services/profile.service';
import type { Tenant } from '../../src/services/scope';
import { describeEachDatabase } from '../support/databases';
import { createTenant, scopeFor } from '../support/tenants';

function services(db: Database, tenant: Tenant) {
  const scope = scopeFor(db, tenant);
  const customFields = new CustomFieldService(scope);
  return { scope, customFields, profiles: new ProfileService(scope, customFields), repo: new ProfileRepository(scope.sql, tenant.id) };
}

describeEachDatabase('identity resolution', (getDb) => {
  test('an email creates a profile once; the same email in another case updates it', async () => {
    const tenant = await createTenant(getDb());
    const { profiles, repo } = services(getDb(), tenant);
    const first = await profiles.upsert({ email: ' Ana.Lopez@Example.COM ', firstName: 'Ana' });
    expect(first).toMatchObject({ created: true, promoted: false, mergedProfileIds: [] });
    const second = await profiles.upsert({ email: 'ana.lopez@example.com', lastName: "O'Brien-Lopez" });
    expect(second).toMatchObject({ profileId: first.profileId, created: false });
    const [row] = await repo.byIds([first.profileId]);
    expect(row).toMatchObject({
      email: 'Ana.Lopez@Example.COM',
      emailNormalized: 'ana.lopez@example.com',
      firstName: 'Ana',
      lastName: "O'Brien-Lopez",
      emailStatus: 'KNOWN',
    });
    expect(row!.firstIdentifiedAt).toBeInstanceOf(Date);
    expect(row!.emailHashNumber).toBeGreaterThanOrEqual(0);
  });

  test('a phone alone creates a phone-keyed profile, and a later write with an email promotes it', async () => {
    const tenant = await createTenant(getDb());
    const { profiles, repo } = services(getDb(), tenant);
    const phoneOnly = await profiles.upsert({ phones: ['(415) 555-2671'], firstName: 'Sam' });
    expect(phoneOnly.created).toBe(true);
    const [before] = await repo.byIds([phoneOnly.profileId]);
    expect(before).toMatchObject({ email: null, emailStatus: null, firstIdentifiedAt: null });

    const promoted = await profiles.upsert({ email: 'sam@example.com', phones: ['+1 415 555 2671'] });
    expect(promoted).toMatchObject({ profileId: phoneOnly.profileId, created: false, promoted: true });
    const [after] = await repo.byIds([phoneOnly.profileId]);
    expect(after).toMatchObject({ email: 'sam@example.com', emailStatus: 'KNOWN', firstName: 'Sam' });
    expect(await repo.phonesOf([phoneOnly.profileId])).toEqual([expect.objectContaining({ phone: '+14155552671', smsStatus: 'KNOWN' })]);
  });

  test('a phone-only profile named with a known email merges into it; the email profile wins conflicts', async () => {
    const tenant = await createTenant(getDb());
    const { profiles, repo, customFields } = services(getDb(), tenant);
    await customFields.define({ key: 'tier', type: 'STRING' });
    await customFields.define({ key: 'visits', type: 'NUMBER' });
    const email = await profiles.upsert({ email: 'kim@example.com', firstName: 'Kim', custom: { tier: 'gold' } });
    const phone = await profiles.upsert({ phones: ['+14155552672'], firstName: 'Kimberly', lastName: 'Lee', custom: { tier: 'bronze', visits: 3 } });
    const merged = await profiles.upsert({ email: 'KIM@example.com', phones: ['+14155552672'] });
    expect(merged).toMatchObject({ profileId: email.profileId, promoted: false, mergedProfileIds: [phone.profileId] });
    const [winner] = await repo.byIds([email.profileId]);
    expect(winner).toMatchObject({ firstName: 'Kim', lastName: 'Lee', custom: { tier: 'gold', visits: 3 } });
    expect(await repo.byIds([phone.profileId])).toEqual([]);
    expect(await repo.mergedInto(phone.profileId)).toBe(email.profileId);
    expect((await repo.phonesOf([email.profileId])).map((p) => p.phone)).toEqual(['+14155552672']);
  });

  test('a phone of another email profile is a conflict unless the write moves it', async () => {
    const tenant = await createTenant(getDb());
    const { profiles, repo } = services(getDb(), tenant);
    const a = await profiles.upsert({ email: 'a@example.com', phones: ['+14155552673'] });
    await expect(profiles.upsert({ email: 'b@example.com', phones: ['+14155552673'] })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('phone +14155552673 belongs to another profile'),
    });
    expect(await repo.idByEmail('b@example.com')).toBeUndefined();
    const b = await profiles.upsert({ email: 'b@example.com', phones: ['+14155552673'], movePhones: true });
    expect(await repo.phonesOf([a.profileId])).toEqual([]);
    expect((await repo.phonesOf([b.profileId])).map((p) => p.phone)).toEqual(['+14155552673']);
  });

  test('a batch reports each write on its own and one bad write loses nothing else', async () => {
    const tenant = await createTenant(getDb());
    const { profiles } = services(getDb(), tenant);
    const outcomes = await profiles.upsertMany([
      { email: 'one@example.com' },
      { email: 'not-an-email' },
      { email: 'two@example.com', birthdayDay: 31, birthdayMonth: 4 },
      { email: 'ONE@example.com', firstName: 'One' },
      { phones: ['+14155552674'] },
      { email: 'three@example.com', phones: ['+14155552674'] },
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, false, true, true, true]);
    expect(outcomes[1]).toMatchObject({ problems: [{ path: ['inputs', 1, 'email'], message: '"not-an-email" is not a valid email address: it has no "@"; send an address such as ana@example.com' }] });
    expect(outcomes[2]).toMatchObject({ problems: [{ path: ['inputs', 2, 'birthdayDay'], message: 'april has no day 31; it has at most 30 days' }] });
    const [one, , , oneAgain, phone, three] = outcomes as { profileId: number }[];
    expect(oneAgain!.profileId).toBe(one!.profileId);
    expect(three!.profileId).toBe(phone!.profileId);
  });

  test('a partial birthday that would make an impossible date with the stored part is refused', async () => {
    const tenant = await createTenant(getDb());
    const { profiles, repo } = services(getDb(), tenant);
    const p = await profiles.upsert({ email: 'bday@example.com', birthdayDay: 31, birthdayMonth: 'March' });
    await expect(profiles.upsert({ email: 'bday@example.com', birthdayMonth: 'april' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    const [row] = await repo.byIds([p.profileId]);
    expect(row).toMatchObject({ birthdayDay: 31, birthdayMonth: 3 });
    await profiles.upsert({ email: 'bday@example.com', birthdayMonth: 2, birthdayDay: 29 });
    expect((await repo.byIds([p.profileId]))[0]).toMatchObject({ birthdayDay: 29, birthdayMonth: 2 });
  });

  test('the number of statements does not grow with the batch', async () => {
    const tenant = await createTenant(getDb());
    const small = services(getDb(), tenant);
    await small.profiles.upsertMany([{ email: 'x0@example.com', phones: ['+14155550100'] }]);
    const large = services(getDb(), tenant);
    await large.profiles.upsertMany(
      Array.from({ length: 200 }, (_, i) => ({ email: `y${i}@example.com`, phones: [`+1415555${String(1000 + i).padStart(4, '0')}`] })),
    );
    expect(large.scope.stats.statements).toBe(small.scope.stats.statements);
  });
});
