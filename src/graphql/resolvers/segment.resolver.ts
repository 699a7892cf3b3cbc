import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AudienceWarning } from '../../audience';
import { toProblems, type CheckedDefinition, type SegmentRow } from '../../services';
import { MAX_PREVIEW_SAMPLE } from '../../services/segment.service';
import type { RequestContext } from '../context';
import { profileColumnsOf } from '../selection';
import { notACursor, parseProfileCursor, profileCursor } from '../cursors';
import { isSegmentId } from '../../domain/ids';
import { textProblem } from '../../domain/storable-text';
import { AppError } from '../../domain/errors';
import { toProfile, toSelectedProfile } from '../mappers';
import { DateTimeScalar } from '../scalars';
import { toConnection } from '../types/connection.type';
import { Profile, ProfileConnection } from '../types/profile.type';
import {
  CreateSegmentInput, FilterError, FilterWarning, Segment, SegmentConnection, SegmentDefinitionInput, SegmentExplanation, SegmentPreview, SegmentValidation,
  SegmentVersion, UpdateSegmentInput,
} from '../types/segment.type';

/** Saved segments are looked up by their GraphQL object's id; the row stays hidden. */
function toSegment(row: SegmentRow): Segment {
  return Object.assign(new Segment(), {
    id: row.id, name: row.name, description: row.description, definition: row.definition, text: row.text, version: row.version,
    createdBy: row.createdBy, updatedBy: row.updatedBy, createdAt: row.createdAt, updatedAt: row.updatedAt,
  });
}

function segmentCursor(row: { name: string; id: string }): string {
  return Buffer.from(JSON.stringify([row.name.toLowerCase(), row.id])).toString('base64url');
}

