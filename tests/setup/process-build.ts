import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { transform } from '@swc/core';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the same options object jest.config.js uses
const swcOptions = require('./swc-options') as Record<string, unknown>;

const ROOT = join(__dirname, '../..');
const BUILDS = join(ROOT, '.test-build');
/** Builds of other sources (an earlier edit) are removed once they are this old. */
const STALE_MS = 6 * 3600_000;

/**
 * Jest's global setup: builds `src/`, `migrations/` and `tests/jobs/support/` with SWC (as jest transforms them) into
 * `.test-build/<hash of the sources>/`, and tells the tests where through
 * `AUDIENCE_GRAPH_PROCESS_BUILD`. Tests that start the service or the CLI as a real process run
 * that build with plain `node` instead of compiling every module with ts-node in every process:
 * a start then costs a quarter of the CPU (about 2 s instead of 9 s), which decides whether those
 * tests pass on a busy machine. A build is immutable and named by its sources, so parallel runs
 * of the same sources share it and runs of other sources never see it.
 */
export default async function processBuild(): Promise<void> {
  // tests/jobs/support: the job-crash test's worker process runs from the build too.
  const files = ['src', 'migrations', 'tests/jobs/support'].flatMap((dir) => sourcesUnder(join(ROOT, dir))).sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  hash.update(JSON.stringify(swcOptions));
  const id = hash.digest('hex').slice(0, 16);
  const out = join(BUILDS, id);
  process.env.AUDIENCE_GRAPH_PROCESS_BUILD = out;
  if (isDirectory(out)) return;

  const staging = `${out}.${process.pid}.part`;
  await Promise.all(
    files.map(async (file) => {
      const target = join(staging, relative(ROOT, file));
      mkdirSync(dirname(target), { recursive: true });
      if (!file.endsWith('.ts')) return writeFileSync(target, readFileSync(file));
      const { code } = await transform(readFileSync(file, 'utf8'), { ...swcOptions, filename: file, swcrc: false, configFile: false });
      writeFileSync(target.replace(/\.ts$/, '.js'), code);
    }),
  );
  try {
    renameSync(staging, out);
  } catch (error) {
    // Another run of the same sources finished first: its build is the same.
    if (!isDirectory(out)) throw error;
    rmSync(staging, { recursive: true, force: true });
  }
  for (const name of readdirSync(BUILDS)) {
    const path = join(BUILDS, name);
    if (path !== out && Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
  }
}

/** Every file under `dir` that a started process may load: TypeScript sources (not declarations) and static assets. */
function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return entry.name.endsWith('.d.ts') || entry.name.endsWith('.md') ? [] : [path];
  });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
