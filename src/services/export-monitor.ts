import { randomBytes } from 'node:crypto';

/** One export being written right now (a download stream or a job's file). */
export interface RunningExport {
  readonly id: string;
  readonly namespaceId: string;
  readonly label: string;
  readonly startedAt: Date;
  /** Rows written so far, when the path knows it before the end (keyset pages do; COPY reports at the end). */
  rows: number | null;
  /** Bytes produced so far, before compression. */
  bytes: number;
}

/**
 * The process's running exports, for progress (CLI, jobs) and operations: what is streaming now,
 * for whom, how far it got. An entry lives from the first byte until the export ends or fails.
 */
export class ExportMonitor {
  private readonly entries = new Map<string, RunningExport>();

  start(namespaceId: string, label: string, id = `exp_${randomBytes(8).toString('hex')}`): RunningExport {
    const entry: RunningExport = { id, namespaceId, label, startedAt: new Date(), rows: null, bytes: 0 };
    this.entries.set(id, entry);
    return entry;
  }

  finish(id: string): void {
    this.entries.delete(id);
  }

  /** The running exports, of one namespace when given. */
  running(namespaceId?: string): RunningExport[] {
    return [...this.entries.values()].filter((e) => namespaceId === undefined || e.namespaceId === namespaceId);
  }
}
