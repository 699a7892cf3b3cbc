/**
 * CSV output as PostgreSQL's `COPY … (format csv)` writes it (RFC 4180): a field is quoted when it
 * is empty, or holds a comma, a double quote, CR or LF (and `\.` alone in a one-column row); quotes
 * inside are doubled; a missing value (null) is an empty unquoted field; lines end with LF. The
 * paged export path writes with this, the COPY path gets the same bytes from the server, and a
 * test compares the two.
 *
 * @example csvRecord(['a,b', null, '', 'say "hi"']) // 'a,b' quoted: '"a,b",,"","say ""hi"""\n'
 */
export function csvField(value: string | null, onlyField = false): string {
  if (value === null) return '';
  if (value === '' || /[",\r\n]/.test(value) || (onlyField && value === '\\.')) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

export function csvRecord(values: readonly (string | null)[]): string {
  return `${values.map((v) => csvField(v, values.length === 1)).join(',')}\n`;
}

/**
 * Spreadsheet formula injection: a cell that starts with one of these is run as a formula by
 * Excel, LibreOffice and Google Sheets (OWASP's list, plus the quote that escaping itself adds).
 * With `formulas: ESCAPE` (the CSV default) a free-text value that starts with one of them gets a
 * leading `'`, which spreadsheets show as text. The escaping is reversible: drop the first `'` of
 * a value that starts with `'` followed by one of these characters.
 */
export const FORMULA_PREFIXES = ['=', '+', '-', '@', '\t', '\r', "'"] as const;

/** Undoes `ESCAPE` for one value, for consumers that want the stored text back. */
export function unescapeFormula(value: string): string {
  return value.length >= 2 && value[0] === "'" && (FORMULA_PREFIXES as readonly string[]).includes(value[1]!) ? value.slice(1) : value;
}
