import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import './enums';
import { AccessResolver } from './resolvers/access.resolver';
import { ActivityResolver } from './resolvers/activity.resolver';
import { CatalogResolver } from './resolvers/catalog.resolver';
import { ChannelsResolver } from './resolvers/channels.resolver';
import { FeedResolver } from './resolvers/feed.resolver';
import { ImportResolver } from './resolvers/import.resolver';
import { ProfileResolver } from './resolvers/profile.resolver';
import { SegmentImpactChangeResolver, SegmentImpactResolver } from './resolvers/segment-impact.resolver';
import { ProfileSegmentsResolver, SegmentResolver } from './resolvers/segment.resolver';

export const RESOLVERS = [ProfileResolver, ChannelsResolver, ActivityResolver, CatalogResolver, AccessResolver, SegmentResolver, ProfileSegmentsResolver, SegmentImpactResolver, SegmentImpactChangeResolver, ImportResolver, FeedResolver] as const;

/** Builds the executable schema from the resolver classes (code first). */
export async function buildAppSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({ resolvers: [...RESOLVERS], validate: false, emitSchemaFile: false });
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  if (query) query.description = 'Reads. Every query is scoped to the namespace of the API key sent as "Authorization: Bearer <key>".';
  if (mutation) mutation.description = 'Writes. Every mutation is scoped to the namespace of the API key; createNamespace needs the platform admin token.';
  return schema;
}

/** The SDL committed as schema/schema.graphql: sorted, so it diffs cleanly. */
export async function printAppSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildAppSchema()))}\n`;
}
