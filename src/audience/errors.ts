/**
 * One error family for the whole audience library: parse, decode and validation errors all carry
 * a code, a message saying what was wrong and what would be accepted, and a location (a JSON
 * pointer `path` into the JSON form, or `line` and `column` in the text form). Built only by the
 * named static factories below (MikroORM `errors.ts` style) and returned in results, not thrown.
 *
 * @example
 *   const result = parseText('email_status = ');
 *   if (!result.ok) result.errors[0].toJSON();
 *   // { code: 'SYNTAX_ERROR', message: 'Expected a value after `=`, found end of input.', line: 1, column: 15 }
 */
import type { Origin, TextOrigin } from './ast';
import { MAX_ERRORS } from './limits';
import { OPERATORS, type OperatorName } from './operators';

/** Every error code, with what it means. The GraphQL layer maps these to `extensions.code`. */
export const ERROR_CODES = {
  SYNTAX_ERROR: 'The text form is not well formed (located by line and column).',
  UNSUPPORTED_VERSION: 'The JSON envelope has a `version` other than 1.',
  UNKNOWN_KEY: 'A JSON object has a key its shape does not allow (or a `value` its operator does not take).',
  MISSING_KEY: 'A JSON object lacks a key its shape requires.',
  WRONG_TYPE: 'A JSON value has the wrong type (a number where a string is expected, ...).',
  UNKNOWN_NODE: 'A JSON object is none of the filter shapes.',
  UNKNOWN_OPERATOR: 'An operator name (or event count operator) that does not exist.',
  LIMIT_EXCEEDED: 'A size limit was exceeded: text length, tokens, depth, list length, conditions, segment nesting.',
  EMPTY_LIST: 'An `and`, `or`, `where` or `in` list is empty.',
  UNKNOWN_FIELD: 'The namespace has no such field (with "did you mean" suggestions).',
  OPERATOR_NOT_ALLOWED: "The operator does not apply to the field's type or to event properties.",
  INVALID_VALUE: 'The value does not fit the operator: wrong type, wrong shape, bounds out of order, bad count, or text PostgreSQL cannot store (NUL, a lone surrogate).',
  UNKNOWN_ENUM_VALUE: 'The value is not one of the enum field\'s values.',
  INVALID_DURATION: 'A duration amount or unit is out of range.',
  INVALID_DATE: 'A date is not a real calendar date in an accepted format, or falls outside the years 0001-9999 (UTC).',
  UNKNOWN_SEGMENT: 'A referenced saved segment does not exist (directly or through another segment).',
  AMBIGUOUS_SEGMENT: 'A segment reference of the text form is the id of one saved segment and the name of another.',
  SEGMENT_CYCLE: 'Segment references lead back to a segment already on the chain.',
  UNKNOWN_SNAPSHOT: 'A referenced segment snapshot does not exist in the namespace (directly or through a segment).',
  INVALID_EVENT_TYPE: 'An event type is not a lower-case identifier.',
  INVALID_PROPERTY: 'An event property name is not an identifier.',
} as const;

export type AudienceErrorCode = keyof typeof ERROR_CODES;

/** The plain data of an error, as returned by `toJSON()`. */
export interface AudienceErrorData {
  readonly code: AudienceErrorCode;
  readonly message: string;
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;
}

/** A result object: user errors are returned, never thrown. */
export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly AudienceError[] };

export function success<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function failure<T>(errors: readonly AudienceError[]): Result<T> {
  return { ok: false, errors };
}

/**
 * Collects errors up to MAX_ERRORS, then adds one LIMIT_EXCEEDED and ignores the rest, so a
 * pathological input cannot produce an unbounded error list.
 */
export class ErrorCollector {
  readonly errors: AudienceError[] = [];

  readonly report = (error: AudienceError): void => {
    if (this.errors.length < MAX_ERRORS) this.errors.push(error);
    else if (this.errors.length === MAX_ERRORS) this.errors.push(AudienceError.tooManyErrors(MAX_ERRORS, error.origin()));
  };
}

/** The origin of a part of a node: the JSON pointer gets `suffix`; a text position stays the node's. */
export function originOf(origin: Origin, suffix: string): Origin {
  return 'path' in origin ? { path: origin.path + suffix } : origin;
}

