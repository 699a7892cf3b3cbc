/**
 * Case-insensitive matching does not depend on the database's locale (issue 13 §4). The service
 * folds with one function, `foldCase` (`src/text/case-fold.ts`); the SQL twin `audience_fold()` is
 * derived from each server at start (`src/db/case-fold.sql.ts`) and must give the same result on
 * every cased code point, on PGlite, on the PostgreSQL server, and on a server database created
 * with `lc_ctype 'C'`, where plain `lower()` and `ILIKE` fold only ASCII.
 */
import { compileAudience } from '../../src/audience/compiler';
import { Database } from '../../src/db/database';
import { checkCaseFold, ensureCaseFold } from '../../src/db/case-fold.sql';
import { Sql } from '../../src/db/sql';
import { checkEmail } from '../../src/domain/email';
import { casedCodePoints, foldCase } from '../../src/text/case-fold';
import { createScratchPgDatabase, describeEachDatabase, TEST_TARGETS } from '../support/databases';
import { createTenant, scopeFor } from '../support/tenants';
import { ATOMS } from './support/arbitraries';
import { catalog } from './support/catalog';
import { filterOf, runMembers } from './support/harness';
import { blankProfile, insertProfiles, type TestProfile } from './support/profiles';
import { members } from './support/reference-evaluator';

const EXTRA = ['Σ', 'ΣΑΣ', 'ǅ', 'ǈ', 'Ω', 'K', 'ẞ', 'ÀÉÎÕÜ', 'ŁĄĘ', 'ИЙЁ', 'Ꭰ', 'Å', 'İ', 'ı', 'ς', 'Ᲊ', '𐵐'];

test('foldCase: one code point to one, no context', () => {
  expect(foldCase('İSTANBUL ISPARTA ıi')).toBe('istanbul isparta ıi');
  expect(foldCase('STRAẞE STRASSE ß')).toBe('straße strasse ß');
  expect(foldCase('ΟΔΟΣ ΣΑΣ ς')).toBe('οδοσ σασ ς');
  expect(foldCase('ǅ K Ω Å')).toBe('ǆ k ω å');
  expect(foldCase('ÉMILE 😀 Ꭰ')).toBe('émile 😀 ꭰ');
  expect(casedCodePoints().length).toBeGreaterThan(2800);
});

test('foldCase is idempotent, so a normalized email is stored folded (email is matched without audience_fold)', () => {
  const unstable: string[] = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const folded = foldCase(String.fromCodePoint(cp));
    if (foldCase(folded) !== folded) unstable.push(cp.toString(16));
  }
  expect(unstable).toEqual([]);
  for (const address of ['Ann@Example.COM', 'ÉMILE.İŞ@BÜCHER.DE', 'ΟΔΟΣ@Παράδειγμα.ΕΛ', 'ǅemal@ẞtraße.example']) {
    const checked = checkEmail(address);
    if (!checked.ok) throw new Error(`${address}: ${checked.reason}`);
    expect(foldCase(checked.normalized)).toBe(checked.normalized);
  }
});

/** The examples: Turkish dotted and dotless I, German sharp s, Greek sigma, and others. */
const PEOPLE: readonly TestProfile[] = [
  'İstanbul', 'ISPARTA', 'Iğdır', 'STRAẞE', 'Straße', 'STRASSE', 'ΟΔΟΣ', 'Οδός', 'ǅEMAL', 'ÉMILE', 'Ωmega', 'K-9', 'Ꭰlpha', 'Ᲊ',
].map((lastName, i) => blankProfile(i + 1, { columns: { last_name: lastName }, custom: { city: lastName } }));

const CONDITIONS = [
  'last_name contains "i"',
  'last_name contains "İ"',
  'last_name starts with "is"',
  'last_name contains "ı"',
  'last_name contains "ß"',
  'last_name contains "ẞ"',
  'last_name contains "ss"',
  'last_name ends with "σ"',
  'last_name ends with "ς"',
  'last_name contains "Σ"',
  'last_name starts with "ǆ"',
  'last_name starts with "émi"',
  'last_name contains "ω"',
  'last_name starts with "k"',
  'last_name starts with "ꭰ"',
  'last_name not contains "i"',
  'custom.city contains "İ"',
  'custom.city ends with "ᲊ"',
];

/** The exact members of each condition: the reference evaluator's, which folds with foldCase. */
const EXPECTED: Readonly<Record<string, readonly number[]>> = {
  'last_name contains "i"': [1, 2, 3, 10],
  'last_name starts with "is"': [1, 2],
  'last_name contains "ß"': [4, 5],
  'last_name contains "ss"': [6],
  'last_name ends with "σ"': [7],
  'last_name ends with "ς"': [8],
  'last_name contains "ı"': [3],
};

