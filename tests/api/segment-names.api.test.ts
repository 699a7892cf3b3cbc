/**
 * Segment references by name in the text form (issue 13 §3): `in segment "Holdout 10%"` is
 * resolved in the caller's namespace at validation and stored by id, so a rename keeps the
 * definition working; unknown and ambiguous names are clear errors; the JSON form stays by id.
 */
import {
  CreateSegmentDocument, SegmentCountDocument, SegmentDocument, UpdateSegmentDocument, UpsertProfilesDocument, ValidateSegmentDocument,
} from '../generated/graphql';
import { describeEachApp } from '../support/app';
import { newNamespace } from '../support/client';

describeEachApp('segment references by name', (getApp) => {
  test('a name (any case) is stored as the id, and the definition survives a rename', async () => {
    const { client } = await newNamespace(getApp().url);
    await client.data(UpsertProfilesDocument, { inputs: [{ email: 'ann@example.com', firstName: 'Ann' }, { email: 'bob@example.com', firstName: 'Bob' }, { email: 'cy@example.com' }] });
    const holdout = (await client.data(CreateSegmentDocument, { input: { name: 'Holdout 10%', definition: { expression: 'first_name = "Ann"' } } })).createSegment;
    const user = (await client.data(CreateSegmentDocument, { input: { name: 'uses it', definition: { expression: 'in segment "holdout 10%" or first_name = "Bob"' } } })).createSegment;
    expect(user.text).toBe(`in segment "${holdout.id}" or first_name = "Bob"`);
    expect(user.definition).toEqual({ version: 1, filter: { or: [{ segment: holdout.id }, { field: 'first_name', op: 'eq', value: 'Bob' }] } });

    await client.data(UpdateSegmentDocument, { id: holdout.id, input: { name: 'Holdout 5%' } });
    expect((await client.data(SegmentCountDocument, { id: user.id })).segment.count).toBe(2);
    expect((await client.data(SegmentDocument, { id: user.id })).segment.text).toBe(`in segment "${holdout.id}" or first_name = "Bob"`);
    // The new name resolves, the old one no more; an id is still an id.
    const renamed = await client.data(ValidateSegmentDocument, { definition: { expression: `in segment "Holdout 5%" and in segment "${holdout.id}"` } });
    expect(renamed.validateSegment).toMatchObject({ valid: true, text: `in segment "${holdout.id}" and in segment "${holdout.id}"` });
    const old = await client.data(ValidateSegmentDocument, { definition: { expression: 'first_name is set and\n  in segment "Holdout 10%"' } });
    expect(old.validateSegment.errors).toEqual([
      { code: 'UNKNOWN_SEGMENT', message: 'No segment has the id or name "Holdout 10%". Did you mean "Holdout 5%"?', path: ['definition', 'expression'], line: 2, column: 3 },
    ]);
  });

  test('a name of another namespace is unknown here, and the JSON form takes ids only', async () => {
    const mine = await newNamespace(getApp().url);
    const theirs = await newNamespace(getApp().url);
    await theirs.client.data(CreateSegmentDocument, { input: { name: 'VIP', definition: { expression: 'first_name is set' } } });
    const text = await mine.client.data(ValidateSegmentDocument, { definition: { expression: 'in segment "VIP"' } });
    expect(text.validateSegment.errors).toEqual([
      { code: 'UNKNOWN_SEGMENT', message: 'No segment has the id or name "VIP".', path: ['definition', 'expression'], line: 1, column: 1 },
    ]);
    await mine.client.data(CreateSegmentDocument, { input: { name: 'VIP', definition: { expression: 'last_name is set' } } });
    const json = await mine.client.data(ValidateSegmentDocument, { definition: { filter: { segment: 'VIP' } } });
    expect(json.validateSegment.errors).toEqual([
      { code: 'UNKNOWN_SEGMENT', message: 'Segment `VIP` does not exist.', path: ['definition', 'filter', 'segment'], line: null, column: null },
    ]);
  });

  test("a text that is one segment's id and another's name is ambiguous", async () => {
    const { client } = await newNamespace(getApp().url);
    const first = (await client.data(CreateSegmentDocument, { input: { name: 'first', definition: { expression: 'first_name is set' } } })).createSegment;
    const second = (await client.data(CreateSegmentDocument, { input: { name: first.id, definition: { expression: 'last_name is set' } } })).createSegment;
    const result = await client.request(CreateSegmentDocument, { input: { name: 'third', definition: { expression: `in segment "${first.id}"` } } });
    expect(result.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      problems: [{
        code: 'AMBIGUOUS_SEGMENT',
        message: `"${first.id}" is the id of segment \`${first.id}\` and the name of segment \`${second.id}\`; write the id of the one you mean, as in \`in segment "${second.id}"\`.`,
        line: 1,
        column: 1,
      }],
    });
  });
});
