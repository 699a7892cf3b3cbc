import { AppError } from '../domain/errors';
import type { TimeCursor } from '../services';

/**
 * Opaque keyset cursors. A profile cursor holds the last ID; an event or consent cursor holds the
 * last (time, ID). Clients treat them as strings.
 */
export function profileCursor(id: number): string {
  return Buffer.from(`p:${id}`).toString('base64url');
}

export function timeCursor(at: Date, id: number): string {
  return Buffer.from(`t:${at.toISOString()}:${id}`).toString('base64url');
}

export function parseProfileCursor(cursor: string | null | undefined, path: string): number {
  if (!cursor) return 0;
  const m = /^p:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw AppError.invalid([path], 'is not a cursor from this connection; pass a pageInfo.endCursor you received');
  return Number(m[1]);
}

export function parseTimeCursor(cursor: string | null | undefined, path: string): TimeCursor | null {
  if (!cursor) return null;
  const m = /^t:(.+):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  const at = m ? new Date(m[1]!) : undefined;
  if (!m || !at || Number.isNaN(at.getTime())) throw AppError.invalid([path], 'is not a cursor from this connection; pass a pageInfo.endCursor you received');
  return { at, id: Number(m[2]) };
}

/** Parses a GraphQL ID of a numeric row. */
export function parseNumericId(id: string, path: readonly (string | number)[]): number {
  if (!/^[1-9]\d{0,14}$/.test(id)) throw AppError.invalid(path, `${JSON.stringify(id)} is not a valid ID`);
  return Number(id);
}
