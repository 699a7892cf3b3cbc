import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { JSONObjectResolver, JSONResolver } from 'graphql-scalars';
import { formatInstant, parseOffsetDateTime } from '../domain/datetime';

function toDateTime(value: unknown): Date {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  if (typeof value !== 'string') throw new GraphQLError(`DateTime must be a string such as 2026-11-28T09:30:00Z (got ${JSON.stringify(value) ?? typeof value})`);
  const parsed = parseOffsetDateTime(value);
  if (!parsed.ok) throw new GraphQLError(`DateTime ${parsed.message}`);
  return parsed.value;
}

/**
 * An instant. Input must carry an explicit UTC offset (`Z` or `±HH:MM`): a local time is refused,
 * saying that the offset is missing. Output is always at UTC with milliseconds.
 *
 * @example parseValue('2026-11-28T10:30:00+01:00') // Date 2026-11-28T09:30:00.000Z
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description:
    'An instant: an RFC 3339 date-time with an explicit UTC offset, `Z` or `±HH:MM`, e.g. 2026-11-28T09:30:00Z or 2026-11-28T10:30:00+01:00. A time without an offset is refused. Returned at UTC, e.g. 2026-11-28T09:30:00.000Z.',
  specifiedByURL: 'https://datatracker.ietf.org/doc/html/rfc3339#section-5.6',
  serialize(value) {
    const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime cannot serialize ${JSON.stringify(value)}`);
    return formatInstant(date);
  },
  parseValue: toDateTime,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string such as 2026-11-28T09:30:00Z', { nodes: ast });
    return toDateTime(ast.value);
  },
});

export const JSONScalar = JSONResolver;
export const JSONObjectScalar = JSONObjectResolver;
