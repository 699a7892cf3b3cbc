/**
 * Text helpers: the default email normalization, LIKE patterns, and the check that a string can
 * be sent to PostgreSQL at all.
 *
 * @example
 *   likePattern('contains', '50%_OFF')  // '%50\%\_off%'
 *   defaultNormalizeEmail(' Ann@Example.COM ')  // 'ann@example.com'
 */
import type { Origin } from '../ast';
import { foldCase } from '../../text/case-fold';
import { textProblem } from '../storable';
import { AudienceCompileError } from './compile-error';

/** Trim, then `foldCase`. The service may pass a stricter normalizer. */
export function defaultNormalizeEmail(value: string): string {
  return foldCase(value.trim());
}

/** `%`, `_` and the escape character `\` match themselves in the pattern. */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * The LIKE pattern of a case-insensitive operator, folded with `foldCase`: it is matched with
 * `like` against `audience_fold(x)`, the same fold in SQL.
 */
export function likePattern(op: 'contains' | 'not_contains' | 'starts_with' | 'ends_with', value: string): string {
  const escaped = escapeLike(foldCase(value));
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
