/**
 * The reference evaluator ignores case by folding code point by code point (JavaScript
 * `toLowerCase` per code point, `İ` → `i`). That must be what PostgreSQL's `lower()` and `ILIKE`
 * do under the databases' UTF-8 ctype, for every character the differential test uses.
 */
import { foldCase } from '../../src/domain/text';
import { describeEachDatabase } from '../support/databases';
import { createTenant, scopeFor } from '../support/tenants';
import { ATOMS } from './support/arbitraries';

const EXTRA = ['Σ', 'ΣΑΣ', 'ǅ', 'ǈ', 'Ω', 'K', 'ẞ', 'ÀÉÎÕÜ', 'ŁĄĘ', 'ИЙЁ', 'Ꭰ', 'Å'];

describeEachDatabase('case folding', (getDb) => {
  test('lower() folds like the evaluator', async () => {
    const { sql } = scopeFor(getDb(), await createTenant(getDb()));
    const texts = [...ATOMS, ...EXTRA, ...ATOMS.map((a) => a.toUpperCase())];
    const rows = await sql.rows<{ lowered: string }>('select lower(t) as lowered from unnest($1::text[]) with ordinality as a(t, n) order by n', [texts]);
    expect(rows.map((row) => row.lowered)).toEqual(texts.map(foldCase));
  });

  test('ILIKE contains agrees with folded substring search', async () => {
    const { sql } = scopeFor(getDb(), await createTenant(getDb()));
    const pairs = ATOMS.flatMap((haystack) => [...ATOMS, ...EXTRA].map((needle) => [`x${haystack.toUpperCase()}y`, needle] as const));
    const escape = (s: string): string => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);
    const rows = await sql.rows<{ hit: boolean }>(
      'select h ilike p as hit from unnest($1::text[], $2::text[]) with ordinality as a(h, p, n) order by n',
      [pairs.map(([h]) => h), pairs.map(([, n]) => `%${escape(n)}%`)],
    );
    expect(rows.map((row) => row.hit)).toEqual(pairs.map(([h, n]) => foldCase(h).includes(foldCase(n))));
  });
});
