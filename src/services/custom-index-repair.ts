import { allCustomIndexStatuses, buildCustomIndex, dropCustomIndex, indexIsSound } from '../db/custom-index.sql';
import type { Sql } from '../db/sql';

/** What one start-up repair found and did. */
export interface IndexRepairSummary {
  /** Fields that are indexed or still have an index state, across namespaces. */
  readonly checked: number;
  readonly rebuilt: number;
  readonly dropped: number;
  readonly failed: number;
  /** True when the process began to stop before the repair was through. */
  readonly stopped: boolean;
}

/** A structured log line (pino's `line` in the app). */
export type RepairLog = (message: string, fields: Readonly<Record<string, unknown>>) => void;

/**
 * Brings every namespace's custom-field indexes in line with their records, one field at a time:
 * an indexed field whose index is not READY (BUILDING left by a crash, FAILED) or is READY but
 * missing or invalid in `pg_index` is built again; a field no longer indexed that still has an
 * index state (a crash while turning indexing off) has its index dropped. Sound fields are not
 * touched. Run by the app after it starts listening, in the background; `stop()` is checked
 * between fields. Each action is one structured log line (`custom index repair`).
 */
export async function repairCustomIndexes(sql: Sql, log: RepairLog, stop: () => boolean = () => false): Promise<IndexRepairSummary> {
  const started = performance.now();
  const statuses = await allCustomIndexStatuses(sql);
  let rebuilt = 0;
  let dropped = 0;
  let failed = 0;
  let stopped = false;
  for (const status of statuses.filter((s) => !indexIsSound(s))) {
    if (stop()) {
      stopped = true;
      break;
    }
    const fields = { namespaceId: status.namespaceId, field: status.key, type: status.type, recordedState: status.state, presence: status.presence };
    const fieldStarted = performance.now();
    if (!status.indexed) {
      await dropCustomIndex(sql, status.namespaceId, status.key);
      dropped++;
      log('custom index repair', { ...fields, action: 'dropped', durationMs: Math.round(performance.now() - fieldStarted) });
      continue;
    }
    const result = await buildCustomIndex(sql, status.namespaceId, status.key);
    if (result.state === 'READY') rebuilt++;
    else if (result.state === 'FAILED') failed++;
    log('custom index repair', { ...fields, action: 'rebuilt', state: result.state, ...(result.error ? { error: result.error } : {}), durationMs: Math.round(performance.now() - fieldStarted) });
  }
  const summary = { checked: statuses.length, rebuilt, dropped, failed, stopped };
  log('custom index repair finished', { ...summary, durationMs: Math.round(performance.now() - started) });
  return summary;
}
