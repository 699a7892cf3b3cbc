import { Sql } from '../../src/db/sql';
import { evaluationScheduleName, SEGMENT_EVALUATION_JOB } from '../../src/services/segment-changes.service';
import {
  CreateApiKeyDocument, CreateSegmentDocument, DefineCustomFieldDocument, DeleteSegmentDocument, EvaluateSegmentMembershipDocument, ScheduleSegmentEvaluationDocument,
  SegmentChangesDocument, SegmentEvaluationScheduleDocument, SegmentEvaluationsDocument, TrackEventsDocument, UpsertProfilesDocument,
} from '../generated/graphql';
import { waitFor } from '../jobs/support/jobs';
import { describeEachApp } from '../support/app';
import { newNamespace, type GraphQLClient } from '../support/client';

/** Profiles a@…, b@…, c@…, d@… (a and b gold); their ids by letter. */
async function seed(client: GraphQLClient): Promise<Record<string, string>> {
  await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING' } });
  const letters = ['a', 'b', 'c', 'd'];
  const { upsertProfiles } = await client.data(UpsertProfilesDocument, { inputs: letters.map((x, i) => ({ email: `${x}@example.com`, custom: { tier: i < 2 ? 'gold' : 'silver' } })) });
  return Object.fromEntries(letters.map((x, i) => [x, upsertProfiles.results[i]!.profileId!]));
}

async function changes(client: GraphQLClient, id: string, since: string, until: string): Promise<[string, string, string][]> {
  const found: [string, string, string][] = [];
  let after: string | null = null;
  for (;;) {
    const { segmentChanges }: import('../generated/graphql').SegmentChangesQuery = await client.data(SegmentChangesDocument, { id, since, until, first: 2, after });
    found.push(...segmentChanges.nodes.map((n): [string, string, string] => [n.profileId, n.change, n.at]));
    if (!segmentChanges.pageInfo.hasNextPage) return found;
    after = segmentChanges.pageInfo.endCursor;
  }
}

