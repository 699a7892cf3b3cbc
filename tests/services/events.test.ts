import fc from 'fast-check';
import type { Database } from '../../src/db/database';
import { readEventCatalog } from '../../src/db/event-catalog.sql';
import { recomputeReservedFields } from '../../src/db/event-ingest.sql';
import { ProfileRepository, type ProfileRecord } from '../../src/db/profile.repository';
import { CustomFieldService } from '../../src/services/custom-field.service';
import { EventService } from '../../src/services/event.service';
import { ProfileService } from '../../src/services/profile.service';
import type { Tenant } from '../../src/services/scope';
import { describeEachDatabase } from '../support/databases';
import { createTenant, scopeFor } from '../support/tenants';

function services(db: Database, tenant: Tenant) {
  const scope = scopeFor(db, tenant);
  const profiles = new ProfileService(scope, new CustomFieldService(scope));
  return { scope, profiles, events: new EventService(scope, profiles), repo: new ProfileRepository(scope.sql, tenant.id) };
}

const RESERVED = ['lastPurchaseDate', 'lastEmailSent', 'lastEmailScheduled', 'hasControlGroupHaltedEmail', 'hasEmailDelivered', 'hasReceivedEmail'] as const;
const reserved = (p: ProfileRecord) => Object.fromEntries(RESERVED.map((k) => [k, p[k]]));

