/**
 * The one case fold of the service: emails are normalized with it, and the audience language's
 * case-insensitive operators (`contains`, `starts with`, `ends with`) compare with it, in
 * JavaScript (the reference evaluator, LIKE patterns) and in SQL (`audience_fold()`, installed
 * per database by `src/db/case-fold.sql.ts` so that it gives exactly this result whatever the
 * server's locale).
 *
 * It is Unicode's simple lower-case mapping, code point by code point: a character becomes one
 * character, never more, and never depends on its neighbours. JavaScript's `toLowerCase()` on a
 * whole string differs on two counts: it lowers a final capital sigma to `ς` by context, and it
 * turns `İ` into two code points (`i` + U+0307). Folding each code point alone avoids the first;
 * the table below fixes the second.
 *
 * @example foldCase('ÉMILE') === 'émile'; foldCase('İSTANBUL') === 'istanbul'; foldCase('ΟΔΟΣ') === 'οδοσ'; foldCase('STRAẞE') === 'straße'
 */
const SPECIAL: Readonly<Record<string, string>> = { 'İ': 'i' };

export function foldCase(value: string): string {
  // Printable ASCII (nearly every email): the simple lower-case mapping is toLowerCase, without the walk.
  if (/^[\x20-\x7e]*$/.test(value)) return value.toLowerCase();
  let out = '';
  for (const ch of value) out += foldCodePoint(ch);
  return out;
}

function foldCodePoint(ch: string): string {
  const special = SPECIAL[ch];
  if (special !== undefined) return special;
  const lowered = ch.toLowerCase();
  return lowered.length === ch.length || [...lowered].length === 1 ? lowered : ch;
}

let cased: readonly string[] | undefined;

/**
 * Every code point that case mapping touches in either direction (it has a lower- or an
 * upper-case form other than itself), with the folds of them: the characters on which a
 * database's `lower()` must agree with `foldCase`. About 2,900 code points; computed once.
 */
export function casedCodePoints(): readonly string[] {
  if (cased) return cased;
  const set = new Set<string>();
  // Planes 0 and 1: every cased script is there (planes 2-3 hold CJK ideographs, 14 tags and
  // variation selectors, 15-16 private use, none with case).
  for (let cp = 0; cp <= 0x1ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const ch = String.fromCodePoint(cp);
    if (ch.toLowerCase() !== ch || ch.toUpperCase() !== ch) {
      set.add(ch);
      set.add(foldCodePoint(ch));
    }
  }
  cased = Object.freeze([...set].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
  return cased;
}
