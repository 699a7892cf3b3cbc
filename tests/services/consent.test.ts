import type { Database } from '../../src/db/database';
import { ProfileRepository } from '../../src/db/profile.repository';
import { ConsentService } from '../../src/services/consent.service';
import { CustomFieldService } from '../../src/services/custom-field.service';
import { ProfileService } from '../../src/services/profile.service';
import type { Tenant } from '../../src/services/scope';
import { describeEachDatabase } from '../support/databases';
import { createTenant, scopeFor } from '../support/tenants';

function services(db: Database, tenant: Tenant) {
  const scope = scopeFor(db, tenant);
  const profiles = new ProfileService(scope, new CustomFieldService(scope));
  return { profiles, consent: new ConsentService(scope, profiles), repo: new ProfileRepository(scope.sql, tenant.id) };
}

describeEachDatabase('consent', (getDb) => {
  test('email status moves along its state machine and is recorded', async () => {
    const tenant = await createTenant(getDb());
    const { profiles, consent, repo } = services(getDb(), tenant);
    const { profileId } = await profiles.upsert({ email: 'c@example.com' });
    expect(await consent.setEmailStatus({ email: 'C@example.com', status: 'SUBSCRIBED', source: 'FORM' })).toEqual({ profileId, changed: true });
    expect(await consent.setEmailStatus({ profileId, status: 'SUBSCRIBED', source: 'FORM' })).toEqual({ profileId, changed: false });
    await expect(consent.setEmailStatus({ profileId, status: 'KNOWN', source: 'API' })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'input.status: email status is SUBSCRIBED and cannot change to KNOWN (a channel never returns to KNOWN); from SUBSCRIBED it can change to UNSUBSCRIBED',
    });
    await consent.setEmailStatus({ profileId, status: 'UNSUBSCRIBED', source: 'UNSUBSCRIBE_LINK' });
    const history = await repo.consentOf([profileId], 10, null);
    expect(history.map((h) => [h.channel, h.fromStatus, h.toStatus, h.source])).toEqual([
      ['EMAIL', 'SUBSCRIBED', 'UNSUBSCRIBED', 'UNSUBSCRIBE_LINK'],
      ['EMAIL', 'KNOWN', 'SUBSCRIBED', 'FORM'],
      ['EMAIL', null, 'KNOWN', 'API'],
    ]);
    expect((await repo.byIds([profileId]))[0]).toMatchObject({ emailStatus: 'UNSUBSCRIBED' });
  });

  test('double opt-in: PENDING, then YES confirms; STOP unsubscribes; email stays as it is', async () => {
    const tenant = await createTenant(getDb());
    const { profiles, consent, repo } = services(getDb(), tenant);
    const { profileId } = await profiles.upsert({ email: 'd@example.com', phones: ['+14155550125'] });
    await consent.setEmailStatus({ profileId, status: 'SUBSCRIBED', source: 'FORM' });
    await consent.setSmsStatus({ phone: '4155550125', status: 'PENDING', source: 'FORM' });
    expect(await consent.receiveKeyword('+14155550125', ' yes ')).toEqual({ outcome: 'CONFIRMED', profileId, phone: '+14155550125' });
    const [phone] = await repo.phonesOf([profileId]);
    expect(phone).toMatchObject({ smsStatus: 'SUBSCRIBED', smsOptInMethod: 'DOUBLE' });
    expect(phone!.smsConfirmedAt).toBeInstanceOf(Date);
    expect(await consent.receiveKeyword('+14155550125', 'hello')).toMatchObject({ outcome: 'IGNORED' });
    expect(await consent.receiveKeyword('+14155550125', 'STOP')).toMatchObject({ outcome: 'UNSUBSCRIBED' });
    expect((await repo.phonesOf([profileId]))[0]).toMatchObject({ smsStatus: 'UNSUBSCRIBED' });
    expect((await repo.byIds([profileId]))[0]).toMatchObject({ emailStatus: 'SUBSCRIBED' });
  });

  test('STOP from an unknown number records it as unsubscribed; a DOUBLE opt-in needs PENDING', async () => {
    const tenant = await createTenant(getDb());
    const { consent, profiles, repo } = services(getDb(), tenant);
    const stop = await consent.receiveKeyword('+14155550126', 'quit');
    expect(stop.outcome).toBe('UNSUBSCRIBED');
    expect((await repo.phonesOf([stop.profileId!]))[0]).toMatchObject({ smsStatus: 'UNSUBSCRIBED' });
    await profiles.upsert({ phones: ['+14155550127'] });
    await expect(consent.setSmsStatus({ phone: '+14155550127', status: 'SUBSCRIBED', method: 'DOUBLE', source: 'API' })).rejects.toMatchObject({
      message: 'input.method: a DOUBLE opt-in confirms a PENDING number, but this number is KNOWN; set PENDING first, or use SINGLE',
    });
    expect(await consent.setSmsStatus({ phone: '+14155550127', status: 'SUBSCRIBED', source: 'API' })).toMatchObject({ changed: true });
  });
});
