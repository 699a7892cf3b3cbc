import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { FeedRecord } from '../../services';
import type { RequestContext } from '../context';
import { parseNumericId } from '../cursors';
import { Feed, FeedFile, FeedInput, FeedRun, FeedRunRequest } from '../types/feed.type';

function toFeed(f: FeedRecord): Feed {
  return Object.assign(new Feed(), {
    id: String(f.id), name: f.name, kind: f.kind, mapping: f.mapping, source: `sftp://${f.username}@${f.host}:${f.port}/${f.remoteDir.replace(/^\//, '')}`,
    authMethod: f.authMethod, hostKeySha256: f.hostKeySha256, pattern: f.pattern, cron: f.cron, timezone: f.timezone, enabled: f.enabled, createdAt: f.createdAt,
  });
}

@Resolver(() => Feed)
export class FeedResolver {
  @Mutation(() => Feed, { description: 'Saves a managed feed and its schedule (DATA_MANAGER or CLIENT_ADMIN). Refused when the server has no FEED_SECRET_KEY.' })
  async createFeed(@Arg('input', () => FeedInput, { description: 'The feed.' }) input: FeedInput, @Ctx() ctx: RequestContext): Promise<Feed> {
    return toFeed(await ctx.services.feeds.create(input));
  }

  @Mutation(() => Feed, { description: 'Enables or disables a feed\'s schedule.' })
  async setFeedEnabled(@Arg('id', () => ID, { description: 'The feed ID.' }) id: string, @Arg('enabled', { description: 'Whether it runs.' }) enabled: boolean, @Ctx() ctx: RequestContext): Promise<Feed> {
    return toFeed(await ctx.services.feeds.setEnabled(parseNumericId(id, ['id']), enabled));
  }

  @Mutation(() => Boolean, { description: 'Deletes a feed, its schedule and its history (imports stay).' })
  async deleteFeed(@Arg('id', () => ID, { description: 'The feed ID.' }) id: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    await ctx.services.feeds.delete(parseNumericId(id, ['id']));
    return true;
  }

  @Mutation(() => FeedRunRequest, { description: 'Starts a run now; one run of a feed at a time.' })
  async runFeedNow(@Arg('id', () => ID, { description: 'The feed ID.' }) id: string, @Ctx() ctx: RequestContext): Promise<FeedRunRequest> {
    const job = await ctx.services.feeds.runNow(parseNumericId(id, ['id']));
    return Object.assign(new FeedRunRequest(), { jobId: String(job.id), state: job.state });
  }

  @Query(() => Feed, { description: 'A feed by ID; NOT_FOUND outside this namespace.' })
  async feed(@Arg('id', () => ID, { description: 'The feed ID.' }) id: string, @Ctx() ctx: RequestContext): Promise<Feed> {
    return toFeed(await ctx.services.feeds.get(parseNumericId(id, ['id'])));
  }

  @Query(() => [Feed], { description: 'The feeds of this namespace, by name.' })
  async feeds(@Ctx() ctx: RequestContext): Promise<Feed[]> {
    return (await ctx.services.feeds.list()).map(toFeed);
  }

  @FieldResolver(() => [FeedRun], { description: 'Run history, newest first: files seen, their imports and errors.' })
  async runs(@Root() root: Feed, @Arg('first', () => Int, { defaultValue: 20, description: '1 to 100.' }) first: number, @Ctx() ctx: RequestContext): Promise<FeedRun[]> {
    const runs = await ctx.services.feeds.runs(Number(root.id), first);
    return runs.map(({ run, files }) => Object.assign(new FeedRun(), {
      id: String(run.id), status: run.status, filesSeen: run.filesSeen, filesImported: run.filesImported, filesSkipped: run.filesSkipped, filesFailed: run.filesFailed,
      error: run.error, startedAt: run.startedAt, finishedAt: run.finishedAt,
      files: files.map((f) => Object.assign(new FeedFile(), { name: f.name, size: f.size, sha256: f.sha256, outcome: f.outcome, importId: f.importId === null ? null : String(f.importId), error: f.error })),
    }));
  }
}