async function expectLocaleIndependent(db: Database): Promise<void> {
  const tenant = await createTenant(db);
  const { sql } = scopeFor(db, tenant);
  await insertProfiles(sql, tenant.id, PEOPLE);
  const asOf = new Date('2026-12-01T00:00:00Z');
  for (const text of CONDITIONS) {
    const filter = filterOf(text);
    const expected = members(filter, PEOPLE, { catalog, asOf });
    if (EXPECTED[text]) expect({ text, expected }).toEqual({ text, expected: EXPECTED[text] });
    const got = await runMembers(sql, compileAudience(filter, { catalog, asOf, namespaceId: tenant.id }));
    expect({ text, members: got }).toEqual({ text, members: expected });
  }
}

describeEachDatabase('case folding', (getDb) => {
  test('audience_fold() folds like foldCase on every cased code point', async () => {
    const { sql } = scopeFor(getDb(), await createTenant(getDb()));
    await expect(checkCaseFold(sql)).resolves.toBeUndefined();
    const texts = [...ATOMS, ...EXTRA, ...ATOMS.map((a) => a.toUpperCase())];
    const rows = await sql.rows<{ folded: string }>('select audience_fold(t) as folded from unnest($1::text[]) with ordinality as a(t, n) order by n', [texts]);
    expect(rows.map((row) => row.folded)).toEqual(texts.map(foldCase));
  });

  test('like on audience_fold() agrees with folded substring search', async () => {
    const { sql } = scopeFor(getDb(), await createTenant(getDb()));
    const pairs = ATOMS.flatMap((haystack) => [...ATOMS, ...EXTRA].map((needle) => [`x${haystack.toUpperCase()}y`, needle] as const));
    const escape = (s: string): string => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);
    const rows = await sql.rows<{ hit: boolean }>(
      'select audience_fold(h) like p as hit from unnest($1::text[], $2::text[]) with ordinality as a(h, p, n) order by n',
      [pairs.map(([h]) => h), pairs.map(([, n]) => `%${escape(foldCase(n))}%`)],
    );
    expect(rows.map((row) => row.hit)).toEqual(pairs.map(([h, n]) => foldCase(h).includes(foldCase(n))));
  });

  test('the issue examples (İ, ı, ß, ẞ, Σ/ς, ǅ, Ω, K, Ꭰ) give the same members as the evaluator', async () => {
    await expectLocaleIndependent(getDb());
  });

  test('an unchanged definition is not replaced again', async () => {
    const install = await getDb().ensureCaseFold();
    expect(install).toEqual({ collation: expect.stringMatching(/^(pg_c_utf8|C\.utf8|C\.UTF-8)$/), translated: expect.any(Number), replaced: false, slow: false });
    // Only code points newer than the server's Unicode tables need translate() there.
    expect(install.translated).toBeLessThan(200);
  });

  test('with only "C" (ASCII lower()), translate() covers the rest and the members do not change', async () => {
    const sql = new Sql(getDb().orm.em.fork());
    try {
      const install = await ensureCaseFold(sql, ['C']);
      expect(install).toEqual({ collation: 'C', translated: expect.any(Number), replaced: true, slow: true });
      expect(install.translated).toBeGreaterThan(1000);
      await expectLocaleIndependent(getDb());
    } finally {
      const restored = await getDb().ensureCaseFold();
      expect(restored.replaced).toBe(true);
    }
  });
});

const onServer = TEST_TARGETS.some((target) => target.name === 'postgres') ? describe : describe.skip;

onServer('case folding on a PostgreSQL database with lc_ctype C', () => {
  let db: Database | undefined;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const scratch = await createScratchPgDatabase({ cLocale: true });
    drop = scratch.drop;
    db = await Database.open({ kind: 'postgres', url: scratch.url, poolSize: 2 });
    await db.migrate();
  });

  afterAll(async () => {
    await db?.close();
    await drop?.();
  });

  test('plain ILIKE misses "İstanbul" there (the bug), the compiled conditions do not', async () => {
    const sql = new Sql(db!.orm.em.fork());
    const [ctype] = await sql.rows<{ ctype: string; hit: boolean }>(`select current_setting('lc_ctype') as ctype, 'İstanbul' ilike '%i%' as hit`);
    expect(ctype).toEqual({ ctype: 'C', hit: false });
    await expectLocaleIndependent(db!);
  });
});
