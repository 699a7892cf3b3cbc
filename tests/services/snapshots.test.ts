import { MembershipRepository } from '../../src/db/membership.sql';
import { SnapshotRepository } from '../../src/db/snapshot.sql';
import { createRequestServices } from '../../src/services';
import { describeEachDatabase } from '../support/databases';
import { createTenant, scopeFor } from '../support/tenants';

const AS_OF = new Date('2026-11-28T12:00:00Z');

describeEachDatabase('segment snapshots in the service layer', (getDb) => {
  async function tenantWithSnapshot(emails: readonly string[]) {
    const tenant = await createTenant(getDb());
    const scope = scopeFor(getDb(), tenant);
    const services = createRequestServices(scope);
    const results = await services.profiles.upsertMany(emails.map((email) => ({ email })));
    const everyone = await services.segments.create({ name: 'Everyone with email', definition: { expression: 'email is set' } });
    const snapshot = await services.snapshots.take(everyone.id, { asOf: AS_OF, holdout: { percent: 50 } });
    return { tenant, scope, services, snapshot, ids: results.map((r) => (r.ok ? r.profileId : Number.NaN)) };
  }

  test('removing profiles (forgetting) takes them out of every snapshot of the namespace and keeps the counts exact, in one statement', async () => {
    const emails = Array.from({ length: 12 }, (_, i) => `m${i}@example.com`);
    const { scope, services, snapshot, ids } = await tenantWithSnapshot(emails);
    const second = await services.snapshots.take(snapshot.segmentId, { asOf: AS_OF });
    const other = await tenantWithSnapshot(['x@example.com']);
    const before = await services.snapshots.members(snapshot.id, 100, 0);
    expect(before.members.map((m) => m.profileId)).toEqual(ids);
    const gone = [ids[0]!, ids[5]!];
    const holdoutGone = before.members.filter((m) => gone.includes(m.profileId) && m.holdout).length;

    const statements = scope.stats.statements;
    // An ID of another namespace's profile is ignored: every statement is scoped.
    expect(await new SnapshotRepository(scope.sql, scope.tenant.id).removeProfiles([...gone, other.ids[0]!])).toBe(4);
    expect(scope.stats.statements - statements).toBe(1);

    const after = await services.snapshots.get(snapshot.id);
    expect(after).toMatchObject({ memberCount: 10, holdoutCount: snapshot.holdoutCount - holdoutGone });
    expect((await services.snapshots.members(snapshot.id, 100, 0)).members.map((m) => m.profileId)).toEqual(ids.filter((id) => !gone.includes(id)));
    expect((await services.snapshots.get(second.id)).memberCount).toBe(10);
    expect((await other.services.snapshots.get(other.snapshot.id)).memberCount).toBe(1);
    expect(await new SnapshotRepository(scope.sql, scope.tenant.id).removeProfiles([])).toBe(0);
  });

  test('removing profiles (forgetting) takes them out of stored memberships and change logs too', async () => {
    const { scope, services, snapshot, ids } = await tenantWithSnapshot(['f0@example.com', 'f1@example.com', 'f2@example.com']);
    await services.changes.evaluate(snapshot.segmentId, AS_OF);
    const repo = new MembershipRepository(scope.sql, scope.tenant.id);
    expect(await repo.removeProfiles([ids[1]!])).toBe(2); // one membership row, one change row
    const later = new Date(AS_OF.getTime() + 60_000);
    expect((await services.changes.changes(snapshot.segmentId, new Date(0), later, 10, null)).changes.map((c) => c.profileId)).toEqual([ids[0], ids[2]]);
    // The next evaluation sees the stored membership without the forgotten profile (it is still a profile here, so it re-enters).
    expect(await services.changes.evaluate(snapshot.segmentId, later)).toMatchObject({ memberCount: 3, enteredCount: 1, leftCount: 0 });
  });

  test('a snapshot of an empty segment has no members and counts zero', async () => {
    const tenant = await createTenant(getDb());
    const services = createRequestServices(scopeFor(getDb(), tenant));
    const none = await services.segments.create({ name: 'Nobody', definition: { expression: 'email is set' } });
    const snapshot = await services.snapshots.take(none.id, { asOf: AS_OF, label: 'empty' });
    expect(snapshot).toMatchObject({ memberCount: 0, holdoutCount: 0, holdoutPercent: null, label: 'empty', segmentVersion: 1, asOf: AS_OF });
    expect(await services.snapshots.members(snapshot.id, 10, 0)).toEqual({ members: [], hasMore: false });
  });
});
