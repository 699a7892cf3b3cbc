import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { AppError } from '../domain/errors';
import { QueryLimitError } from './query-limits';
import { FileTooLargeError } from '../services/imports/import.service';

export interface ErrorLogger {
  error(message: string, detail: unknown): void;
}

const PASSED_THROUGH = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE', 'BAD_REQUEST']);

/**
 * The one place where errors become GraphQL errors. An `AppError` keeps its code, message and
 * problems. GraphQL's own request errors (syntax, validation, variable coercion) pass through.
 * Everything else is logged with detail and reaches the client only as INTERNAL_SERVER_ERROR:
 * no SQL, no stack trace.
 */
export function createErrorFormatter(logger: ErrorLogger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof AppError) {
      return {
        message: original.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: {
          code: original.code,
          ...(original.problems.length
            ? {
                problems: original.problems.map((p) => ({
                  path: p.path.map(String),
                  message: p.message,
                  ...(p.code ? { code: p.code } : {}),
                  ...(p.line !== undefined ? { line: p.line, column: p.column } : {}),
                })),
              }
            : {}),
          ...original.details,
        },
      };
    }
    // Thrown before execution, or reported by a validation rule (which Apollo wraps).
    const limit = original instanceof QueryLimitError ? original : original instanceof GraphQLError && original.originalError instanceof QueryLimitError ? original.originalError : undefined;
    if (limit) return { message: limit.message, locations: formatted.locations, extensions: { code: 'QUERY_TOO_COMPLEX', ...limit.details } };
    const code = formatted.extensions?.code;
    if (original instanceof GraphQLError && typeof code === 'string' && PASSED_THROUGH.has(code)) {
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
    }
    if (original instanceof GraphQLError && original.originalError === undefined && code === undefined) {
      // A GraphQL execution error such as a non-null violation or a scalar that failed to serialize.
      logger.error('graphql execution error', original);
      return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
    logger.error('unexpected error', original);
    return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

const HTTP_STATUS: Readonly<Record<string, number>> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, SUPPRESSED: 409, GONE: 410 };

/**
 * The same mapping for the plain HTTP routes (exports, downloads): an `AppError` becomes its
 * status and a GraphQL-shaped error body; anything else is logged and is a bare 500.
 *
 * @example httpError(AppError.notFound('Segment', 'seg_x'), logger) // { status: 404, body: '{"errors":[…]}' }
 */
export function httpError(error: unknown, logger: ErrorLogger): { status: number; body: string } {
  if (error instanceof FileTooLargeError) {
    return { status: 413, body: JSON.stringify({ errors: [{ message: error.message, extensions: { code: 'PAYLOAD_TOO_LARGE', limit: error.limit } }] }) };
  }
  const formatted = createErrorFormatter(logger)({ message: 'Internal server error' }, error);
  const code = String(formatted.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
  return { status: HTTP_STATUS[code] ?? 500, body: JSON.stringify({ errors: [{ message: formatted.message, extensions: formatted.extensions }] }) };
}
