import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars';
import { Connection } from './connection.type';

@ObjectType({ description: 'One stored evaluation of a segment: the membership at asOf, and how it differed from the previous evaluation.', simpleResolvers: true })
export class SegmentEvaluation {
  @Field(() => ID, { description: 'The segment.' })
  segmentId!: string;

  @Field(() => DateTimeScalar, { description: 'The instant it was evaluated at.' })
  asOf!: Date;

  @Field(() => Int, { description: 'The segment version evaluated.' })
  segmentVersion!: number;

  @Field(() => Int, { description: 'Members at asOf.' })
  memberCount!: number;

  @Field(() => Int, { description: 'Profiles that entered since the previous evaluation (at the first evaluation: every member).' })
  enteredCount!: number;

  @Field(() => Int, { description: 'Profiles that left since the previous evaluation.' })
  leftCount!: number;
}

@ObjectType({ description: 'A periodic evaluation of a segment, run by the job runner.', simpleResolvers: true })
export class SegmentEvaluationSchedule {
  @Field(() => ID, { description: 'The segment.' })
  segmentId!: string;

  @Field(() => Int, { description: 'Minutes between evaluations.' })
  everyMinutes!: number;

  @Field({ description: 'The cron expression it runs on (UTC).' })
  cron!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it runs next.' })
  nextRunAt!: Date | null;
}

@ObjectType({ description: 'A profile that entered or left a segment at an evaluation.', simpleResolvers: true })
export class SegmentMembershipChange {
  @Field(() => ID, { description: 'The profile ID.' })
  profileId!: string;

  @Field(() => String, { description: 'ENTERED or LEFT.' })
  change!: 'ENTERED' | 'LEFT';

  @Field(() => DateTimeScalar, { description: 'The evaluation (asOf) that found the change.' })
  at!: Date;
}

@ObjectType({ description: 'Membership changes in (asOf, profile ID) order.' })
export class SegmentMembershipChangeConnection extends Connection(SegmentMembershipChange, 'SegmentMembershipChange', 'changes') {}
