/**
 * The documented shapes of the IDs the service hands out. A lookup checks the shape before any
 * query: an ID of another shape cannot exist, so it is NOT_FOUND without touching the database
 * (and text such as `seg_x;` or a NUL never reaches SQL).
 */
import { randomBytes } from 'node:crypto';

/** `seg_` and 16 lower-case hex digits, e.g. `seg_3f2a9c1e0b7d4a56`. */
export const SEGMENT_ID = /^seg_[0-9a-f]{16}$/;

/** `snap_` and 16 lower-case hex digits (segment snapshots). */
export const SNAPSHOT_ID = /^snap_[0-9a-f]{16}$/;

/** `whk_` and 16 lower-case hex digits (segment webhooks). */
export const WEBHOOK_ID = /^whk_[0-9a-f]{16}$/;

/** `exp_` and 16 lower-case hex digits (export jobs). */
export const EXPORT_ID = /^exp_[0-9a-f]{16}$/;

/** A lower-case UUID (API keys, namespaces), e.g. `0b7d4a56-3f2a-4c1e-9d0b-7d4a563f2a9c`. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** @example isSegmentId('seg_3f2a9c1e0b7d4a56') // true; isSegmentId('seg_x;') // false */
export function isSegmentId(id: string): boolean {
  return SEGMENT_ID.test(id);
}

/** @example isUuid('nope') // false */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/** A new segment ID of the documented shape. */
export function newSegmentId(): string {
  return `seg_${randomBytes(8).toString('hex')}`;
}
