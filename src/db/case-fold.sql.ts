/**
 * `audience_fold(text)`: the SQL twin of `foldCase` (`src/text/case-fold.ts`), which the audience
 * compiler's case-insensitive operators compare with (`audience_fold(p.first_name) like $2`, the
 * pattern folded in JavaScript). It must give exactly `foldCase`'s result on every database,
 * whatever its locale: under `LC_CTYPE 'C'`, plain `lower()` and `ILIKE` fold only ASCII, so
 * `last_name contains "i"` would miss "İstanbul".
 *
 * So the function is derived from the server it runs on, at every start (`ensureCaseFold`, called
 * by `Database.migrate()` and by a start without migrations):
 * 1. each candidate collation the database has, best first: `pg_c_utf8` (PostgreSQL 17's builtin
 *    provider: Unicode simple case mapping, no locale), `C.utf8` / `C.UTF-8` (libc), then `C`
 *    (ASCII only, always present);
 * 2. `lower()` under it of every code point case mapping touches (`casedCodePoints()`, ~3,000),
 *    compared with `foldCase`; the code points where they differ (characters newer than the
 *    server's Unicode tables, or every non-ASCII letter under `C`) are mapped by `translate()`
 *    first: `lower(translate(value, from, to) collate "<collation>")`;
 * 3. the first candidate for which that gives `foldCase` on every probed code point wins;
 * 4. the installed function is checked on the same code points: a mismatch refuses to start.
 * The function is replaced only when its definition changes (a restored dump, a server upgrade),
 * under an advisory lock so two starting processes do not race.
 */
import { casedCodePoints, foldCase } from '../text/case-fold';
import type { Sql } from './sql';

/** Collations tried, best first; identifiers from this list only, never from input. */
export const FOLD_COLLATIONS = ['pg_c_utf8', 'C.utf8', 'C.UTF-8', 'C'] as const;
export type FoldCollation = (typeof FOLD_COLLATIONS)[number];

/** What `ensureCaseFold` installed. */
export interface CaseFoldInstall {
  readonly collation: FoldCollation;
  /** Code points `translate()` maps before `lower()` (0 when the collation agrees everywhere). */
  readonly translated: number;
  /** True when the function was (re)created now. */
  readonly replaced: boolean;
  /**
   * Only `C` was usable: every value with a non-ASCII letter goes through a ~1,460 code point
   * `translate()`, correct but slow (measured: 160 s for 300k such values, `ILIKE` 0.5 s).
   */
  readonly slow: boolean;
}

export class CaseFoldMismatchError extends Error {
  constructor(readonly samples: readonly string[]) {
    super(
      `audience_fold() disagrees with the service's case fold on ${samples.length} code point(s) (${samples.slice(0, 5).join(', ')}): ` +
        'case-insensitive audience conditions would depend on the database locale.',
    );
  }
}

const LOCK_KEY = 0x61756466; // 'audf'

const PROBE = 'select lower(c collate "%COLLATION%") as l from unnest($1::text[]) with ordinality as a(c, n) order by n';
const APPLY = 'select audience_fold(c) as l from unnest($1::text[]) with ordinality as a(c, n) order by n';

async function lowered(sql: Sql, collation: FoldCollation, chars: readonly string[]): Promise<string[]> {
  const rows = await sql.rows<{ l: string }>(PROBE.replace('%COLLATION%', collation), [chars]);
  return rows.map((row) => row.l);
}

/** The `translate()` table that makes `lower()` under the collation agree with `foldCase`, or undefined when none does. */
function translation(chars: readonly string[], lower: readonly string[]): { from: string; to: string } | undefined {
  const db = new Map(chars.map((c, i) => [c, lower[i]]));
  let from = '';
  let to = '';
  for (const c of chars) {
    const want = foldCase(c);
    if (db.get(c) === want) continue;
    // translate(c) = want, then lower(want) must stay want.
    if ((db.get(want) ?? want) !== want) return undefined;
    from += c;
    to += want;
  }
  return { from, to };
}

const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** A regular-expression class of the code points, as ranges: `[Ᲊ\uA7CB-\uA7CC…]` (written as the characters). */
function characterClass(chars: string): string {
  const points = [...chars].map((c) => c.codePointAt(0)!).sort((a, b) => a - b);
  let out = '';
  for (let i = 0; i < points.length; ) {
    let j = i;
    while (j + 1 < points.length && points[j + 1] === points[j] + 1) j++;
    if (points.slice(i, j + 1).some((p) => p < 0x80)) throw new Error('audience_fold: ASCII is folded by lower() itself');
    out += j > i ? `${String.fromCodePoint(points[i])}-${String.fromCodePoint(points[j])}` : String.fromCodePoint(points[i]);
    i = j + 1;
  }
  return `[${out}]`;
}

/**
 * The function body. `translate()` costs the value's length times the table's, so it runs only on
 * values holding one of the table's code points (a regular expression, compiled once per session):
 * measured on 300k 41-character values on PostgreSQL 15 with `C.utf8` (55 code points), `contains`
 * took 0.6-1.0 s against 0.5 s for `ILIKE`; without the guard 8 s.
 */
function definition(collation: FoldCollation, table: { from: string; to: string }): string {
  if (table.from === '') return `select lower(value collate "${collation}")`;
  const translated = `translate(value, ${literal(table.from)}, ${literal(table.to)})`;
  return `select lower(case when value collate "C" ~ ${literal(characterClass(table.from))} then ${translated} else value end collate "${collation}")`;
}

/**
 * Chooses the fold for this database and (re)creates `audience_fold` if its definition changed.
 * `candidates` (tests only) narrows the collations tried; `C` is always the last resort.
 */
export async function ensureCaseFold(sql: Sql, candidates: readonly FoldCollation[] = FOLD_COLLATIONS): Promise<CaseFoldInstall> {
  const chars = casedCodePoints();
  const present = new Set(
    (
      await sql.rows<{ collname: string }>(
        `select collname from pg_collation
          where collname = any($1::text[]) and collencoding in (-1, (select encoding from pg_database where datname = current_database()))`,
        [FOLD_COLLATIONS],
      )
    ).map((row) => row.collname),
  );
  for (const collation of new Set([...candidates, 'C' as const])) {
    if (collation !== 'C' && !present.has(collation)) continue;
    const table = translation(chars, await lowered(sql, collation, chars));
    if (!table) continue;
    const body = definition(collation, table);
    const replaced = await sql.transaction(async (tx) => {
      await tx.rows('select pg_advisory_xact_lock($1::int)', [LOCK_KEY]);
      const current = await tx.one<{ src: string }>(
        `select prosrc as src from pg_proc where proname = 'audience_fold' and pronamespace = current_schema()::regnamespace`,
      );
      if (current?.src.trim() === body) return false;
      await tx.execute(`create or replace function audience_fold(value text) returns text language sql immutable parallel safe as $fold$ ${body} $fold$`);
      return true;
    });
    await checkCaseFold(sql);
    return { collation, translated: [...table.from].length, replaced, slow: collation === 'C' };
  }
  throw new CaseFoldMismatchError(['no collation, not even "C", folds like the service']);
}

/** Refuses (throws `CaseFoldMismatchError`) unless `audience_fold` gives `foldCase` on every cased code point. */
export async function checkCaseFold(sql: Sql): Promise<void> {
  const chars = casedCodePoints();
  const rows = await sql.rows<{ l: string }>(APPLY, [chars]);
  const wrong = chars.filter((c, i) => rows[i]?.l !== foldCase(c));
  if (wrong.length > 0) throw new CaseFoldMismatchError(wrong.map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`));
}