describeEachApp('segment membership changes over HTTP', (getApp) => {
  test('entered and left after profile and event changes, from stored evaluations', async () => {
    const { client } = await newNamespace(getApp().url);
    const ids = await seed(client);
    const segment = (await client.data(CreateSegmentDocument, { input: { name: 'Gold or buyers', definition: { expression: 'custom.tier = "gold" or did purchase within last 30 days' } } })).createSegment;
    const t1 = '2026-11-28T00:00:00.000Z';
    const t2 = '2026-11-28T12:00:00.000Z';
    const first = await client.request(EvaluateSegmentMembershipDocument, { id: segment.id, asOf: t1 });
    expect(first.data!.evaluateSegmentMembership).toEqual({ segmentId: segment.id, asOf: t1, segmentVersion: 1, memberCount: 2, enteredCount: 2, leftCount: 0 });
    // The segment, custom fields, then begin, the row lock, the last evaluation, the one evaluation statement,
    // the webhook deliveries it queues (none here), commit.
    expect(first.statements).toBe(8);

    await client.data(UpsertProfilesDocument, { inputs: [{ email: 'a@example.com', custom: { tier: 'silver' } }] });
    await client.data(TrackEventsDocument, { events: [{ type: 'purchase', created: '2026-11-28T06:00:00Z', email: 'c@example.com' }] });
    const second = (await client.data(EvaluateSegmentMembershipDocument, { id: segment.id, asOf: t2 })).evaluateSegmentMembership;
    expect(second).toMatchObject({ memberCount: 2, enteredCount: 1, leftCount: 1 });

    expect(await changes(client, segment.id, t1, t2)).toEqual([[ids.a, 'LEFT', t2], [ids.c, 'ENTERED', t2]]);
    expect(await changes(client, segment.id, '2026-11-27T00:00:00Z', t2)).toEqual([
      [ids.a, 'ENTERED', t1], [ids.b, 'ENTERED', t1], [ids.a, 'LEFT', t2], [ids.c, 'ENTERED', t2],
    ]);
    expect(await changes(client, segment.id, '2026-11-27T00:00:00Z', t1)).toEqual([[ids.a, 'ENTERED', t1], [ids.b, 'ENTERED', t1]]);
    expect(await changes(client, segment.id, t2, '2026-12-01T00:00:00Z')).toEqual([]);
    // Nothing changed since: the next evaluation stores no difference.
    const third = (await client.data(EvaluateSegmentMembershipDocument, { id: segment.id, asOf: '2026-11-28T13:00:00Z' })).evaluateSegmentMembership;
    expect(third).toMatchObject({ memberCount: 2, enteredCount: 0, leftCount: 0 });
    expect((await client.data(SegmentEvaluationsDocument, { id: segment.id, first: 2 })).segmentEvaluations.map((e) => e.asOf)).toEqual(['2026-11-28T13:00:00.000Z', t2]);

    const stale = await client.request(EvaluateSegmentMembershipDocument, { id: segment.id, asOf: t2 });
    expect(stale.errors![0]).toMatchObject({
      message: `asOf: must be after the last evaluation of this segment (2026-11-28T13:00:00.000Z); got ${t2}`,
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const backwards = await client.request(SegmentChangesDocument, { id: segment.id, since: t2, until: t1 });
    expect(backwards.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  test('a relative-date segment changes with time alone: evaluations at later asOf find who left', async () => {
    const { client } = await newNamespace(getApp().url);
    const ids = await seed(client);
    await client.data(TrackEventsDocument, {
      events: [{ type: 'purchase', created: '2026-11-20T10:00:00Z', email: 'a@example.com' }, { type: 'purchase', created: '2026-11-25T10:00:00Z', email: 'b@example.com' }],
    });
    const recent = (await client.data(CreateSegmentDocument, { input: { name: 'Bought this week', definition: { expression: 'did purchase within last 7 days' } } })).createSegment;
    const evaluate = async (asOf: string) => (await client.data(EvaluateSegmentMembershipDocument, { id: recent.id, asOf })).evaluateSegmentMembership;
    expect(await evaluate('2026-11-26T00:00:00Z')).toMatchObject({ memberCount: 2, enteredCount: 2, leftCount: 0 });
    expect(await evaluate('2026-11-28T00:00:00Z')).toMatchObject({ memberCount: 1, enteredCount: 0, leftCount: 1 });
    expect(await evaluate('2026-12-03T00:00:00Z')).toMatchObject({ memberCount: 0, enteredCount: 0, leftCount: 1 });
    expect(await changes(client, recent.id, '2026-11-26T00:00:00Z', '2026-12-31T00:00:00Z')).toEqual([
      [ids.a, 'LEFT', '2026-11-28T00:00:00.000Z'], [ids.b, 'LEFT', '2026-12-03T00:00:00.000Z'],
    ]);
  });

  test('periodic evaluations run through the job runner\'s schedules', async () => {
    const { client, namespaceId } = await newNamespace(getApp().url);
    await seed(client);
    const gold = (await client.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } })).createSegment;
    const scheduled = (await client.data(ScheduleSegmentEvaluationDocument, { id: gold.id, everyMinutes: 15 })).scheduleSegmentEvaluation;
    expect(scheduled).toEqual({ segmentId: gold.id, everyMinutes: 15, cron: '*/15 * * * *', nextRunAt: expect.any(String) });
    expect(new Date(scheduled!.nextRunAt!).getUTCMinutes() % 15).toBe(0);
    expect((await client.data(SegmentEvaluationScheduleDocument, { id: gold.id })).segmentEvaluationSchedule).toEqual({ everyMinutes: 15, cron: '*/15 * * * *', nextRunAt: scheduled!.nextRunAt });
    const hourly = (await client.data(ScheduleSegmentEvaluationDocument, { id: gold.id, everyMinutes: 120 })).scheduleSegmentEvaluation;
    expect(hourly!.cron).toBe('0 */2 * * *');
    const bad = await client.request(ScheduleSegmentEvaluationDocument, { id: gold.id, everyMinutes: 7 });
    expect(bad.errors![0]!.message).toBe('everyMinutes: must be one of 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 120, 180, 240, 360, 480, 720, 1440 (got 7)');

    // A tick of the schedule enqueues this job (same kind, payload and singleton key); run one now.
    const { app } = getApp();
    const sql = new Sql(app.db.orm.em.fork());
    const name = evaluationScheduleName(namespaceId, gold.id);
    const { job } = await app.shared.jobs.enqueue(sql, { kind: SEGMENT_EVALUATION_JOB, namespaceId, payload: { segmentId: gold.id }, singletonKey: name });
    const done = await waitFor(async () => {
      const current = await app.shared.jobs.get(sql, namespaceId, job.id);
      return current?.state === 'succeeded' || current?.state === 'failed' ? current : undefined;
    }, 'the evaluation job');
    expect(done).toMatchObject({ state: 'succeeded', result: { members: 2, entered: 2, left: 0 } });
    expect((await client.data(SegmentEvaluationsDocument, { id: gold.id })).segmentEvaluations).toEqual([
      { asOf: (done.result as { asOf: string }).asOf, memberCount: 2, enteredCount: 2, leftCount: 0 },
    ]);

    expect((await client.request(ScheduleSegmentEvaluationDocument, { id: gold.id, everyMinutes: null })).data!.scheduleSegmentEvaluation).toBeNull();
    expect((await client.request(SegmentEvaluationScheduleDocument, { id: gold.id })).data!.segmentEvaluationSchedule).toBeNull();

    // A segment deleted under its schedule: the job fails saying so and removes the schedule.
    const doomed = (await client.data(CreateSegmentDocument, { input: { name: 'Doomed', definition: { expression: 'custom.tier = "silver"' } } })).createSegment;
    await client.data(ScheduleSegmentEvaluationDocument, { id: doomed.id, everyMinutes: 60 });
    await client.data(DeleteSegmentDocument, { id: doomed.id });
    const orphan = (await app.shared.jobs.enqueue(sql, { kind: SEGMENT_EVALUATION_JOB, namespaceId, payload: { segmentId: doomed.id } })).job;
    const failed = await waitFor(async () => {
      const current = await app.shared.jobs.get(sql, namespaceId, orphan.id);
      return current?.state === 'failed' ? current : undefined;
    }, 'the orphaned evaluation job');
    expect(failed.lastError).toBe(`Segment ${doomed.id} no longer exists; its evaluation schedule was removed.`);
    expect(await app.shared.schedules.get(sql, namespaceId, evaluationScheduleName(namespaceId, doomed.id))).toBeUndefined();
  }, 60_000);

  test('tenancy and roles: VIEWER reads changes; evaluating and scheduling need segments:write; other namespaces see nothing', async () => {
    const { client: admin } = await newNamespace(getApp().url);
    const { client: other } = await newNamespace(getApp().url);
    await seed(admin);
    const gold = (await admin.data(CreateSegmentDocument, { input: { name: 'Gold', definition: { expression: 'custom.tier = "gold"' } } })).createSegment;
    await admin.data(EvaluateSegmentMembershipDocument, { id: gold.id, asOf: '2026-11-28T00:00:00Z' });
    const { createApiKey } = await admin.data(CreateApiKeyDocument, { input: { name: 'viewer', role: 'VIEWER' } });
    const viewer = admin.withKey(createApiKey.secret);
    expect(await changes(viewer, gold.id, '2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z')).toHaveLength(2);
    const denied = await viewer.request(EvaluateSegmentMembershipDocument, { id: gold.id });
    expect(denied.errors![0]).toMatchObject({ message: 'The VIEWER role may not evaluate segment membership; it needs one of: MARKETER, DATA_MANAGER, CLIENT_ADMIN.', extensions: { code: 'FORBIDDEN' } });
    expect((await viewer.request(ScheduleSegmentEvaluationDocument, { id: gold.id, everyMinutes: 15 })).errors![0]!.extensions!.code).toBe('FORBIDDEN');

    expect((await other.request(EvaluateSegmentMembershipDocument, { id: gold.id })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect((await other.request(SegmentChangesDocument, { id: gold.id, since: '2026-11-01T00:00:00Z' })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect((await other.request(ScheduleSegmentEvaluationDocument, { id: gold.id, everyMinutes: 15 })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
    expect((await other.request(SegmentEvaluationsDocument, { id: gold.id })).errors![0]!.extensions!.code).toBe('NOT_FOUND');
  });
});
