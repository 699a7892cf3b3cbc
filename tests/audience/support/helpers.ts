/** Small helpers shared by the audience tests. */
import {
  decodeJson,
  parseText,
  type AudienceErrorData,
  type FilterNode,
  type Result,
} from '../../../src/audience';

/** The value of a successful result; fails the test with the errors otherwise. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.errors.map((e) => e.toJSON()))}`);
  return result.value;
}

/** The plain data of a failed result's errors; fails the test on success. */
export function errorsOf<T>(result: Result<T>): AudienceErrorData[] {
  if (result.ok) throw new Error('expected errors, got success');
  return result.errors.map((error) => error.toJSON());
}

export function parse(text: string): FilterNode {
  return unwrap(parseText(text));
}

export function decode(json: unknown): FilterNode {
  return unwrap(decodeJson(json));
}

/** A deep copy of an AST without `origin` keys, for comparing ASTs of different provenance. */
export function withoutOrigins(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutOrigins);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== 'origin')
        .map(([key, inner]) => [key, withoutOrigins(inner)]),
    );
  }
  return value;
}
