import { Field, ObjectType, type ClassType } from 'type-graphql';
import { PageInfo } from './common.type';

/**
 * A Relay-style connection type for items of `itemType`, with its edge type `<Name>Edge`.
 * `@ObjectType({ description }) class ProfileConnection extends Connection(Profile, 'Profile', 'profiles') {}`
 */
export function Connection<T extends object>(itemType: ClassType<T>, name: string, noun: string) {
  @ObjectType(`${name}Edge`, { description: `An edge of a ${name} connection: one item and its cursor.`, simpleResolvers: true })
  class Edge {
    @Field({ description: 'Opaque cursor of this edge; pass it as `after` to continue from here.' })
    cursor!: string;

    @Field(() => itemType, { description: `The item.` })
    node!: T;
  }

  @ObjectType()
  abstract class ConnectionType {
    @Field(() => [Edge], { description: `The ${noun} of the page, with cursors.` })
    edges!: Edge[];

    @Field(() => [itemType], { description: `The ${noun} of the page, without cursors.` })
    nodes!: T[];

    @Field(() => PageInfo, { description: 'Whether more follow, and the cursor to get them.' })
    pageInfo!: PageInfo;
  }
  return ConnectionType;
}

/**
 * A page of rows as a connection: one edge per row, the first and last cursors as `startCursor`
 * and `endCursor`. Pagination is forward only (`first`/`after`), so, as the Relay spec allows,
 * `hasPreviousPage` says whether the page was asked for `after` a cursor: that cursor came from an
 * edge, so items precede this page. Edges and cursors are built only when a query selects them
 * (getters: a page of 100 profiles with their events would otherwise build hundreds nobody reads).
 *
 * @example toConnection(rows, hasMore, (p) => profileCursor(p.id), toProfile, after)
 */
export function toConnection<R, T>(rows: readonly R[], hasMore: boolean, cursor: (row: R) => string, node: (row: R) => T, after?: string | null) {
  const nodes = rows.map(node);
  let edges: { readonly cursor: string; readonly node: T }[] | undefined;
  const first = rows[0];
  const last = rows.at(-1);
  return {
    /** Built when a query selects them: a page of profiles with their events mostly reads `nodes`. */
    get edges() {
      edges ??= rows.map((row, i) => ({
        get cursor(): string {
          return cursor(row);
        },
        node: nodes[i]!,
      }));
      return edges;
    },
    nodes,
    pageInfo: {
      hasNextPage: hasMore,
      hasPreviousPage: Boolean(after),
      get startCursor(): string | null {
        return first === undefined ? null : cursor(first);
      },
      get endCursor(): string | null {
        return last === undefined ? null : cursor(last);
      },
    },
  };
}
