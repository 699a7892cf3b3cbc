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

  test('a merge folds the loser into the winner in snapshots taken before it and in the stored membership', async () => {
    const tenant = await createTenant(getDb());
    const scope = scopeFor(getDb(), tenant);
    const services = createRequestServices(scope);
    await services.customFields.define({ key: 'tier', type: 'STRING' });
    const [kim, kimPhone, ray, rayPhone, lee] = (await services.profiles.upsertMany([
      { email: 'kim@example.com', custom: { tier: 'gold' } },
      { phones: ['+14155552672'], custom: { tier: 'gold' } },
      { email: 'ray@example.com', custom: { tier: 'silver' } },
      { phones: ['+14155552673'], custom: { tier: 'gold' } },
      { email: 'lee@example.com', custom: { tier: 'gold' } },
    ])).map((r) => (r.ok ? r.profileId : Number.NaN)) as [number, number, number, number, number];
    const gold = await services.segments.create({ name: 'Gold', definition: { expression: 'custom.tier = "gold"' } });
    const snapshot = await services.snapshots.take(gold.id, { asOf: AS_OF, holdout: { percent: 50 } });
    const plain = await services.snapshots.take(gold.id, { asOf: AS_OF });
    await services.changes.evaluate(gold.id, AS_OF);
    const before = (await services.snapshots.members(snapshot.id, 100, 0)).members;
    expect(before.map((m) => m.profileId)).toEqual([kim, kimPhone, rayPhone, lee]);
    expect(plain.memberCount).toBe(4);

    // Kim's phone-only profile merges into Kim (already in the snapshots), Ray's into Ray (who was not).
    const merged = await services.profiles.upsertMany([{ email: 'kim@example.com', phones: ['+14155552672'] }, { email: 'ray@example.com', phones: ['+14155552673'] }]);
    expect(merged.map((r) => (r.ok ? r.mergedProfileIds : null))).toEqual([[kimPhone], [rayPhone]]);

    const holdoutOf = new Map(before.map((m) => [m.profileId, m.holdout]));
    const after = (await services.snapshots.members(snapshot.id, 100, 0)).members;
    expect(after).toEqual([{ profileId: kim, holdout: holdoutOf.get(kim) }, { profileId: ray, holdout: holdoutOf.get(rayPhone) }, { profileId: lee, holdout: holdoutOf.get(lee) }]);
    expect(await services.snapshots.get(snapshot.id)).toMatchObject({ memberCount: 3, holdoutCount: after.filter((m) => m.holdout).length });
    expect((await services.snapshots.members(plain.id, 100, 0)).members.map((m) => m.profileId)).toEqual([kim, ray, lee]);
    expect((await services.snapshots.get(plain.id)).memberCount).toBe(3);
    // The snapshot as a filter holds the same three people.
    expect(await services.segments.count({ expression: `in snapshot "${plain.id}"` }, AS_OF)).toBe(3);

    // The stored membership holds Kim and Ray now: the next evaluation sees Ray leave (silver won the
    // merge) and nobody else change, not the phone-only profiles leave and Kim re-enter.
    const later = new Date(AS_OF.getTime() + 60_000);
    expect(await services.changes.evaluate(gold.id, later)).toMatchObject({ memberCount: 2, enteredCount: 0, leftCount: 1 });
    expect((await services.changes.changes(gold.id, new Date(AS_OF.getTime() + 1), later, 10, null)).changes).toEqual([{ profileId: ray, entered: false, asOf: later }]);
  });

  test('deleting a snapshot deletes its member rows in the same statement, and only its own (a statement-level trigger, not a per-row foreign key)', async () => {
    const { scope, services, snapshot } = await tenantWithSnapshot(['d0@example.com', 'd1@example.com', 'd2@example.com']);
    const second = await services.snapshots.take(snapshot.segmentId, { asOf: AS_OF });
    const rows = async (id: string) => (await scope.sql.one<{ n: number }>(`select count(*)::int as n from segment_snapshot_member where namespace_id = $1 and snapshot_id = $2`, [scope.tenant.id, id]))!.n;
    expect([await rows(snapshot.id), await rows(second.id)]).toEqual([3, 3]);
    await services.snapshots.delete(snapshot.id);
    expect([await rows(snapshot.id), await rows(second.id)]).toEqual([0, 3]);
    expect((await services.snapshots.get(second.id)).memberCount).toBe(3);
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
