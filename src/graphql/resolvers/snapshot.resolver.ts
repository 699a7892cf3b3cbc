import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AppError } from '../../domain/errors';
import type { SnapshotGroup, SnapshotRecord } from '../../services';
import type { RequestContext } from '../context';
import { parseProfileCursor, profileCursor } from '../cursors';
import { SnapshotGroupEnum } from '../enums';
import { toProfile } from '../mappers';
import { DateTimeScalar } from '../scalars';
import { toConnection } from '../types/connection.type';
import { Profile } from '../types/profile.type';
import { SegmentSnapshot, SegmentSnapshotConnection, SnapshotHoldout, SnapshotHoldoutInput, SnapshotMember, SnapshotMemberConnection } from '../types/snapshot.type';

function toSnapshot(row: SnapshotRecord): SegmentSnapshot {
  return Object.assign(new SegmentSnapshot(), {
    id: row.id, segmentId: row.segmentId, segmentName: row.segmentName, segmentVersion: row.segmentVersion, definition: row.definition, text: row.text,
    label: row.label, asOf: row.asOf, count: row.memberCount, createdBy: row.createdBy, createdAt: row.createdAt,
    holdout: row.holdoutPercent === null ? null : Object.assign(new SnapshotHoldout(), { percent: row.holdoutPercent, count: row.holdoutCount }),
  });
}

function snapshotCursor(row: SnapshotRecord): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');
}

function parseSnapshotCursor(cursor: string | null): { createdAt: Date; id: string } | null {
  if (!cursor) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [unknown, unknown];
    const createdAt = typeof at === 'string' ? new Date(at) : undefined;
    if (createdAt && !Number.isNaN(createdAt.getTime()) && typeof id === 'string') return { createdAt, id };
  } catch {
    // fall through
  }
  throw AppError.invalid(['after'], 'is not a cursor from this connection; pass a pageInfo.endCursor you received');
}

@Resolver(() => SegmentSnapshot)
export class SnapshotResolver {
  @Mutation(() => SegmentSnapshot, { description: 'Freezes the members of a saved segment at asOf (one set-based statement), optionally with a holdout split.' })
  async snapshotSegment(
    @Arg('id', () => ID, { description: 'The saved segment.' }) id: string,
    @Arg('asOf', () => DateTimeScalar, { nullable: true, description: 'The instant to evaluate at; default now.' }) asOf: Date | null,
    @Arg('label', () => String, { nullable: true, description: 'A label for people, at most 200 characters.' }) label: string | null,
    @Arg('holdout', () => SnapshotHoldoutInput, { nullable: true, description: 'Mark members below a cut of email_hash_number as holdout.' }) holdout: SnapshotHoldoutInput | null,
    @Ctx() ctx: RequestContext,
  ): Promise<SegmentSnapshot> {
    return toSnapshot(await ctx.services.snapshots.take(id, { asOf: asOf ?? ctx.startedAt, label, holdout }));
  }

  @Mutation(() => SegmentSnapshot, { description: 'Deletes a snapshot and its members.' })
  async deleteSegmentSnapshot(@Arg('id', () => ID, { description: 'The snapshot.' }) id: string, @Ctx() ctx: RequestContext): Promise<SegmentSnapshot> {
    return toSnapshot(await ctx.services.snapshots.delete(id));
  }

  @Query(() => SegmentSnapshot, { description: 'A snapshot by ID; NOT_FOUND outside this namespace.' })
  async segmentSnapshot(@Arg('id', () => ID, { description: 'The snapshot ID (snap_…).' }) id: string, @Ctx() ctx: RequestContext): Promise<SegmentSnapshot> {
    return toSnapshot(await ctx.services.snapshots.get(id));
  }

  @Query(() => SegmentSnapshotConnection, { description: 'Snapshots, newest first, with keyset pagination; of one segment when segmentId is given.' })
  async segmentSnapshots(
    @Arg('segmentId', () => ID, { nullable: true, description: 'Only snapshots of this segment.' }) segmentId: string | null,
    @Arg('first', () => Int, { defaultValue: 50, description: 'Page size, 1 to 500.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<SegmentSnapshotConnection> {
    const { snapshots, hasMore } = await ctx.services.snapshots.page(first, parseSnapshotCursor(after), segmentId);
    return toConnection(snapshots, hasMore, snapshotCursor, toSnapshot);
  }

  @FieldResolver(() => SnapshotMemberConnection, { description: 'The members, by profile ID (keyset pages).' })
  async members(
    @Root() snapshot: SegmentSnapshot,
    @Arg('first', () => Int, { defaultValue: 100, description: 'Page size, 1 to 500.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after: string | null,
    @Arg('group', () => SnapshotGroupEnum, { defaultValue: 'ALL', description: 'All members, only the holdout, or only the rest.' }) group: SnapshotGroup,
    @Ctx() ctx: RequestContext,
  ): Promise<SnapshotMemberConnection> {
    const { members, hasMore } = await ctx.services.snapshots.members(snapshot.id, first, parseProfileCursor(after, 'after'), group);
    return toConnection(members, hasMore, (m) => profileCursor(m.profileId), (m) => Object.assign(new SnapshotMember(), { profileId: String(m.profileId), holdout: m.holdout }));
  }
}

@Resolver(() => SnapshotMember)
export class SnapshotMemberResolver {
  @FieldResolver(() => Profile, { nullable: true, description: 'The profile now (a merged profile resolves to the one it was merged into); null once it was deleted. A page of members loads in one statement.' })
  async profile(@Root() member: SnapshotMember, @Ctx() ctx: RequestContext): Promise<Profile | null> {
    const row = await ctx.loaders.profile.load(Number(member.profileId));
    return row ? toProfile(row) : null;
  }
}
