import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { ProfileColumn } from '../services';

/**
 * The names of the fields selected at `path` below the resolver's field (`['nodes']`), over every
 * field node of the request that merged into it, through fragments and inline fragments. A field
 * under `@include(if: false)` or `@skip` still counts: the set may hold more than GraphQL will read,
 * never less, so a read that selects columns from it reads every column that is used.
 */
function selectedAt(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, paths: readonly (readonly string[])[]): Set<string> {
  const names = new Set<string>();
  const visit = (set: SelectionSetNode | undefined, path: readonly string[], fragments: Set<string>): void => {
    if (!set) return;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (path.length === 0) names.add(selection.name.value);
        else if (selection.name.value === path[0]) visit(selection.selectionSet, path.slice(1), fragments);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet, path, fragments);
      } else if (!fragments.has(selection.name.value)) {
        // A fragment spread twice at one level adds nothing new; validation has ruled out cycles.
        visit(info.fragments[selection.name.value]?.selectionSet, path, new Set([...fragments, selection.name.value]));
      }
    }
  };
  for (const node of info.fieldNodes) for (const path of paths) visit(node.selectionSet, path, new Set());
  return names;
}

/** A connection's items: `nodes { … }` and `edges { node { … } }`. */
const CONNECTION_ITEMS = [['nodes'], ['edges', 'node']] as const;

/**
 * The columns each `Profile` field reads (`toProfile`). Fields loaded by a loader of their own read
 * only the ID, which every read selects. A field missing here (a new one) makes the read select
 * every column.
 */
const PROFILE_FIELD_COLUMNS: ReadonlyMap<string, readonly ProfileColumn[]> = new Map(Object.entries({
  __typename: [],
  id: [],
  email: ['email'],
  firstName: ['firstName'],
  lastName: ['lastName'],
  birthdayDay: ['birthdayDay'],
  birthdayMonth: ['birthdayMonth'],
  custom: ['custom'],
  createdAt: ['createdAt'],
  updatedAt: ['updatedAt'],
  reserved: ['emailHashNumber', 'hasControlGroupHaltedEmail', 'hasEmailDelivered', 'hasReceivedEmail', 'lastEmailScheduled', 'lastPurchaseDate', 'lastEmailSent'],
  dimensions: ['emailStatus', 'firstIdentifiedAt'],
  channels: ['email', 'emailStatus', 'emailStatusChangedAt'],
  phones: [],
  events: [],
  consentHistory: [],
  segments: [],
} satisfies Record<string, readonly ProfileColumn[]>));

/** The `Profile` fields whose columns `PROFILE_FIELD_COLUMNS` knows (for its test). */
export const PROFILE_FIELDS_WITH_COLUMNS = [...PROFILE_FIELD_COLUMNS.keys()];

/** Memoized per merged field-node list: a page resolves the same field for every item with the same list. */
const profileColumnsCache = new WeakMap<readonly FieldNode[], readonly ProfileColumn[] | undefined>();

/**
 * The profile columns a connection of profiles needs for what the request selects of its items, or
 * undefined for every column (a field this table does not know). A page of `{ id email }` then
 * reads two columns instead of twenty.
 *
 * @example profileColumnsOf(info) // ['email'] for `members { nodes { id email } }`
 */
export function profileColumnsOf(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): readonly ProfileColumn[] | undefined {
  if (profileColumnsCache.has(info.fieldNodes)) return profileColumnsCache.get(info.fieldNodes);
  const columns = new Set<ProfileColumn>();
  let known = true;
  for (const name of selectedAt(info, CONNECTION_ITEMS)) {
    const needs = PROFILE_FIELD_COLUMNS.get(name);
    if (needs === undefined) known = false;
    else for (const column of needs) columns.add(column);
  }
  // Sorted, so that one set of columns is one statement text (and one plan) whatever the field order.
  const result = known ? [...columns].sort() : undefined;
  profileColumnsCache.set(info.fieldNodes, result);
  return result;
}

/** Event fields read from the columns every event read selects (`id`, `type`, `occurred_at`, `properties`). */
const NARROW_EVENT_FIELDS = new Set(['__typename', 'id', 'type', 'occurredAt', 'properties']);

const eventWidthCache = new WeakMap<readonly FieldNode[], boolean>();

/**
 * Whether a connection of events selects an item field beyond `NARROW_EVENT_FIELDS`: `created`,
 * `createdOverride`, `clientEventId` or `receivedAt`. (Edge cursors are built from `occurredAt` and
 * `id`.) A page of 100 profiles with their latest 5 events then parses four columns fewer for each
 * of its 500 events.
 */
export function needsWideEvents(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): boolean {
  const cached = eventWidthCache.get(info.fieldNodes);
  if (cached !== undefined) return cached;
  const wide = [...selectedAt(info, CONNECTION_ITEMS)].some((name) => !NARROW_EVENT_FIELDS.has(name));
  eventWidthCache.set(info.fieldNodes, wide);
  return wide;
}
