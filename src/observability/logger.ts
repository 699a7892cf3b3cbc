import { pino, type Logger as Pino } from 'pino';
import pretty from 'pino-pretty';

/** What every part of the service logs through: a message, and for errors the detail. */
export interface Logger {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, detail?: unknown): void;
}

/** A logger that also takes structured lines (one per request, one per SQL statement). */
export interface StructuredLogger extends Logger {
  /** One structured line at info level: `fields` plus `msg`. */
  line(message: string, fields: Readonly<Record<string, unknown>>): void;
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

export interface LoggerOptions {
  /** pino level: trace, debug, info, warn, error, fatal, silent. */
  readonly level: string;
  /** Human-readable lines (pino-pretty) instead of JSON: for a terminal. */
  readonly pretty: boolean;
  /** Where lines go (default stdout). */
  readonly destination?: NodeJS.WritableStream;
}

/**
 * Field names whose values never reach a log line, wherever they appear: keys and tokens,
 * authorization headers, and personal data (emails, phones).
 */
export const REDACTED_PATHS = ['authorization', 'secret', 'key', 'token', 'password', 'email', 'phone', 'phones', '*.authorization', '*.secret', '*.key', '*.token', '*.password', '*.email', '*.phone', '*.phones'];

/**
 * The process logger: pino, JSON lines on stdout (pretty on a terminal).
 *
 * @example createLogger({ level: 'info', pretty: false }).line('request', { reqId: 'r1', status: 200 })
 */
export function createLogger(options: LoggerOptions): StructuredLogger {
  const destination = options.destination ?? process.stdout;
  const stream = options.pretty ? pretty({ destination, colorize: true, sync: true, ignore: 'pid,hostname' }) : destination;
  const log: Pino = pino({ level: options.level, base: undefined, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, timestamp: pino.stdTimeFunctions.isoTime }, stream);
  return {
    info: (message, fields) => (fields ? log.info(fields, message) : log.info(message)),
    line: (message, fields) => log.info(fields, message),
    debug: (message, fields) => (fields ? log.debug(fields, message) : log.debug(message)),
    error: (message, detail) => (detail === undefined ? log.error(message) : log.error({ err: detail }, message)),
  };
}
