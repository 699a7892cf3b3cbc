import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { AppError } from '../../domain/errors';
import type { EvaluationRecord, EvaluationSchedule, MembershipChangeRecord } from '../../services';
import type { RequestContext } from '../context';
import { DateTimeScalar } from '../scalars';
import { toConnection } from '../types/connection.type';
import { SegmentEvaluation, SegmentEvaluationSchedule, SegmentMembershipChange, SegmentMembershipChangeConnection } from '../types/segment-changes.type';

const toEvaluation = (r: EvaluationRecord) => Object.assign(new SegmentEvaluation(), r);
const toSchedule = (r: EvaluationSchedule) => Object.assign(new SegmentEvaluationSchedule(), r);

function changeCursor(c: MembershipChangeRecord): string {
  return Buffer.from(`c:${c.asOf.toISOString()}:${c.profileId}`).toString('base64url');
}

function parseChangeCursor(cursor: string | null): { asOf: Date; profileId: number } | null {
  if (!cursor) return null;
  const m = /^c:(.+):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  const asOf = m ? new Date(m[1]!) : undefined;
  if (!m || !asOf || Number.isNaN(asOf.getTime())) throw AppError.invalid(['after'], 'is not a cursor from this connection; pass a pageInfo.endCursor you received');
  return { asOf, profileId: Number(m[2]) };
}

@Resolver()
export class SegmentChangesResolver {
  @Mutation(() => SegmentEvaluation, { description: 'Evaluates a segment at asOf (after its last evaluation) and stores who entered and who left, in one statement. Periodic evaluations do the same on a schedule.' })
  async evaluateSegmentMembership(
    @Arg('id', () => ID, { description: 'The saved segment.' }) id: string,
    @Arg('asOf', () => DateTimeScalar, { nullable: true, description: 'The instant to evaluate at; default now.' }) asOf: Date | null,
    @Ctx() ctx: RequestContext,
  ): Promise<SegmentEvaluation> {
    return toEvaluation(await ctx.services.changes.evaluate(id, asOf ?? ctx.startedAt));
  }

  @Mutation(() => SegmentEvaluationSchedule, { nullable: true, description: 'Evaluates the segment every everyMinutes through the job runner (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 120, 180, 240, 360, 480, 720 or 1440); null stops it.' })
  async scheduleSegmentEvaluation(
    @Arg('id', () => ID, { description: 'The saved segment.' }) id: string,
    @Arg('everyMinutes', () => Int, { nullable: true, description: 'Minutes between evaluations; null to stop.' }) everyMinutes: number | null,
    @Ctx() ctx: RequestContext,
  ): Promise<SegmentEvaluationSchedule | null> {
    const schedule = await ctx.services.changes.schedule(id, everyMinutes);
    return schedule ? toSchedule(schedule) : null;
  }

  @Query(() => SegmentMembershipChangeConnection, { description: 'Profiles that entered or left a saved segment at evaluations with since < asOf <= until, from stored evaluations. Poll it with since = the last asOf you saw.' })
  async segmentChanges(
    @Arg('id', () => ID, { description: 'The saved segment.' }) id: string,
    @Arg('since', () => DateTimeScalar, { description: 'Exclusive lower bound.' }) since: Date,
    @Arg('until', () => DateTimeScalar, { nullable: true, description: 'Inclusive upper bound; default now.' }) until: Date | null,
    @Arg('first', () => Int, { defaultValue: 100, description: 'Page size, 1 to 500.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<SegmentMembershipChangeConnection> {
    const { changes, hasMore } = await ctx.services.changes.changes(id, since, until ?? ctx.startedAt, first, parseChangeCursor(after));
    return toConnection(changes, hasMore, changeCursor, (c) =>
      Object.assign(new SegmentMembershipChange(), { profileId: String(c.profileId), change: c.entered ? 'ENTERED' : 'LEFT', at: c.asOf }),
    );
  }

  @Query(() => [SegmentEvaluation], { description: 'The latest stored evaluations of a segment, newest first.' })
  async segmentEvaluations(
    @Arg('id', () => ID, { description: 'The saved segment.' }) id: string,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many, 1 to 500.' }) first: number,
    @Ctx() ctx: RequestContext,
  ): Promise<SegmentEvaluation[]> {
    return (await ctx.services.changes.evaluations(id, first)).map(toEvaluation);
  }

  @Query(() => SegmentEvaluationSchedule, { nullable: true, description: 'The periodic evaluation of a segment, if one is set.' })
  async segmentEvaluationSchedule(@Arg('id', () => ID, { description: 'The saved segment.' }) id: string, @Ctx() ctx: RequestContext): Promise<SegmentEvaluationSchedule | null> {
    await ctx.services.segments.get(id);
    const schedule = await ctx.services.changes.scheduleOf(id);
    return schedule ? toSchedule(schedule) : null;
  }
}
