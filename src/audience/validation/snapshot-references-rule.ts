/**
 * Snapshot references: every `in snapshot "snap_…"` names a snapshot of the namespace
 * (`options.snapshots`, preloaded by the caller). Fail closed: a deleted or foreign snapshot is an
 * error, never "everyone" or "no one".
 *
 * @example
 *   // `in snapshot "snap_gone"` with no such snapshot:
 *   // UNKNOWN_SNAPSHOT: "Snapshot `snap_gone` does not exist."
 */
import { AudienceError, originOf } from '../errors';
import type { ValidationRule } from './validation-context';

export const snapshotReferencesRule: ValidationRule = (context) => ({
  snapshot(node) {
    if (!context.options.snapshots?.has(node.id)) context.report(AudienceError.unknownSnapshot(node.id, originOf(node.origin, '/snapshot')));
  },
});