describeEachDatabase('event ingestion', (getDb) => {
  test('events create unknown profiles, fold into reserved fields and report each outcome', async () => {
    const tenant = await createTenant(getDb());
    const { events, repo } = services(getDb(), tenant);
    const outcomes = await events.track([
      { type: 'purchase', created: '2026-03-01T10:00:00Z', email: 'buyer@example.com', properties: { total: 80 }, clientEventId: 'o-1' },
      { type: 'purchase', created: '2026-01-01T10:00:00Z', createdOverride: '2026-05-01T00:00:00Z', email: 'BUYER@example.com' },
      { type: 'purchase', created: 'yesterday', email: 'buyer@example.com' },
      { type: 'email_delivered', created: '2026-02-01T00:00:00Z', phone: '+14155550123' },
      { type: 'email_scheduled', created: '2026-02-01T00:00:00Z', email: 'buyer@example.com', properties: { scheduled_for: '2026-12-01T09:00:00+01:00' } },
      { type: 'purchase', created: '2026-03-01T10:00:00Z', email: 'buyer@example.com', clientEventId: 'o-1' },
      { type: 'Bad Type', created: '2026-03-01T10:00:00Z', profileId: 1 },
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['ACCEPTED', 'ACCEPTED', 'REJECTED', 'ACCEPTED', 'ACCEPTED', 'DUPLICATE', 'REJECTED']);
    expect(outcomes[2]!.problems).toEqual([{ path: ['events', 2, 'created'], message: '"yesterday" is not an ISO 8601 date-time; send e.g. 2026-11-28T09:30:00Z' }]);
    expect(outcomes[6]!.problems[0]).toMatchObject({ path: ['events', 6, 'type'] });
    const buyerId = outcomes[0]!.profileId!;
    expect(outcomes[1]!.profileId).toBe(buyerId);
    const [buyer] = await repo.byIds([buyerId]);
    expect(reserved(buyer!)).toEqual({
      lastPurchaseDate: new Date('2026-05-01T00:00:00Z'),
      lastEmailSent: null,
      lastEmailScheduled: new Date('2026-12-01T08:00:00Z'),
      hasControlGroupHaltedEmail: null,
      hasEmailDelivered: false,
      hasReceivedEmail: false,
    });
    const [phoneProfile] = await repo.byIds([outcomes[3]!.profileId!]);
    expect(phoneProfile).toMatchObject({ email: null, hasEmailDelivered: true, hasReceivedEmail: true });

    const again = await events.track([{ type: 'purchase', created: '2026-03-01T10:00:00Z', email: 'buyer@example.com', clientEventId: 'o-1' }]);
    expect(again[0]).toMatchObject({ status: 'DUPLICATE', profileId: buyerId });
  });

  test('an unknown or merged profile ID', async () => {
    const tenant = await createTenant(getDb());
    const { events, profiles } = services(getDb(), tenant);
    const phoneOnly = await profiles.upsert({ phones: ['+14155550124'] });
    const email = await profiles.upsert({ email: 'm@example.com' });
    await profiles.upsert({ email: 'm@example.com', phones: ['+14155550124'] });
    const outcomes = await events.track([
      { type: 'purchase', created: '2026-03-01T10:00:00Z', profileId: phoneOnly.profileId },
      { type: 'purchase', created: '2026-03-01T10:00:00Z', profileId: 999999999 },
    ]);
    expect(outcomes[0]).toMatchObject({ status: 'ACCEPTED', profileId: email.profileId });
    expect(outcomes[1]).toMatchObject({ status: 'REJECTED', problems: [{ path: ['events', 1, 'profileId'], message: 'profile 999999999 was not found in this namespace' }] });
  });

  test('an event that changes no reserved field does not write its profile', async () => {
    const tenant = await createTenant(getDb());
    const { events, repo } = services(getDb(), tenant);
    const [first] = await events.track([{ type: 'purchase', created: '2026-05-01T00:00:00Z', email: 'old@example.com' }]);
    const [before] = await repo.byIds([first!.profileId!]);
    // An older purchase and an event type no reserved field reads: stored, and the profile as it was.
    const later = await events.track([
      { type: 'purchase', created: '2026-01-01T00:00:00Z', email: 'old@example.com' },
      { type: 'viewed_product', created: '2026-06-01T00:00:00Z', email: 'old@example.com' },
    ]);
    expect(later.map((o) => o.status)).toEqual(['ACCEPTED', 'ACCEPTED']);
    const [after] = await repo.byIds([first!.profileId!]);
    expect(after!.updatedAt).toEqual(before!.updatedAt);
    expect(reserved(after!)).toEqual(reserved(before!));
    // A newer one does.
    await events.track([{ type: 'purchase', created: '2026-07-01T00:00:00Z', email: 'old@example.com' }]);
    const [newer] = await repo.byIds([first!.profileId!]);
    expect(newer!.lastPurchaseDate).toEqual(new Date('2026-07-01T00:00:00Z'));
    expect(newer!.updatedAt.getTime()).toBeGreaterThan(before!.updatedAt.getTime());
  });

  test('the catalog keeps the types and properties of inserted events, not of skipped duplicates', async () => {
    const tenant = await createTenant(getDb());
    const { events, scope } = services(getDb(), tenant);
    await events.track([
      { type: 'purchase', created: '2026-03-01T10:00:00Z', email: 'c@example.com', clientEventId: 'o-1', properties: { total: 80, 'Not a key': 1 } },
      { type: 'purchase', created: '2026-03-01T10:00:00Z', email: 'c@example.com', clientEventId: 'o-2', properties: { total: '80', tags: ['a'], note: null } },
      // 1e999 in a JSON request is Infinity, which JSON (and so jsonb) holds as null.
      { type: 'viewed', created: '2026-03-01T10:00:00Z', email: 'c@example.com', properties: { huge: Infinity } },
    ]);
    // The same order again with a property of its own: a duplicate, so the property is not seen.
    const again = await events.track([{ type: 'purchase', created: '2026-03-01T10:00:00Z', email: 'c@example.com', clientEventId: 'o-1', properties: { coupon: 'X' } }]);
    expect(again[0]!.status).toBe('DUPLICATE');
    const { rows } = await readEventCatalog(scope.sql, tenant.id);
    expect(rows.map((r) => [r.eventType, r.property, r.jsonType])).toEqual([
      ['purchase', '', ''],
      ['purchase', 'note', 'null'],
      ['purchase', 'tags', 'array'],
      ['purchase', 'total', 'number'],
      ['purchase', 'total', 'string'],
      ['viewed', '', ''],
      ['viewed', 'huge', 'null'],
    ]);
  });

  test('reserved fields do not depend on the order or batching of events', async () => {
    const tenant = await createTenant(getDb());
    const { events, repo, scope } = services(getDb(), tenant);
    const types = ['purchase', 'email_sent', 'email_delivered', 'email_scheduled', 'control_group_email_halted', 'viewed_product'];
    const event = fc.record({
      type: fc.constantFrom(...types),
      day: fc.integer({ min: 1, max: 28 }),
      override: fc.option(fc.integer({ min: 1, max: 28 }), { nil: undefined }),
      scheduled: fc.option(fc.integer({ min: 1, max: 28 }), { nil: undefined }),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 5 }), async (list, batchSize) => {
        const email = `p${run++}@example.com`;
        const inputs = list.map((e) => ({
          type: e.type,
          email,
          created: `2026-04-${String(e.day).padStart(2, '0')}T00:00:00Z`,
          createdOverride: e.override ? `2026-06-${String(e.override).padStart(2, '0')}T00:00:00Z` : null,
          properties: e.type === 'email_scheduled' && e.scheduled ? { scheduled_for: `2026-09-${String(e.scheduled).padStart(2, '0')}T00:00:00Z` } : {},
        }));
        let profileId = 0;
        for (let i = 0; i < inputs.length; i += batchSize) {
          const outcomes = await events.track(inputs.slice(i, i + batchSize));
          profileId = outcomes[0]!.profileId!;
        }
        const [incremental] = await repo.byIds([profileId]);
        await recomputeReservedFields(scope.sql, tenant.id, [profileId]);
        const [recomputed] = await repo.byIds([profileId]);
        expect(reserved(incremental!)).toEqual(reserved(recomputed!));
      }),
      { numRuns: 15 },
    );
  });
});
