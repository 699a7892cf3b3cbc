import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, type DatabaseTarget } from '../../src/db/database';
import { createScratchPgDatabase, TEST_TARGETS } from '../support/databases';
import { createStepTable, fastRunner, settledJob, stepsOf } from './support/jobs';
import { steppingHandler } from './support/stepping-handler';

const ROOT = join(__dirname, '../..');
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

/** Starts the worker process and resolves once it has committed `steps` steps of its job. */
function startWorker(target: DatabaseTarget, steps: number): Promise<{ child: ChildProcess; jobId: number }> {
  // The SWC build of jest's global setup (plain node, a quarter of ts-node's CPU to start), or ts-node without one.
  const build = process.env.AUDIENCE_GRAPH_PROCESS_BUILD;
  const entry = build ? [join(build, 'tests/jobs/support/crash-worker.js')] : ['-r', 'ts-node/register/transpile-only', 'tests/jobs/support/crash-worker.ts'];
  const child = spawn(process.execPath, [...entry, JSON.stringify(target)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker did not commit ${steps} steps within 60 s:\n${output}`)), 60_000);
    const onData = (data: Buffer) => {
      output += data.toString();
      const m = new RegExp(`committed (\\d+) ${steps}\\b`).exec(output);
      if (m) {
        clearTimeout(timer);
        resolve({ child, jobId: Number(m[1]) });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited with ${code}:\n${output}`));
    });
  });
}

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe.each(TEST_TARGETS)('a job whose process is killed with SIGKILL, on $name', ({ name }) => {
  let target: DatabaseTarget;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    if (name === 'postgres') {
      const scratch = await createScratchPgDatabase();
      target = { kind: 'postgres', url: scratch.url, poolSize: 3 };
      cleanup = scratch.drop;
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'ag-jobs-crash-'));
      target = { kind: 'pglite', dataDir: dir };
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    }
    const db = await Database.open(target);
    await db.migrate();
    await createStepTable(db);
    await db.close();
  });
  afterAll(async () => {
    await cleanup?.();
  });

  test('is resumed by the next runner from its last checkpoint, and every step is applied exactly once', async () => {
    const { child, jobId } = await startWorker(target, 3);
    await kill9(child);

    const db = await Database.open(target);
    const runner = await fastRunner(db);
    try {
      runner.register(steppingHandler('test.crash'));
      runner.start();
      const done = await settledJob(db, jobId);
      expect(done).toMatchObject({ state: 'succeeded', attempts: 2, progress: 6, result: { steps: 6, resumed: true } });
      expect(await stepsOf(db, jobId)).toEqual([0, 1, 2, 3, 4, 5]);
    } finally {
      await runner.stop();
      await db.close();
    }
  });
});
