import fc from 'fast-check';
import type { Database } from '../../src/db/database';
import { CONSENT_SOURCES, EMAIL_STATUSES, SMS_OPT_IN_METHODS, SMS_STATUSES } from '../../src/domain/consent';
import type { ProfileWrite } from '../../src/domain/profile-input';
import { ConsentService } from '../../src/services/consent.service';
import { CustomFieldService } from '../../src/services/custom-field.service';
import { ProfileService, type UpsertOutcome } from '../../src/services/profile.service';
import type { Tenant } from '../../src/services/scope';
import { describeEachDatabase } from '../support/databases';
import { createTenant, scopeFor } from '../support/tenants';

const EMAILS = ['a@example.com', 'b@example.com', 'c@example.com'];
const PHONES = ['+14155550101', '+14155550102', '+14155550103'];

/** Profile writes with statuses; `statuses` limits the statuses asked for. */
function writes(emailStatuses: readonly (typeof EMAIL_STATUSES)[number][], smsStatuses: readonly (typeof SMS_STATUSES)[number][], withMethods: boolean): fc.Arbitrary<ProfileWrite[]> {
  const consent = {
    smsStatus: fc.option(fc.constantFrom(...smsStatuses), { nil: undefined }),
    smsOptInMethod: withMethods ? fc.option(fc.constantFrom(...SMS_OPT_IN_METHODS), { nil: undefined, freq: 3 }) : fc.constant(undefined),
    consentSource: fc.option(fc.constantFrom(...CONSENT_SOURCES), { nil: undefined }),
  };
  const write: fc.Arbitrary<ProfileWrite> = fc.oneof(
    fc.record({
      email: fc.constantFrom(...EMAILS),
      phones: fc.subarray(PHONES, { maxLength: 2 }),
      firstName: fc.option(fc.constantFrom('Ann', 'Bo'), { nil: undefined }),
      movePhones: fc.boolean(),
      emailStatus: fc.option(fc.constantFrom(...emailStatuses), { nil: undefined }),
      ...consent,
    }),
    fc.record({ phones: fc.constantFrom(...PHONES).map((p) => [p]), ...consent }),
  );
  return fc.array(write, { minLength: 1, maxLength: 8 });
}

function services(db: Database, tenant: Tenant) {
  const scope = scopeFor(db, tenant);
  const profiles = new ProfileService(scope, new CustomFieldService(scope));
  return { profiles, consent: new ConsentService(scope, profiles) };
}

/** Statuses and the consent history as comparable data: per email and per phone, every change in order. */
async function consentState(db: Database, tenant: Tenant): Promise<{ statuses: string[]; history: Record<string, string[]> }> {
  const { sql } = scopeFor(db, tenant);
  const emails = await sql.rows<{ email: string; status: string }>(`select email, email_status as status from profile where namespace_id = $1 and email is not null order by email`, [tenant.id]);
  const phones = await sql.rows<{ phone: string; status: string; method: string | null }>(
    `select phone, sms_status as status, sms_opt_in_method as method from profile_phone where namespace_id = $1 order by phone`,
    [tenant.id],
  );
  const changes = await sql.rows<{ key: string; change: string }>(
    `select case when c.channel = 'EMAIL' then p.email else c.phone end as key,
            concat_ws(' ', c.from_status, '->', c.to_status, c.sms_opt_in_method, c.source) as change
     from consent_change c join profile p on p.namespace_id = c.namespace_id and p.id = c.profile_id
     where c.namespace_id = $1 order by c.id`,
    [tenant.id],
  );
  const history: Record<string, string[]> = {};
  for (const c of changes) (history[c.key] ??= []).push(c.change);
  return { statuses: [...emails.map((e) => `${e.email} ${e.status}`), ...phones.map((p) => `${p.phone} ${p.status} ${p.method ?? '-'}`)], history };
}

/** Property runs take a while on a loaded machine; they have their own time limit, above jest's 60 s. */
describeEachDatabase('bulk consent properties', (getDb) => {
  test('statuses in a batch end where the same writes applied one by one end: outcomes, statuses and history', async () => {
    await fc.assert(
      fc.asyncProperty(writes(EMAIL_STATUSES, SMS_STATUSES, true), async (batch) => {
        const db = getDb();
        const one = await createTenant(db);
        const all = await createTenant(db);
        // Each outcome: success, or the fields its problems name (a conflict's message differs: in a
        // batch it names the other write, one by one the stored profile).
        const summary = (o: UpsertOutcome) => o.ok || o.problems.map((p) => p.path.slice(2).join('.')).join(' ');
        const sequential: (string | boolean)[] = [];
        for (const w of batch) sequential.push(summary((await services(db, one).profiles.upsertMany([w]))[0]!));
        const outcomes = await services(db, all).profiles.upsertMany(batch);
        expect(outcomes.map(summary)).toEqual(sequential);
        expect(await consentState(db, all)).toEqual(await consentState(db, one));
      }),
      { numRuns: 25 },
    );
  }, 300_000);

  test('regression: a write whose phone belongs to another email and whose SMS change is refused fails on its status, as it does alone', async () => {
    const tenant = await createTenant(getDb());
    const outcomes = await services(getDb(), tenant).profiles.upsertMany([
      { email: 'a@example.com', phones: ['+14155550103'], smsStatus: 'SUBSCRIBED' },
      { email: 'c@example.com', phones: ['+14155550103'], smsStatus: 'KNOWN' },
    ]);
    expect(outcomes[1]).toEqual({
      ok: false,
      conflict: false,
      problems: [{ path: ['inputs', 1, 'smsStatus'], message: 'phone +14155550103: SMS status is SUBSCRIBED and cannot change to KNOWN (a channel never returns to KNOWN); from SUBSCRIBED it can change to UNSUBSCRIBED' }],
    });
  });

  test('a batch records exactly what upsertProfile followed by setEmailStatus and setSmsStatus records', async () => {
    // SUBSCRIBED and UNSUBSCRIBED can always follow each other and KNOWN, so every change is allowed
    // and the two paths can be compared write by write.
    await fc.assert(
      fc.asyncProperty(writes(['SUBSCRIBED', 'UNSUBSCRIBED'], ['SUBSCRIBED', 'UNSUBSCRIBED'], false), async (generated) => {
        // An SMS status needs phones in the write (otherwise the whole write is refused, see the first property).
        const batch = generated.map((w) => (w.phones?.length ? w : { ...w, smsStatus: undefined }));
        const db = getDb();
        const one = await createTenant(db);
        const all = await createTenant(db);
        for (const w of batch) {
          const { emailStatus, smsStatus, consentSource, ...profile } = w;
          const { profiles, consent } = services(db, one);
          const [outcome] = await profiles.upsertMany([profile]);
          if (!outcome!.ok) continue;
          const source = consentSource ?? 'API';
          if (emailStatus && w.email) await consent.setEmailStatus({ email: w.email, status: emailStatus, source });
          for (const phone of smsStatus ? (w.phones ?? []) : []) await consent.setSmsStatus({ phone, status: smsStatus!, source });
        }
        await services(db, all).profiles.upsertMany(batch);
        expect(await consentState(db, all)).toEqual(await consentState(db, one));
      }),
      { numRuns: 20 },
    );
  }, 300_000);
});
