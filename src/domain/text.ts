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
