import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars';

@ObjectType({ description: 'One of the two definitions an impact compares.', simpleResolvers: true })
export class SegmentImpactDefinition {
  @Field(() => Int, { nullable: true, description: 'The stored version; null for a proposed (unsaved) definition.' })
  version!: number | null;

  @Field({ description: 'Its canonical text.' })
  text!: string;

  @Field(() => Int, { description: 'How many profiles it matches at asOf.' })
  count!: number;
}

@ObjectType({ description: 'The profiles that enter, or leave, the audience: how many, and the first few by profile ID.' })
export class SegmentImpactChange {
  @Field(() => Int, { description: 'How many profiles.' })
  count!: number;

  /** The sampled profile IDs; `sample` loads them (not exposed). */
  sampleIds!: readonly number[];
}

@ObjectType({ description: 'What changes between two definitions of a segment at one instant, computed in one SQL statement over both.' })
export class SegmentImpact {
  @Field(() => ID, { description: 'The segment.' })
  segmentId!: string;

  @Field(() => DateTimeScalar, { description: 'The instant both definitions were evaluated at.' })
  asOf!: Date;

  @Field(() => SegmentImpactDefinition, { description: 'The saved definition (or the `from` version).' })
  before!: SegmentImpactDefinition;

  @Field(() => SegmentImpactDefinition, { description: 'The proposed definition (or the `to` version).' })
  after!: SegmentImpactDefinition;

  @Field(() => SegmentImpactChange, { description: 'Profiles in `after` that are not in `before`.' })
  added!: SegmentImpactChange;

  @Field(() => SegmentImpactChange, { description: 'Profiles in `before` that are not in `after`.' })
  removed!: SegmentImpactChange;

  @Field(() => Int, { description: 'Profiles in both.' })
  unchanged!: number;
}
