import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { ProfileRecord, SegmentImpact as Impact } from '../../services';
import type { RequestContext } from '../context';
import { toProfile } from '../mappers';
import { DateTimeScalar } from '../scalars';
import { Profile } from '../types/profile.type';
import { SegmentImpact, SegmentImpactChange, SegmentImpactDefinition } from '../types/segment-impact.type';
import { SegmentDefinitionInput } from '../types/segment.type';

function toImpact(impact: Impact): SegmentImpact {
  const side = (s: Impact['before']) => Object.assign(new SegmentImpactDefinition(), s);
  const change = (c: Impact['added']) => Object.assign(new SegmentImpactChange(), { count: c.count, sampleIds: c.sample });
  return Object.assign(new SegmentImpact(), {
    segmentId: impact.segmentId, asOf: impact.asOf, before: side(impact.before), after: side(impact.after),
    added: change(impact.added), removed: change(impact.removed), unchanged: impact.unchanged,
  });
}

const SAMPLE = { defaultValue: 10, description: 'How many profiles of each side to sample, 0 to 100.' } as const;
const AS_OF = { nullable: true, description: 'The instant both definitions are evaluated at; default now.' } as const;

@Resolver(() => SegmentImpact)
export class SegmentImpactResolver {
  @Query(() => SegmentImpact, { description: 'What saving `definition` would change: the saved and proposed counts, who is added and who removed, at one asOf. The proposed definition is checked as updateSegment would check it.' })
  async segmentImpact(
    @Arg('id', () => ID, { description: 'The saved segment.' }) id: string,
    @Arg('definition', () => SegmentDefinitionInput, { description: 'The proposed definition.' }) definition: SegmentDefinitionInput,
    @Arg('asOf', () => DateTimeScalar, AS_OF) asOf: Date | null,
    @Arg('sampleSize', () => Int, SAMPLE) sampleSize: number,
    @Ctx() ctx: RequestContext,
  ): Promise<SegmentImpact> {
    return toImpact(await ctx.services.impact.ofProposal(id, definition, asOf ?? ctx.startedAt, sampleSize));
  }

  @Query(() => SegmentImpact, { description: 'The same figures between two stored versions of a segment (see Segment.versions). References to other segments are evaluated at their current definitions.' })
  async segmentVersionDiff(
    @Arg('id', () => ID, { description: 'The saved segment.' }) id: string,
    @Arg('from', () => Int, { description: 'The version compared from (`before`).' }) from: number,
    @Arg('to', () => Int, { description: 'The version compared to (`after`).' }) to: number,
    @Arg('asOf', () => DateTimeScalar, AS_OF) asOf: Date | null,
    @Arg('sampleSize', () => Int, SAMPLE) sampleSize: number,
    @Ctx() ctx: RequestContext,
  ): Promise<SegmentImpact> {
    return toImpact(await ctx.services.impact.between(id, from, to, asOf ?? ctx.startedAt, sampleSize));
  }
}

@Resolver(() => SegmentImpactChange)
export class SegmentImpactChangeResolver {
  @FieldResolver(() => [Profile], { description: 'The first profiles by ID (at most sampleSize). Both sides load in one statement.' })
  async sample(@Root() change: SegmentImpactChange, @Ctx() ctx: RequestContext): Promise<Profile[]> {
    const rows = await ctx.loaders.profile.loadMany([...change.sampleIds]);
    return rows.filter((r): r is ProfileRecord => r !== undefined && !(r instanceof Error)).map(toProfile);
  }
}
