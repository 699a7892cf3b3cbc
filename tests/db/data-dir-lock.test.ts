import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, MissingDatabaseError } from '../../src/db/database';
import { DataDirLock, DataDirLockedError, LOCK_FILE, type LockOwner } from '../../src/db/data-dir-lock';

/** A PID that is certainly not running: a child that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('the data directory lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ag-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (owner: Partial<LockOwner>) =>
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, pidStart: null, bootId: null, host: hostname(), since: '2026-12-01T00:00:00.000Z', command: 'serve', ...owner }));

  test('is taken, refused to a second taker while held (even in the same process), and released', () => {
    const lock = DataDirLock.acquire(dir, { command: 'serve' });
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, command: 'serve', host: hostname() });
    expect(() => DataDirLock.acquire(dir, { command: 'migrate' })).toThrow(DataDirLockedError);
    expect(DataDirLock.inspect(dir).state).toBe('alive');
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    DataDirLock.acquire(dir, { command: 'migrate' }).release();
  });

  test('a live process of another owner is refused with who holds it', () => {
    write({ pid: process.ppid });
    expect(() => DataDirLock.acquire(dir, { command: 'serve' })).toThrow(`The data directory ${dir} is in use by audience-graph "serve" (process ${process.ppid}, since 2026-12-01T00:00:00.000Z)`);
  });

  test.each([
    ['a process that is gone (kill -9)', () => ({ pid: deadPid() })],
    ['a reused PID (same PID, another start time)', () => ({ pid: process.ppid, pidStart: '1' })],
    ['an earlier boot of the machine', () => ({ pid: process.ppid, bootId: 'another-boot' })],
    ['this very PID, from an earlier life (PID 1 in a restarted container)', () => ({ pid: process.pid })],
  ] as [string, () => Partial<LockOwner>][])('a stale lock of %s is detected and replaced', (_, owner) => {
    write(owner());
    expect(DataDirLock.inspect(dir).state).toBe('stale');
    const lock = DataDirLock.acquire(dir, { command: 'serve' });
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  test('an unreadable lock file is stale; a lock of another host is never taken over', () => {
    writeFileSync(join(dir, LOCK_FILE), 'not json');
    DataDirLock.acquire(dir, { command: 'serve' }).release();
    write({ host: 'another-host' });
    expect(DataDirLock.inspect(dir).state).toBe('unknown-host');
    expect(() => DataDirLock.acquire(dir, { command: 'serve' })).toThrow('on host another-host');
  });

  test('release leaves a lock alone that is no longer this process’s', () => {
    const lock = DataDirLock.acquire(dir, { command: 'serve' });
    write({ pid: process.ppid, since: 'later' });
    lock.release();
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).since).toBe('later');
  });

  test('an embedded database cannot be opened twice; the second open is refused before PGlite touches it', async () => {
    const db = await Database.open({ kind: 'pglite', dataDir: dir }, { command: 'serve' });
    try {
      await expect(Database.open({ kind: 'pglite', dataDir: dir })).rejects.toThrow(DataDirLockedError);
      expect(existsSync(join(dir, 'pgdata', 'PG_VERSION'))).toBe(true);
    } finally {
      await db.close();
    }
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});

(process.env.TEST_DATABASE_URL ? describe : describe.skip)(`a PostgreSQL database that does not exist${process.env.TEST_DATABASE_URL ? '' : ' (skipped: TEST_DATABASE_URL is not set)'}`, () => {
  test('is an error that names it, and is not created', async () => {
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = '/ag_no_such_database_x';
    await expect(Database.open({ kind: 'postgres', url: url.toString() })).rejects.toThrow(MissingDatabaseError);
    await expect(Database.open({ kind: 'postgres', url: url.toString() })).rejects.toThrow(`The database "ag_no_such_database_x" does not exist on the PostgreSQL server ${url.hostname}:${url.port || 5432}`);
  });
});
