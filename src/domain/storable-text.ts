/**
 * The one check for text and free JSON that every write path runs before anything reaches the
 * database (API writes, imports, segment definitions, names and descriptions, lookups).
 *
 * PostgreSQL stores UTF-8 text. Two things a JavaScript string can hold have no UTF-8 form, and
 * the database refuses them, or the driver silently turns them into U+FFFD:
 * - NUL (U+0000): refused in `text` and in `jsonb` (`\u0000`);
 * - a lone UTF-16 surrogate (U+D800–U+DFFF without its pair): not a Unicode scalar value at all,
 *   so not valid Unicode in any encoding.
 * Everything else is storable and accepted here (other control characters, noncharacters such as
 * U+FFFF, private-use code points); fields with stricter rules (names, keys, IDs) check those
 * themselves.
 *
 * Free JSON values (event properties, custom values, filters) also have a nesting limit,
 * `MAX_JSON_DEPTH`, checked here without recursion, so a deep value is refused with a message
 * before any recursive code (JSON.stringify, a decoder, PostgreSQL's jsonb parser) sees it.
 */
import { AppError, type InputProblem } from './errors';

type Path = readonly (string | number)[];

/**
 * The deepest free JSON value accepted: objects and lists nested at most this many levels
 * (`{"a": [1]}` is 2 levels; a string or number alone is 0).
 */
export const MAX_JSON_DEPTH = 32;

/** The most problems one JSON value reports; the rest are left out. */
const MAX_REPORTED = 10;

/** NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the database can store the string as it is (the fast path of `textProblem`). */
export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

/** Code point as `U+D800`. */
function codePoint(value: number): string {
  return `U+${value.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Why a string cannot be stored, or undefined when it can. Positions are 0-based UTF-16 offsets.
 *
 * @example textProblem('Ana') // undefined
 * @example textProblem('a\u0000b') // 'contains a NUL character (U+0000) at position 1, which cannot be stored; remove it'
 * @example textProblem('a\ud800') // 'contains a lone surrogate (U+D800) at position 1, which is not valid Unicode; send well-formed UTF-8 text'
 */
export function textProblem(value: string): string | undefined {
  const found = UNSTORABLE.exec(value);
  if (!found) return undefined;
  const unit = found[0].charCodeAt(0);
  if (unit === 0) return `contains a NUL character (U+0000) at position ${found.index}, which cannot be stored; remove it`;
  return `contains a lone surrogate (${codePoint(unit)}) at position ${found.index}, which is not valid Unicode; send well-formed UTF-8 text`;
}

/**
 * The problem of one plain-text input, located at `path`, or undefined. Null and undefined are fine
 * (the field is absent).
 *
 * @example textInputProblem(['input', 'name'], 'VIP\u0000') // { path: ['input', 'name'], message: 'contains a NUL character …' }
 */
export function textInputProblem(path: Path, value: string | null | undefined): InputProblem | undefined {
  if (value === null || value === undefined) return undefined;
  const message = textProblem(value);
  return message === undefined ? undefined : { path, message };
}

/**
 * Every problem of a free JSON value: strings and object keys that cannot be stored, and nesting
 * deeper than `maxDepth`. Paths go below `base` (`['events', 3, 'properties', 'tags', 0]`). The walk
 * uses an explicit stack, so any depth is safe; it stops descending at the limit and reports at
 * most 10 problems.
 *
 * @example jsonProblems({ tags: ['ok', 'a\u0000'] }, ['properties'])
 *   // [{ path: ['properties', 'tags', 1], message: 'contains a NUL character (U+0000) at position 1, …' }]
 * @example jsonProblems(deeplyNested, ['properties'])
 *   // [{ path: ['properties', 'a', 0, 0, …], message: 'nests objects and lists deeper than 32 levels; …' }]
 */
export function jsonProblems(value: unknown, base: Path, maxDepth: number = MAX_JSON_DEPTH): InputProblem[] {
  const problems: InputProblem[] = [];
  const stack: { value: unknown; path: Path; depth: number; badKey?: string }[] = [{ value, path: base, depth: 0 }];
  while (stack.length > 0 && problems.length < MAX_REPORTED) {
    const item = stack.pop()!;
    if (item.badKey !== undefined) {
      problems.push({ path: item.path, message: `has a key that ${item.badKey}` });
      continue;
    }
    if (typeof item.value === 'string') {
      const message = textProblem(item.value);
      if (message) problems.push({ path: item.path, message });
      continue;
    }
    if (typeof item.value !== 'object' || item.value === null) continue;
    const depth = item.depth + 1;
    if (depth > maxDepth) {
      problems.push({ path: item.path, message: `nests objects and lists deeper than ${maxDepth} levels; at most ${maxDepth} are accepted` });
      continue;
    }
    if (Array.isArray(item.value)) {
      for (let i = item.value.length - 1; i >= 0; i--) stack.push({ value: item.value[i], path: [...item.path, i], depth });
      continue;
    }
    const entries = Object.entries(item.value as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      stack.push({ value: child, path: [...item.path, key], depth, badKey: textProblem(key) });
    }
  }
  return problems.slice(0, MAX_REPORTED);
}

/**
 * The problems of several plain-text inputs at once: `{ name: ['input', 'name'] … }` style pairs.
 *
 * @example textInputProblems([[['input', 'name'], input.name], [['input', 'description'], input.description]])
 */
export function textInputProblems(fields: readonly (readonly [Path, string | null | undefined])[]): InputProblem[] {
  return fields.flatMap(([path, value]) => {
    const problem = textInputProblem(path, value);
    return problem ? [problem] : [];
  });
}

/**
 * Throws BAD_USER_INPUT for plain-text inputs that cannot be stored, listing each one with its path.
 * For single values outside a batch (names, descriptions, filters on a field), where the whole
 * request is the one item.
 *
 * @example requireStorableText([[['input', 'name'], input.name]]) // throws `input.name: contains a NUL character …`
 */
export function requireStorableText(fields: readonly (readonly [Path, string | null | undefined])[]): void {
  const problems = textInputProblems(fields);
  if (problems.length) throw AppError.invalidMany(problems);
}
