/**
 * The one error family of the service. Every user-facing failure is an `AppError` with a code, a
 * message that says what was wrong and what would be accepted, and where (a path into the input).
 * The GraphQL layer maps codes to `extensions.code` in exactly one place.
 */
export type ErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'REQUEST_TIMEOUT' | 'REQUEST_CANCELLED' | 'SUPPRESSED' | 'GONE';

/** One problem with a piece of input. `path` points into the request input, e.g. `["input", "phones", 1]`. */
export interface InputProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly code?: string;
  readonly line?: number;
  readonly column?: number;
}

export class AppError extends Error {
  private constructor(
    readonly code: ErrorCode,
    message: string,
    readonly problems: readonly InputProblem[] = [],
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** Bad input at one place. `invalid(['input','email'], 'is not a valid email address: ...')`. */
  static invalid(path: readonly (string | number)[], message: string, code?: string): AppError {
    const where = path.length ? `${formatPath(path)}: ` : '';
    return new AppError('BAD_USER_INPUT', `${where}${message}`, [{ path, message, code }]);
  }

  /** Several problems found at once; the message lists them all. */
  static invalidMany(problems: readonly InputProblem[], summary?: string): AppError {
    const text = problems.map((p) => (p.path.length ? `${formatPath(p.path)}: ${p.message}` : p.message));
    return new AppError('BAD_USER_INPUT', summary ?? text.join('; '), problems);
  }

  static unauthenticated(message = 'Send a valid API key as "Authorization: Bearer <key>".'): AppError {
    return new AppError('UNAUTHENTICATED', message);
  }

  static forbidden(action: string, role: string, allowed: readonly string[]): AppError {
    return new AppError(
      'FORBIDDEN',
      `The ${role} role may not ${action}; it needs one of: ${allowed.join(', ')}.`,
      [],
      { requiredRoles: allowed },
    );
  }

  /** Authenticated, but this credential may never do this (whatever its role). */
  static notPermitted(message: string): AppError {
    return new AppError('FORBIDDEN', message);
  }

  static notFound(what: string, id: string): AppError {
    return new AppError('NOT_FOUND', `${what} ${JSON.stringify(id)} was not found in this namespace.`);
  }

  static conflict(message: string, details: Record<string, unknown> = {}): AppError {
    return new AppError('CONFLICT', message, [], details);
  }

  /** The request passed its deadline (REQUEST_TIMEOUT_MS) and its work was stopped. */
  static timeout(limitMs: number): AppError {
    return new AppError('REQUEST_TIMEOUT', `The request took longer than ${limitMs} ms (REQUEST_TIMEOUT_MS) and was stopped. Ask for less (a smaller first, fewer segment evaluations) or raise the limit.`, [], { limitMs });
  }

  /** The client went away; the request's remaining work was stopped. */
  static cancelled(): AppError {
    return new AppError('REQUEST_CANCELLED', 'The client closed the connection; the request was stopped.');
  }

  /** The thing existed but is gone for good (an expired export file); HTTP 410. */
  static gone(message: string): AppError {
    return new AppError('GONE', message);
  }

  /** A write that names a forgotten person's email or phone: nothing was stored (docs/privacy.md). */
  static suppressed(problems: readonly InputProblem[]): AppError {
    return new AppError('SUPPRESSED', problems.map((p) => (p.path.length ? `${formatPath(p.path)}: ${p.message}` : p.message)).join('; '), problems, { reason: 'FORGOTTEN' });
  }
}

/** `["input", "phones", 1]` → `input.phones[1]`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}
