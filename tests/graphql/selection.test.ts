import { Kind, parse, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { buildAppSchema } from '../../src/graphql/schema';
import { needsWideEvents, profileColumnsOf, PROFILE_FIELDS_WITH_COLUMNS } from '../../src/graphql/selection';

/** The resolve info of the first root field of `source`, as far as the selection helpers read it. */
function infoOf(source: string) {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const fieldNodes = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
  return { fieldNodes, fragments };
}

test('every field of Profile has its columns listed', async () => {
  const profile = (await buildAppSchema()).getType('Profile') as unknown as { getFields(): Record<string, unknown> };
  expect(PROFILE_FIELDS_WITH_COLUMNS.filter((f) => f !== '__typename').sort()).toEqual(Object.keys(profile.getFields()).sort());
});

test('profile columns: nodes and edges, fragments, inline fragments and merged field nodes', () => {
  expect(profileColumnsOf(infoOf('{ profiles { nodes { id email } pageInfo { endCursor } } }'))).toEqual(['email']);
  expect(profileColumnsOf(infoOf('{ profiles { edges { cursor node { id } } } }'))).toEqual([]);
  const info = infoOf(`{ profiles { nodes { ...A ... on Profile { dimensions { emailStatus } } } } profiles { edges { node { firstName @include(if: false) } } } }
    fragment A on Profile { ...B custom } fragment B on Profile { ...A createdAt }`);
  expect(new Set(profileColumnsOf({ fieldNodes: info.fieldNodes, fragments: info.fragments }))).toEqual(new Set(['custom', 'createdAt', 'emailStatus', 'firstIdentifiedAt', 'firstName']));
});

test('a field the table does not know selects every column', () => {
  expect(profileColumnsOf(infoOf('{ profiles { nodes { id somethingNew } } }'))).toBeUndefined();
});

test('events are wide only for the fields beyond id, type, occurredAt and properties', () => {
  expect(needsWideEvents(infoOf('{ events { nodes { id type occurredAt properties __typename } edges { cursor } } }'))).toBe(false);
  for (const field of ['created', 'createdOverride', 'clientEventId', 'receivedAt']) {
    expect(needsWideEvents(infoOf(`{ events { edges { node { id ${field} } } } }`))).toBe(true);
  }
  expect(needsWideEvents(infoOf('{ events { nodes { ...E } } } fragment E on ProfileEvent { receivedAt }'))).toBe(true);
});
