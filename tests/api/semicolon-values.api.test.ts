import { CreateApiKeyDocument, CreateSegmentDocument, DefineCustomFieldDocument, SegmentDocument, SegmentsDocument, UpdateCustomFieldDocument, UpdateSegmentDocument, ApiKeysDocument, CustomFieldsDocument } from '../generated/graphql';
import { describeEachApp } from '../support/app';
import { newNamespace } from '../support/client';
import { hostile } from '../support/hostile';

// Issue 12 §5: MikroORM inlined escaped values into the SQL text, and knex-pglite sent any SQL
// with a `;` in it through PGlite's exec(), so on PGlite a value with a `;` gave a phantom row or
// "Expected 1 bindings, saw 2". The ORM's statements now carry real bind parameters on PGlite too.
const SEMICOLON = hostile('semicolon');
const STATEMENT = hostile('sql comment and statement');

describeEachApp('values with a semicolon through the ORM', (getApp) => {
  test.each([['seg_x;', SEMICOLON], ['a statement after a quote', STATEMENT]])('segment name and description with %s are stored and read back exactly', async (_n, value) => {
    const { client } = await newNamespace(getApp().url);
    const created = (await client.data(CreateSegmentDocument, { input: { name: value, description: `${value} ; ;`, definition: { expression: 'first_name is set' } } })).createSegment;
    expect(created).toMatchObject({ name: value, description: `${value} ; ;`, version: 1 });
    const updated = (await client.data(UpdateSegmentDocument, { id: created.id, input: { name: `${value};2`, description: ';' } })).updateSegment;
    expect(updated).toMatchObject({ id: created.id, name: `${value};2`, description: ';', version: 2 });
    expect((await client.data(SegmentDocument, { id: created.id })).segment).toMatchObject({ id: created.id, name: `${value};2`, version: 2 });
    expect((await client.data(SegmentsDocument, { first: 10 })).segments.nodes.map((s) => s.name)).toEqual([`${value};2`]);
  });

  test('API key name and custom field description with a semicolon', async () => {
    const { client } = await newNamespace(getApp().url);
    const key = (await client.data(CreateApiKeyDocument, { input: { name: `nightly; ${STATEMENT}`, role: 'VIEWER' } })).createApiKey;
    expect(key.apiKey.name).toBe(`nightly; ${STATEMENT}`);
    expect((await client.data(ApiKeysDocument)).apiKeys.map((k) => k.name)).toContain(`nightly; ${STATEMENT}`);
    await client.data(DefineCustomFieldDocument, { input: { key: 'tier', type: 'STRING', description: `a;b ${STATEMENT}` } });
    await client.data(UpdateCustomFieldDocument, { key: 'tier', input: { description: `c;d ${SEMICOLON}` } });
    expect((await client.data(CustomFieldsDocument)).customFields).toEqual([expect.objectContaining({ key: 'tier', description: `c;d ${SEMICOLON}` })]);
  });
});
