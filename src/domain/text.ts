/**
 * Case folding that agrees with PostgreSQL's `lower()` under a UTF-8 ctype, code point by code
 * point. JavaScript's `toLowerCase()` differs on two counts: it lowers a final capital sigma to
 * `ς` by context, and it turns `İ` into two code points. Folding each code point alone avoids the
 * first; the table below fixes the second.
 *
 * @example foldCase('ÉMILE') === 'émile'; foldCase('İ') === 'i'
 */
const SPECIAL: Readonly<Record<string, string>> = { 'İ': 'i' };

export function foldCase(value: string): string {
  let out = '';
  for (const ch of value) {
    const special = SPECIAL[ch];
    if (special !== undefined) {
      out += special;
      continue;
    }
    const lowered = ch.toLowerCase();
    out += [...lowered].length === 1 ? lowered : ch;
  }
  return out;
}

/** Trims a string and turns an empty result into null: strings are stored trimmed, and empty means missing. */
export function trimToNull(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** True when the string contains a control character other than tab. */
export function hasControlCharacters(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000A-\u001F\u007F-\u009F]/.test(value);
}
