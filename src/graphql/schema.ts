import { getNullableType, isInputObjectType, lexicographicSortSchema, printSchema, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { directFieldResolvers } from './direct-resolvers';
import './enums';
import { AccessResolver } from './resolvers/access.resolver';
import { ActivityResolver } from './resolvers/activity.resolver';
import { CatalogResolver } from './resolvers/catalog.resolver';
import { ChannelsResolver } from './resolvers/channels.resolver';
import { ExportResolver } from './resolvers/export.resolver';
import { FeedResolver } from './resolvers/feed.resolver';
import { ImportResolver } from './resolvers/import.resolver';
import { PrivacyResolver } from './resolvers/privacy.resolver';
import { ProfileResolver } from './resolvers/profile.resolver';
import { SegmentImpactChangeResolver, SegmentImpactResolver } from './resolvers/segment-impact.resolver';
import { ProfileSegmentsResolver, SegmentResolver } from './resolvers/segment.resolver';
import { SegmentChangesResolver } from './resolvers/segment-changes.resolver';
import { SnapshotMemberResolver, SnapshotResolver } from './resolvers/snapshot.resolver';
import { WebhookResolver } from './resolvers/webhook.resolver';

export const RESOLVERS = [ProfileResolver, ChannelsResolver, ActivityResolver, CatalogResolver, AccessResolver, SegmentResolver, ProfileSegmentsResolver, SegmentImpactResolver, SegmentImpactChangeResolver, ImportResolver, FeedResolver, SnapshotResolver, SnapshotMemberResolver, SegmentChangesResolver, WebhookResolver, PrivacyResolver, ExportResolver] as const;

/** Builds the executable schema from the resolver classes (code first). */
export async function buildAppSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({ resolvers: [...RESOLVERS], validate: false, emitSchemaFile: false });
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  if (query) query.description = 'Reads. Every query is scoped to the namespace of the API key sent as "Authorization: Bearer <key>".';
  if (mutation) mutation.description = 'Writes. Every mutation is scoped to the namespace of the API key; createNamespace needs the platform admin token.';
  applyOneOf(schema);
  if (mutation) nullableRootFields(mutation);
  directFieldResolvers(schema, RESOLVERS);
  return schema;
}

/**
 * Every mutation field is nullable, as PostGraphile and Relay do it. A document with several
 * mutations (`a: createSegment(…) b: createSegment(…)`) then keeps the results of the ones that
 * worked when one fails: that field is null and its error in `errors` carries its path (`["b"]`).
 * With a non-null root field, one error nulled the whole `data`, and the IDs of the segments already
 * created were lost. Done here, once, so every mutation follows it, including new ones.
 */
function nullableRootFields(type: GraphQLObjectType): void {
  for (const field of Object.values(type.getFields())) field.type = getNullableType(field.type);
}

/**
 * type-graphql 2 has no option for OneOf input objects, but keeps `@Directive('@oneOf')` on the
 * type's AST node. graphql-js validates and coerces by the type's `isOneOf` flag, so set it from the
 * directive: an input with none or two of its fields set is then refused before any resolver runs.
 */
function applyOneOf(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (isInputObjectType(type) && type.astNode?.directives?.some((d) => d.name.value === 'oneOf')) type.isOneOf = true;
  }
}

/** The SDL committed as schema/schema.graphql: sorted, so it diffs cleanly. */
export async function printAppSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildAppSchema()))}\n`;
}
