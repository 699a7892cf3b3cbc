import { Sql, QueryStats } from '../../src/db/sql';
import { describeEachDatabase } from '../support/databases';

describeEachDatabase('raw sql runner', (getDb) => {
  test('returns the same row shapes on every database', async () => {
    const stats = new QueryStats();
    const em = getDb().orm.em.fork({ loggerContext: { queryStats: stats } });
    const sql = new Sql(em, stats);
    const rows = await sql.rows(
      "select 1::int8 as a, $1::timestamptz as b, $2::jsonb as c, $3::int8[] as d, count(*) as e, 2.5::numeric as f, 'x;y' as g",
      [new Date('2026-01-01T00:00:00Z'), { x: 1 }, [1, 2]],
    );
    expect(rows).toEqual([{ a: 1, b: new Date('2026-01-01T00:00:00Z'), c: { x: 1 }, d: [1, 2], e: 1, f: 2.5, g: 'x;y' }]);
    expect(stats.statements).toBe(1);
  });

  test('shares the transaction of the entity manager and counts its statements', async () => {
    const stats = new QueryStats();
    const em = getDb().orm.em.fork({ loggerContext: { queryStats: stats } });
    const sql = new Sql(em, stats);
    await expect(
      sql.transaction(async (tx) => {
        await tx.execute('insert into namespace (slug, name) values ($1, $2)', ['rolled-back', 'R']);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const found = await sql.rows('select slug from namespace where slug = $1', ['rolled-back']);
    expect(found).toEqual([]);
    // begin, insert, rollback, select
    expect(stats.statements).toBe(4);
  });
});
