import { CustomFieldRow, NamespaceRow, SegmentRow } from '../../src/db/entities';
import { describeEachDatabase } from '../support/databases';
import { createTenant } from '../support/tenants';
import { hostile } from '../support/hostile';

// Issue 12 §5: on PGlite, MikroORM's statements used to carry their values inlined into the SQL
// text, and knex-pglite ran any text with a `;` through exec() (several statements, no
// parameters): `findOne` with `seg_x;` came back with a phantom row (every column null) instead of
// null. The ORM's statements now carry real bind parameters on PGlite too.
describeEachDatabase('ORM lookups with a semicolon in a value', (getDb) => {
  test.each([
    ['seg_x;', hostile('semicolon')],
    ['a statement after a quote', hostile('sql comment and statement')],
    ['dollar quoting', hostile('dollar quoting')],
    ['a placeholder', hostile('placeholder')],
    ['a question mark', 'seg_? ?? \\?'],
  ])('findOne with %s finds nothing, and find/count agree', async (_name, value) => {
    const tenant = await createTenant(getDb());
    const em = getDb().orm.em.fork();
    expect(await em.findOne(SegmentRow, { namespaceId: tenant.id, id: value })).toBeNull();
    expect(await em.find(SegmentRow, { namespaceId: tenant.id, id: { $in: [value, `${value};`] } })).toEqual([]);
    expect(await em.count(NamespaceRow, { slug: value })).toBe(0);
    expect(await em.findOne(NamespaceRow, { slug: value })).toBeNull();
  });

  test('a value with semicolons is written and read back exactly', async () => {
    const tenant = await createTenant(getDb());
    const value = `a;b; ${hostile('sql comment and statement')} ? $1`;
    const em = getDb().orm.em.fork();
    em.create(CustomFieldRow, { namespaceId: tenant.id, key: 'tier', type: 'STRING', description: value, indexed: false });
    await em.flush();
    const read = await getDb().orm.em.fork().findOne(CustomFieldRow, { namespaceId: tenant.id, description: value });
    expect(read).toMatchObject({ key: 'tier', description: value });
    const row = await getDb().orm.em.fork().findOneOrFail(NamespaceRow, { id: tenant.id });
    expect(row.slug).toBe(tenant.slug);
  });
});