function parseSegmentCursor(cursor: string | null): { name: string; id: string } | null {
  if (!cursor) return null;
  try {
    const [name, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [unknown, unknown];
    if (typeof name === 'string' && typeof id === 'string' && isSegmentId(id) && textProblem(name) === undefined) return { name, id };
  } catch {
    // fall through
  }
  throw notACursor('after');
}

/** Warnings with paths into the `definition` argument (`form` given) or into a saved segment's `definition` envelope (`null`). */
function toWarnings(warnings: readonly AudienceWarning[], form: 'filter' | 'expression' | null): FilterWarning[] {
  return toProblems(warnings, ['definition'], form).map((p) =>
    Object.assign(new FilterWarning(), { code: p.code, message: p.message, path: p.path.map(String), line: p.line ?? null, column: p.column ?? null }),
  );
}

function toValidation(checked: CheckedDefinition, warnings: readonly AudienceWarning[]): SegmentValidation {
  return {
    warnings: toWarnings(warnings, checked.form),
    valid: checked.errors.length === 0,
    errors: toProblems(checked.errors, ['definition'], checked.form).map((p) =>
      Object.assign(new FilterError(), { code: p.code, message: p.message, path: p.path.map(String), line: p.line ?? null, column: p.column ?? null }),
    ),
    normalized: checked.normalized ?? null,
    text: checked.text ?? null,
  };
}


@Resolver(() => Segment)
export class SegmentResolver {
  @Query(() => Segment, { description: 'A saved segment by ID; NOT_FOUND outside this namespace.' })
  async segment(@Arg('id', () => ID, { description: 'The segment ID.' }) id: string, @Ctx() ctx: RequestContext): Promise<Segment> {
    return toSegment(await ctx.services.segments.get(id));
  }

  @Query(() => SegmentConnection, { description: 'Saved segments, by name, with keyset pagination.' })
  async segments(
    @Arg('first', () => Int, { defaultValue: 50, description: 'Page size, 1 to 500.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<SegmentConnection> {
    const { segments, hasMore } = await ctx.services.segments.page(first, parseSegmentCursor(after));
    return toConnection(segments, hasMore, segmentCursor, toSegment, after);
  }

  @Query(() => SegmentValidation, { description: 'Validates a definition against this namespace without saving it: every error, the normalized JSON and the canonical text.' })
  async validateSegment(@Arg('definition', () => SegmentDefinitionInput, { description: 'The definition to check.' }) definition: SegmentDefinitionInput, @Ctx() ctx: RequestContext): Promise<SegmentValidation> {
    const checked = await ctx.services.segments.validate(definition);
    return toValidation(checked, checked.errors.length === 0 ? await ctx.services.segments.warnings(checked.ast) : []);
  }

  @Query(() => SegmentPreview, { description: 'Counts a definition and returns a sample of its members, without saving it.' })
  async previewSegment(
    @Arg('definition', () => SegmentDefinitionInput, { description: 'The definition to evaluate.' }) definition: SegmentDefinitionInput,
    @Arg('asOf', () => DateTimeScalar, { nullable: true, description: 'Instant for relative operators; default now.' }) asOf: Date | null,
    @Arg('sampleSize', () => Int, { defaultValue: 10, description: 'How many members to return, 0 to 100.' }) sampleSize: number,
    @Ctx() ctx: RequestContext,
  ): Promise<SegmentPreview> {
    if (!Number.isInteger(sampleSize) || sampleSize < 0 || sampleSize > MAX_PREVIEW_SAMPLE) throw AppError.invalid(['sampleSize'], `must be from 0 to ${MAX_PREVIEW_SAMPLE} (got ${sampleSize})`);
    const at = asOf ?? ctx.startedAt;
    const count = await ctx.services.segments.count(definition, at);
    const sample = sampleSize === 0 ? [] : (await ctx.services.segments.members(definition, at, sampleSize, 0)).profiles;
    const checked = await ctx.services.segments.validate(definition);
    return { count, sample: sample.map(toProfile), asOf: at, warnings: toWarnings(await ctx.services.segments.warnings(checked.ast), checked.form) };
  }

  @Query(() => SegmentExplanation, { description: 'The SQL a definition compiles to and its EXPLAIN plan, for tuning (CLIENT_ADMIN).' })
  async explainSegment(
    @Arg('definition', () => SegmentDefinitionInput, { description: 'The definition to explain.' }) definition: SegmentDefinitionInput,
    @Arg('asOf', () => DateTimeScalar, { nullable: true, description: 'Instant for relative operators; default now.' }) asOf: Date | null,
    @Arg('analyze', { defaultValue: false, description: 'Run the query too (EXPLAIN ANALYZE, BUFFERS).' }) analyze: boolean,
    @Ctx() ctx: RequestContext,
  ): Promise<SegmentExplanation> {
    const explained = await ctx.services.segments.explain(definition, asOf ?? ctx.startedAt, analyze);
    return { sql: explained.sql, params: [...explained.params], plan: explained.plan };
  }

  @Mutation(() => Segment, { description: 'Saves a new segment (MARKETER or above). An invalid definition is BAD_USER_INPUT with every problem in extensions.problems.' })
  async createSegment(@Arg('input', () => CreateSegmentInput, { description: 'The new segment.' }) input: CreateSegmentInput, @Ctx() ctx: RequestContext): Promise<Segment> {
    return toSegment(await ctx.services.segments.create(input));
  }

  @Mutation(() => Segment, { description: 'Changes a segment; the previous version stays in its history.' })
  async updateSegment(
    @Arg('id', () => ID, { description: 'The segment to change.' }) id: string,
    @Arg('input', () => UpdateSegmentInput, { description: 'The changes.' }) input: UpdateSegmentInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Segment> {
    return toSegment(await ctx.services.segments.update(id, input));
  }

  @Mutation(() => Segment, { description: 'Deletes a segment. A segment that other segments reference is a CONFLICT naming them.' })
  async deleteSegment(@Arg('id', () => ID, { description: 'The segment to delete.' }) id: string, @Ctx() ctx: RequestContext): Promise<Segment> {
    return toSegment(await ctx.services.segments.delete(id));
  }

  @FieldResolver(() => [FilterWarning], {
    description: "Event types, properties and property types its definition names that the namespace's events have never had (as validateSegment reports them; paths into definition.filter).",
  })
  async warnings(@Root() segment: Segment, @Ctx() ctx: RequestContext): Promise<FilterWarning[]> {
    return toWarnings(await ctx.services.segments.warningsOf(await ctx.services.segments.get(segment.id)), null);
  }

  @FieldResolver(() => Int, { description: 'How many profiles are members at asOf.' })
  async count(
    @Root() segment: Segment,
    @Arg('asOf', () => DateTimeScalar, { nullable: true, description: 'Instant for relative operators; default now.' }) asOf: Date | null,
    @Ctx() ctx: RequestContext,
  ): Promise<number> {
    return ctx.services.segments.count(await ctx.services.segments.get(segment.id), asOf ?? ctx.startedAt);
  }

  @FieldResolver(() => ProfileConnection, { description: 'The members at asOf, by profile ID, with keyset pagination.' })
  async members(
    @Root() segment: Segment,
    @Arg('first', () => Int, { defaultValue: 50, description: 'Page size, 1 to 500.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after: string | null,
    @Arg('asOf', () => DateTimeScalar, { nullable: true, description: 'Instant for relative operators; default now. Pass the same asOf on every page.' }) asOf: Date | null,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ProfileConnection> {
    const row = await ctx.services.segments.get(segment.id);
    const columns = profileColumnsOf(info);
    const { profiles, hasMore } = await ctx.services.segments.members(row, asOf ?? ctx.startedAt, first, parseProfileCursor(after, 'after'), columns);
    // Only whole rows are cached: a later `profile(id)` in the request may select more.
    if (columns === undefined) for (const p of profiles) ctx.loaders.profile.prime(p.id, p);
    return toConnection(profiles, hasMore, (p) => profileCursor(p.id), toSelectedProfile, after);
  }

  @FieldResolver(() => [SegmentVersion], { description: 'Every version, newest first.' })
  async versions(@Root() segment: Segment, @Ctx() ctx: RequestContext): Promise<SegmentVersion[]> {
    return (await ctx.services.segments.versions(segment.id)).map((v) =>
      Object.assign(new SegmentVersion(), { version: v.version, name: v.name, description: v.description, definition: v.definition, text: v.text, createdBy: v.createdBy, createdAt: v.createdAt }),
    );
  }

  @FieldResolver(() => [ID], { description: 'IDs of the segments this one references.' })
  async dependsOn(@Root() segment: Segment, @Ctx() ctx: RequestContext): Promise<string[]> {
    return (await ctx.services.segments.dependencies(segment.id)).dependsOn;
  }

  @FieldResolver(() => [ID], { description: 'IDs of the segments that reference this one.' })
  async usedBy(@Root() segment: Segment, @Ctx() ctx: RequestContext): Promise<string[]> {
    return (await ctx.services.segments.dependencies(segment.id)).usedBy;
  }
}

@Resolver(() => Profile)
export class ProfileSegmentsResolver {
  @FieldResolver(() => [Segment], {
    description:
      'The saved segments this profile belongs to at asOf (Customer 360). One statement for a whole page of profiles. ' +
      'A saved segment that no longer validates is left out, and named in the response\'s extensions.warnings (code SEGMENT_SKIPPED) with the reason.',
  })
  async segments(
    @Root() profile: Profile,
    @Arg('asOf', () => DateTimeScalar, { nullable: true, description: 'Instant for relative operators; default now.' }) asOf: Date | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Segment[]> {
    const { segments, skipped } = await ctx.loaders.segmentsOf.load({ profileId: profile.profileId, asOf: (asOf ?? ctx.startedAt).toISOString() });
    for (const s of skipped) {
      ctx.warnings.add(`segment:${s.id}`, {
        code: 'SEGMENT_SKIPPED', message: `Segment "${s.name}" (${s.id}) was left out of Profile.segments: ${s.reason}`, segmentId: s.id, segmentName: s.name,
      });
    }
    return segments.map(toSegment);
  }
}
