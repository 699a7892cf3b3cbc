/**
 * The compiler fails closed: anything it cannot compile exactly is thrown as an
 * `AudienceCompileError`, never compiled to "everyone" (or to "no one"). A filter that passed
 * `validate` and `inlineSegments` against the same catalog only fails here for the few things
 * the validator does not check (text PostgreSQL cannot store, an evaluation instant out of range),
 * so the service layer treats this error as internal: log it, answer INTERNAL_SERVER_ERROR.
 *
 * @example
 *   try { compileAudience(ast, options) } catch (e) { if (e instanceof AudienceCompileError) e.toJSON() }
 *   // { code: 'SEGMENT_NOT_INLINED', message: 'Segment `seg_vip` reached the compiler; inline ...', path: '/and/1' }
 */
import type { Origin } from '../ast';

export const COMPILE_ERROR_CODES = {
  SEGMENT_NOT_INLINED: 'A segment reference reached the compiler; segments must be inlined first.',
  UNKNOWN_FIELD: 'The catalog has no such field.',
  UNSUPPORTED_FIELD: "The field's type and storage do not fit together.",
  OPERATOR_NOT_ALLOWED: 'The operator does not apply to the field type or event property.',
  INVALID_VALUE: 'A value does not fit its operator (wrong type or shape, bad date or duration).',
  UNREPRESENTABLE_TEXT: 'A string holds a NUL character or a lone surrogate, which PostgreSQL text cannot store.',
  INVALID_OPTIONS: 'The compile options or statement arguments are invalid.',
  TOO_DEEP: 'The filter nests too deeply to compile.',
} as const;

export type CompileErrorCode = keyof typeof COMPILE_ERROR_CODES;

export class AudienceCompileError extends Error {
  override readonly name = 'AudienceCompileError';
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;

  private constructor(
    readonly code: CompileErrorCode,
    message: string,
    at?: Origin,
  ) {
    super(message);
    if (at && 'path' in at) this.path = at.path;
    else if (at) {
      this.line = at.line;
      this.column = at.column;
    }
  }

  toJSON(): { code: CompileErrorCode; message: string; path?: string; line?: number; column?: number } {
    return { code: this.code, message: this.message, path: this.path, line: this.line, column: this.column };
  }

  static segmentNotInlined(id: string, at: Origin): AudienceCompileError {
    return new AudienceCompileError(
      'SEGMENT_NOT_INLINED',
      `Segment ${JSON.stringify(id)} reached the compiler; inline segment references with inlineSegments first.`,
      at,
    );
  }

  static unknownField(name: string, at: Origin): AudienceCompileError {
    return new AudienceCompileError('UNKNOWN_FIELD', `The catalog has no field ${JSON.stringify(name)}.`, at);
  }

  static unsupportedField(name: string, detail: string, at: Origin): AudienceCompileError {
    return new AudienceCompileError('UNSUPPORTED_FIELD', `Field ${JSON.stringify(name)} cannot be compiled: ${detail}.`, at);
  }

  static operatorNotAllowed(op: string, subject: string, at: Origin): AudienceCompileError {
    return new AudienceCompileError('OPERATOR_NOT_ALLOWED', `Operator ${JSON.stringify(op)} does not apply to ${subject}.`, at);
  }

  static invalidValue(detail: string, at: Origin): AudienceCompileError {
    return new AudienceCompileError('INVALID_VALUE', detail, at);
  }

  static unrepresentableText(what: string, at: Origin): AudienceCompileError {
    return new AudienceCompileError(
      'UNREPRESENTABLE_TEXT',
      `${what} contains a NUL character or a lone surrogate, which PostgreSQL text cannot hold.`,
      at,
    );
  }

  static invalidOptions(detail: string): AudienceCompileError {
    return new AudienceCompileError('INVALID_OPTIONS', detail);
  }

  static tooDeep(limit: number, at: Origin): AudienceCompileError {
    return new AudienceCompileError('TOO_DEEP', `The filter nests and/or/not deeper than ${limit} levels.`, at);
  }
}
