/**
 * Text helpers: the default email normalization, LIKE patterns, and the check that a string can
 * be sent to PostgreSQL at all.
 *
 * @example
 *   likePattern('contains', '50%_off')  // '%50\%\_off%'
 *   defaultNormalizeEmail(' Ann@Example.COM ')  // 'ann@example.com'
 */
import type { Origin } from '../ast';
import { textProblem } from '../storable';
import { AudienceCompileError } from './compile-error';

/**
 * Lower-cases code point by code point, as PostgreSQL's `lower()` does under a UTF-8 ctype:
 * `toLowerCase` on the whole string would lower a final `Σ` to `ς`, and it lowers `İ` to two
 * code points (PostgreSQL gives `i`).
 */
export function foldCase(value: string): string {
  let out = '';
  for (const ch of value) {
    if (ch === 'İ') {
      out += 'i';
      continue;
    }
    const lowered = ch.toLowerCase();
    out += [...lowered].length === 1 ? lowered : ch;
  }
  return out;
}

/** Trim, then lower-case code point by code point. The service may pass a stricter normalizer. */
export function defaultNormalizeEmail(value: string): string {
  return foldCase(value.trim());
}

/** `%`, `_` and the escape character `\` match themselves in the pattern. */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

export function likePattern(op: 'contains' | 'not_contains' | 'starts_with' | 'ends_with', value: string): string {
  const escaped = escapeLike(value);
  switch (op) {
    case 'contains':
    case 'not_contains':
      return `%${escaped}%`;
    case 'starts_with':
      return `${escaped}%`;
    case 'ends_with':
      return `%${escaped}`;
  }
}

/** Fails closed on a string PostgreSQL cannot hold (NUL) or that UTF-8 cannot encode (a lone surrogate). */
export function checkText(value: string, what: string, at: Origin): string {
  if (textProblem(value) !== undefined) throw AudienceCompileError.unrepresentableText(what, at);
  return value;
}
