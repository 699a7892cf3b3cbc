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
  if (!m) throw notACursor(path);
  return Number(m[1]);
}

/**
 * A time cursor holds an instant exactly as `timeCursor` writes it: a four-digit year, so never an
 * instant PostgreSQL cannot read (`+275760-09-13T…`), and no other text (a NUL).
 */
export function parseTimeCursor(cursor: string | null | undefined, path: string): TimeCursor | null {
  if (!cursor) return null;
  const m = /^t:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  const at = m ? new Date(m[1]!) : undefined;
  if (!m || !at || Number.isNaN(at.getTime()) || at.getUTCFullYear() < 1 || at.toISOString() !== m[1]) throw notACursor(path);
  return { at, id: Number(m[2]) };
}

/** The one error of a cursor that was not made by this connection. */
export function notACursor(path: string): AppError {
  return AppError.invalid([path], 'is not a cursor from this connection; pass a pageInfo.endCursor you received');
}

/** Parses a GraphQL ID of a numeric row. */
export function parseNumericId(id: string, path: readonly (string | number)[]): number {
  if (!/^[1-9]\d{0,14}$/.test(id)) throw AppError.invalid(path, `${JSON.stringify(id)} is not a valid ID`);
  return Number(id);
}

/** A cursor of the deletion audit: the last (time, request ID). */
export function auditCursor(at: Date, id: string): string {
  return Buffer.from(`f:${at.toISOString()}:${id}`).toString('base64url');
}

export function parseAuditCursor(cursor: string | null | undefined, path: string): { at: Date; id: string } | null {
  if (!cursor) return null;
  const m = /^f:(.+):([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString());
  const at = m ? new Date(m[1]!) : undefined;
  if (!m || !at || Number.isNaN(at.getTime())) throw AppError.invalid([path], 'is not a cursor from this connection; pass a pageInfo.endCursor you received');
  return { at, id: m[2]! };
}
