import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, JSONScalar } from '../scalars';
import { Connection } from './connection.type';

@InputType({ description: 'A holdout split of a snapshot: members whose email_hash_number (0–99, from a hash of the email) is below `percent` are holdout.' })
export class SnapshotHoldoutInput {
  @Field(() => Int, { description: 'The cut, 1 to 99: about this percentage of members with an email become holdout. Profiles without an email are never holdout.' })
  percent!: number;
}

@ObjectType({ description: 'The holdout split of a snapshot.', simpleResolvers: true })
export class SnapshotHoldout {
  @Field(() => Int, { description: 'The cut: members with email_hash_number < percent were marked holdout when the snapshot was taken.' })
  percent!: number;

  @Field(() => Int, { description: 'How many members are holdout.' })
  count!: number;
}

@ObjectType({ description: 'One member of a snapshot.', simpleResolvers: true })
export class SnapshotMember {
  @Field(() => ID, { description: 'The profile ID as it was when the snapshot was taken.' })
  profileId!: string;

  @Field({ description: 'Whether this member is in the holdout (not to be sent to).' })
  holdout!: boolean;
}

@ObjectType({ description: 'Members of a snapshot, by profile ID.' })
export class SnapshotMemberConnection extends Connection(SnapshotMember, 'SnapshotMember', 'members') {}

@ObjectType({ description: 'The exact members of a saved segment at one instant, frozen: "who was in the audience when we sent".' })
export class SegmentSnapshot {
  @Field(() => ID, { description: 'The snapshot ID (snap_…); use it in filters as `in snapshot "snap_…"`.' })
  id!: string;

  @Field(() => ID, { description: 'The segment it was taken of (it may have been changed or deleted since).' })
  segmentId!: string;

  @Field({ description: 'The segment\'s name when the snapshot was taken.' })
  segmentName!: string;

  @Field(() => Int, { description: 'The segment version that was evaluated.' })
  segmentVersion!: number;

  @Field(() => JSONScalar, { description: 'The definition that was evaluated (normalized JSON).' })
  definition!: unknown;

  @Field({ description: 'The definition that was evaluated, as canonical text.' })
  text!: string;

  @Field({ description: 'A label for people (e.g. the campaign); may be empty.' })
  label!: string;

  @Field(() => DateTimeScalar, { description: 'The instant the segment was evaluated at (relative operators measure from it).' })
  asOf!: Date;

  @Field(() => Int, { description: 'How many members it holds (stored; read in constant time).' })
  count!: number;

  @Field(() => SnapshotHoldout, { nullable: true, description: 'The holdout split; null when none was asked for.' })
  holdout!: SnapshotHoldout | null;

  @Field({ description: 'Who took it (key:<prefix>).' })
  createdBy!: string;

  @Field(() => DateTimeScalar, { description: 'When it was taken.' })
  createdAt!: Date;
}

@ObjectType({ description: 'Snapshots, newest first.' })
export class SegmentSnapshotConnection extends Connection(SegmentSnapshot, 'SegmentSnapshot', 'snapshots') {}
