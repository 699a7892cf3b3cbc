import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The lock file in a PGlite data directory: who owns it and how to reach that process. */
export const LOCK_FILE = 'audience-graph.lock';

/** What the owner of a data directory writes into its lock file (mode 0600). */
export interface LockOwner {
  readonly pid: number;
  /** The process start time from `/proc/<pid>/stat` (Linux), to tell a reused PID apart. */
  readonly pidStart: string | null;
  readonly bootId: string | null;
  readonly host: string;
  readonly since: string;
  /** What the owner does: `serve`, `migrate`, `create-key`, … */
  readonly command: string;
  /** The owner's admin endpoint (a Unix socket), when it serves one. */
  readonly adminSocket?: string;
  /** The bearer token of that admin endpoint. Readable only by whoever may read the directory. */
  readonly adminToken?: string;
}

/** The data directory is owned by another live process. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
  ) {
    const where = owner.host === hostname() ? `process ${owner.pid}` : `process ${owner.pid} on host ${owner.host}`;
    super(`The data directory ${dataDir} is in use by audience-graph "${owner.command}" (${where}, since ${owner.since}). One process owns an embedded database at a time.`);
    this.name = 'DataDirLockedError';
  }
}

type Liveness = 'alive' | 'dead' | 'unknown-host';

function readProc(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); null off Linux. */
function processStart(pid: number): string | null {
  const stat = readProc(`/proc/${pid}/stat`);
  if (!stat) return null;
  // The command name (field 2) is in parentheses and may contain spaces: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null;
}

const BOOT_ID = readProc('/proc/sys/kernel/random/boot_id')?.trim() ?? null;

function liveness(owner: LockOwner): Liveness {
  if (owner.host !== hostname()) return 'unknown-host';
  if (owner.bootId && BOOT_ID && owner.bootId !== BOOT_ID) return 'dead';
  if (owner.pid === process.pid) return held.has(owner.pid + ':' + owner.since) ? 'alive' : 'dead';
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return 'dead';
  }
  // The PID is in use; is it still the same process (PIDs are reused, e.g. PID 1 in a container)?
  if (owner.pidStart !== null) {
    const now = processStart(owner.pid);
    if (now !== null && now !== owner.pidStart) return 'dead';
  }
  return 'alive';
}

/** Locks this process holds, so a second `acquire` in the same process is refused, not taken over. */
const held = new Set<string>();

function parseOwner(text: string): LockOwner | null {
  try {
    const value = JSON.parse(text) as LockOwner;
    return typeof value.pid === 'number' && typeof value.host === 'string' ? value : null;
  } catch {
    return null;
  }
}

function writeExclusive(path: string, text: string): boolean {
  // Write a private temporary file first and link it into place: the lock file never exists half-written.
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(tmp);
  }
}

/** A short mutex (a directory) around replacing a stale lock, so two starters never both take over. */
function withTakeoverGuard<T>(lockPath: string, work: () => T): T | undefined {
  const guard = `${lockPath}.takeover`;
  try {
    mkdirSync(guard);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A guard older than 10 s was left by a process killed in the middle of a takeover.
    const guardStat = statSync(guard, { throwIfNoEntry: false });
    if (!guardStat || Date.now() - guardStat.mtimeMs < 10_000) return undefined;
    rmdirSync(guard);
    return withTakeoverGuard(lockPath, work);
  }
  try {
    return work();
  } finally {
    rmdirSync(guard);
  }
}

export interface LockState {
  readonly owner: LockOwner | null;
  /** `alive`: a live process owns the directory. `stale`: a lock left by a process that is gone. */
  readonly state: 'free' | 'alive' | 'stale' | 'unknown-host';
}

/**
 * The exclusive lock on a PGlite data directory, taken before PGlite opens it, like PostgreSQL's
 * `postmaster.pid`: a lock file holding the owner's PID, process start time, boot ID and host.
 * A lock whose process is gone (killed, crashed, machine rebooted, PID reused by another process)
 * is stale and is replaced safely; a live owner makes `acquire` fail with `DataDirLockedError`.
 *
 * @example const lock = DataDirLock.acquire('/srv/data', { command: 'serve' }); … lock.release();
 */
export class DataDirLock {
  private released = false;

  private constructor(
    readonly dataDir: string,
    readonly path: string,
    private owner: LockOwner,
  ) {}

  /** Who holds the directory, without taking it. */
  static inspect(dataDir: string): LockState {
    const text = readProc(join(dataDir, LOCK_FILE));
    if (text === null) return { owner: null, state: 'free' };
    const owner = parseOwner(text);
    if (!owner) return { owner: null, state: 'stale' };
    const live = liveness(owner);
    return { owner, state: live === 'dead' ? 'stale' : live };
  }

  static acquire(dataDir: string, details: { command: string }): DataDirLock {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, LOCK_FILE);
    const owner: LockOwner = { pid: process.pid, pidStart: processStart(process.pid), bootId: BOOT_ID, host: hostname(), since: new Date().toISOString(), command: details.command };
    for (let attempt = 0; attempt < 20; attempt++) {
      if (writeExclusive(path, JSON.stringify(owner))) {
        held.add(owner.pid + ':' + owner.since);
        return new DataDirLock(dataDir, path, owner);
      }
      const seen = readProc(path);
      if (seen === null) continue;
      const current = parseOwner(seen);
      // The file is linked into place complete, so an unreadable one is damaged, never half-written: stale.
      if (current && liveness(current) !== 'dead') throw new DataDirLockedError(dataDir, current);
      // Stale: replace it, but only if it is still the very file we judged stale.
      withTakeoverGuard(path, () => {
        if (readProc(path) === seen) unlinkSync(path);
      });
    }
    throw new Error(`Could not take the lock ${path}: it keeps changing. Is another audience-graph process starting on the same directory?`);
  }

  /** Records the admin endpoint in the lock file, so the CLI can reach this process. */
  advertise(adminSocket: string, adminToken: string): void {
    const next: LockOwner = { ...this.owner, adminSocket, adminToken };
    const tmp = `${this.path}.${process.pid}.adv.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(next));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    this.owner = next;
  }

  /** Removes the lock file if it is still this process's. */
  release(): void {
    if (this.released) return;
    this.released = true;
    held.delete(this.owner.pid + ':' + this.owner.since);
    const current = parseOwner(readProc(this.path) ?? '');
    if (current && current.pid === this.owner.pid && current.since === this.owner.since) unlinkSync(this.path);
  }
}