/** `a`, `a or b`, `a, b or c` with each name in backticks. */
export function quoteList(names: readonly string[], conjunction = 'or'): string {
  const quoted = names.map((name) => `\`${name}\``);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted[quoted.length - 1]}`;
}

/** A short JSON rendering of a user value for messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = typeof value === 'number' && !Number.isFinite(value) ? String(value) : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

const DATE_FORMATS = 'YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)';

export class AudienceError extends Error {
  override readonly name = 'AudienceError';
  readonly code: AudienceErrorCode;
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;

  private constructor(code: AudienceErrorCode, message: string, at: Origin) {
    super(message);
    this.code = code;
    if ('path' in at) {
      this.path = at.path;
    } else {
      this.line = at.line;
      this.column = at.column;
    }
  }

  /** Where the error is: a JSON pointer or a line and column. */
  origin(): Origin {
    return this.path !== undefined ? { path: this.path } : { line: this.line ?? 1, column: this.column ?? 1 };
  }

  toJSON(): AudienceErrorData {
    return this.path !== undefined
      ? { code: this.code, message: this.message, path: this.path }
      : { code: this.code, message: this.message, line: this.line, column: this.column };
  }

  // ---- text form ----

  static syntax(message: string, at: TextOrigin): AudienceError {
    return new AudienceError('SYNTAX_ERROR', message, at);
  }

  // ---- limits ----

  static textTooLong(limit: number, at: TextOrigin): AudienceError {
    return new AudienceError('LIMIT_EXCEEDED', `The filter text is longer than ${formatCount(limit)} characters.`, at);
  }

  static tooManyTokens(limit: number, at: TextOrigin): AudienceError {
    return new AudienceError('LIMIT_EXCEEDED', `The filter text has more than ${formatCount(limit)} tokens.`, at);
  }

  static parenthesesTooDeep(limit: number, at: TextOrigin): AudienceError {
    return new AudienceError('LIMIT_EXCEEDED', `Parentheses nest deeper than ${limit} levels.`, at);
  }

  static tooDeep(limit: number, at: Origin): AudienceError {
    return new AudienceError('LIMIT_EXCEEDED', `The filter nests and/or/not deeper than ${limit} levels.`, at);
  }

  static tooManyConditions(limit: number, at: Origin): AudienceError {
    return new AudienceError('LIMIT_EXCEEDED', `The filter has more than ${formatCount(limit)} conditions.`, at);
  }

  static listTooLong(limit: number, at: Origin): AudienceError {
    return new AudienceError('LIMIT_EXCEEDED', `A list holds more than ${formatCount(limit)} values.`, at);
  }

  static nameTooLong(what: string, limit: number, at: Origin): AudienceError {
    return new AudienceError('LIMIT_EXCEEDED', `The ${what} is longer than ${formatCount(limit)} characters.`, at);
  }

  static tooManyErrors(limit: number, at: Origin): AudienceError {
    return new AudienceError('LIMIT_EXCEEDED', `More than ${limit} errors; the rest are not reported.`, at);
  }

  static segmentNestingTooDeep(chain: readonly string[], limit: number, at: Origin): AudienceError {
    return new AudienceError(
      'LIMIT_EXCEEDED',
      `Segment references nest deeper than ${limit} levels: ${chain.join(' → ')}.`,
      at,
    );
  }

  static inlinedTooLarge(limit: number, at: Origin): AudienceError {
    return new AudienceError(
      'LIMIT_EXCEEDED',
      `With its segment references expanded the filter has more than ${formatCount(limit)} conditions.`,
      at,
    );
  }

  // ---- JSON form ----

  static unsupportedVersion(found: unknown, supported: number, at: Origin): AudienceError {
    return new AudienceError(
      'UNSUPPORTED_VERSION',
      `Unsupported filter version ${describeValue(found)}; the supported version is ${supported}.`,
      at,
    );
  }

  static unknownKey(key: string, where: string, allowed: readonly string[], at: Origin): AudienceError {
    return new AudienceError(
      'UNKNOWN_KEY',
      `Unknown key \`${key}\` in ${where}; allowed keys are ${quoteList(allowed, 'and')}.`,
      at,
    );
  }

  static missingKey(key: string, where: string, at: Origin): AudienceError {
    return new AudienceError('MISSING_KEY', `Missing key \`${key}\` in ${where}.`, at);
  }

  static valueNotAllowed(op: string, at: Origin): AudienceError {
    return new AudienceError('UNKNOWN_KEY', `Operator \`${op}\` takes no \`value\`; remove it.`, at);
  }

  static wrongType(expected: string, found: unknown, at: Origin): AudienceError {
    return new AudienceError('WRONG_TYPE', `Expected ${expected}, found ${jsonTypeOf(found)}.`, at);
  }

  static unknownNode(keys: readonly string[], at: Origin): AudienceError {
    const found = keys.length === 0 ? 'an empty object' : `an object with keys ${quoteList(keys, 'and')}`;
    return new AudienceError(
      'UNKNOWN_NODE',
      `Expected a filter: an object with one of the keys \`and\`, \`or\`, \`not\`, \`field\`, \`event\`, \`segment\` or \`snapshot\`; found ${found}.`,
      at,
    );
  }

  static unknownOperator(op: unknown, accepted: readonly string[], at: Origin): AudienceError {
    return new AudienceError(
      'UNKNOWN_OPERATOR',
      `Unknown operator ${describeValue(op)}; expected one of ${quoteList(accepted)}.`,
      at,
    );
  }

  static unknownAggregate(fn: unknown, accepted: readonly string[], at: Origin): AudienceError {
    return new AudienceError('UNKNOWN_OPERATOR', `Unknown aggregate function ${describeValue(fn)}; expected one of ${quoteList(accepted)}.`, at);
  }

  static emptyList(message: string, at: Origin): AudienceError {
    return new AudienceError('EMPTY_LIST', message, at);
  }

  // ---- validation ----

  static unknownField(name: string, suggestions: readonly string[], at: Origin): AudienceError {
    const hint =
      suggestions.length > 0 ? ` Did you mean ${quoteList(suggestions)}?` : ' This namespace has no such field.';
    return new AudienceError('UNKNOWN_FIELD', `Unknown field \`${name}\`.${hint}`, at);
  }

  /** Lists the accepted operators by their text form and JSON name: `` `!=` (`neq`) ``. */
  static operatorNotAllowed(op: string, subject: string, accepted: readonly OperatorName[], at: Origin): AudienceError {
    const spelled = accepted.map((name) => {
      const spec = OPERATORS[name];
      const text = `${spec.text}${spec.textAfter ? ` … ${spec.textAfter}` : ''}`;
      return text === name ? `\`${name}\`` : `\`${text}\` (\`${name}\`)`;
    });
    const list = spelled.length <= 1 ? spelled.join('') : `${spelled.slice(0, -1).join(', ')} or ${spelled[spelled.length - 1]}`;
    return new AudienceError('OPERATOR_NOT_ALLOWED', `Operator \`${op}\` cannot be used on ${subject}; it accepts ${list}.`, at);
  }

  static invalidValue(message: string, at: Origin): AudienceError {
    return new AudienceError('INVALID_VALUE', message, at);
  }

  /** A string PostgreSQL text cannot hold (NUL, a lone surrogate). */
  static unstorableText(message: string, at: Origin): AudienceError {
    return new AudienceError('INVALID_VALUE', message, at);
  }

  static unknownEnumValue(value: unknown, field: string, accepted: readonly string[], at: Origin): AudienceError {
    return new AudienceError(
      'UNKNOWN_ENUM_VALUE',
      `${describeValue(value)} is not a value of \`${field}\`; accepted values are ${quoteList(accepted)}.`,
      at,
    );
  }

  static invalidDuration(message: string, at: Origin): AudienceError {
    return new AudienceError('INVALID_DURATION', message, at);
  }

  static invalidDate(value: unknown, at: Origin): AudienceError {
    return new AudienceError(
      'INVALID_DATE',
      `${describeValue(value)} is not a valid date; write a real calendar date as ${DATE_FORMATS}.`,
      at,
    );
  }

  static dateOutOfRange(value: string, at: Origin): AudienceError {
    return new AudienceError(
      'INVALID_DATE',
      `${describeValue(value)} falls outside the years 0001-9999 (UTC); write a date from 0001-01-01 to 9999-12-31.`,
      at,
    );
  }

  static unknownSnapshot(id: string, at: Origin): AudienceError {
    return new AudienceError('UNKNOWN_SNAPSHOT', `Snapshot \`${id}\` does not exist.`, at);
  }

  static unknownSegment(chain: readonly string[], at: Origin): AudienceError {
    const missing = chain[chain.length - 1];
    const message =
      chain.length === 1
        ? `Segment \`${missing}\` does not exist.`
        : `Segment \`${missing}\` does not exist (referenced through ${chain.join(' → ')}).`;
    return new AudienceError('UNKNOWN_SEGMENT', message, at);
  }

  /** `in segment "X"` in the text form, where no segment of the namespace has the id or name X. */
  static unknownSegmentName(ref: string, suggestions: readonly string[], at: Origin): AudienceError {
    const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map((name) => JSON.stringify(name)).join(', ').replace(/, ([^,]*)$/, ' or $1')}?` : '';
    return new AudienceError('UNKNOWN_SEGMENT', `No segment has the id or name ${JSON.stringify(ref)}.${hint}`, at);
  }

  static ambiguousSegment(ref: string, byId: string, byName: string, at: Origin): AudienceError {
    return new AudienceError(
      'AMBIGUOUS_SEGMENT',
      `${JSON.stringify(ref)} is the id of segment \`${byId}\` and the name of segment \`${byName}\`; write the id of the one you mean, as in \`in segment "${byName}"\`.`,
      at,
    );
  }

  static segmentCycle(chain: readonly string[], at: Origin): AudienceError {
    return new AudienceError(
      'SEGMENT_CYCLE',
      `Segment \`${chain[chain.length - 1]}\` refers back to itself: ${chain.join(' → ')}.`,
      at,
    );
  }

  static invalidEventType(type: string, at: Origin): AudienceError {
    return new AudienceError(
      'INVALID_EVENT_TYPE',
      `Invalid event type ${describeValue(type)}; an event type is a lower-case letter followed by up to 63 lower-case letters, digits or underscores.`,
      at,
    );
  }

  static invalidProperty(name: string, at: Origin): AudienceError {
    return new AudienceError(
      'INVALID_PROPERTY',
      `Invalid event property ${describeValue(name)}; a property name is a letter or underscore followed by up to 63 letters, digits or underscores.`,
      at,
    );
  }
}

/** `a string`, `the number 5`, `null`, `an array` ... for decoder messages. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `the string ${describeValue(value)}`;
    case 'number':
      return `the number ${describeValue(value)}`;
    case 'boolean':
      return `the boolean ${String(value)}`;
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
