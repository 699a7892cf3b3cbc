import { types as pgTypes } from 'pg';

/**
 * One set of result type conversions for both drivers, so a row looks the same on PGlite and on a
 * PostgreSQL server: int8 and numeric become JS numbers (IDs and counts stay far below 2^53),
 * timestamps become `Date`, json and jsonb are parsed.
 */
const TEXT_ARRAY_OID = 1009;
const OID = { int8: 20, numeric: 1700, timestamp: 1114, timestamptz: 1184, date: 1082, int8Array: 1016, numericArray: 1231 } as const;

function toSafeNumber(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) && Number.isInteger(n)) throw new Error(`integer ${text} is outside JavaScript's safe range`);
  return n;
}

const PARSERS: Readonly<Record<number, (text: string) => unknown>> = {
  [OID.int8]: toSafeNumber,
  [OID.numeric]: Number,
  [OID.timestamp]: (t) => new Date(`${t.replace(' ', 'T')}Z`),
  [OID.timestamptz]: (t) => new Date(t),
  [OID.date]: (t) => t,
};

/** For `pg`: a per-query `types` object. */
export const PG_QUERY_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    const own = PARSERS[oid];
    if (own) return own;
    if (oid === OID.int8Array || oid === OID.numericArray) {
      const parseArray = pgTypes.getTypeParser(TEXT_ARRAY_OID as never, 'text') as (t: string) => (string | null)[];
      return (t: string) => parseArray(t).map((v) => (v === null ? null : toSafeNumber(v)));
    }
    return pgTypes.getTypeParser(oid as never, format ?? 'text');
  },
};

/** For PGlite: the `parsers` query option (PGlite applies element parsers to arrays itself). */
export const PGLITE_PARSERS: Readonly<Record<number, (text: string, typeId: number) => unknown>> = Object.fromEntries(
  Object.entries(PARSERS).map(([oid, parse]) => [Number(oid), (text: string) => parse(text)]),
);
