import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * Real processes for tests: start the service (or any command), wait for a line of its output,
 * stop it by PID. Every process started here is tracked and killed with SIGKILL in `afterAll` of
 * the test file that imported this module, even when a test timed out or failed half-way, so none
 * outlives jest.
 *
 * Timeouts: give each wait its own limit (`waitFor(re, ms)`) and the test a jest timeout larger
 * than the sum of its waits (see `PROCESS_TIMEOUTS`), so a slow machine fails with the process's
 * output in the message rather than with jest's bare "Exceeded timeout".
 */
export const ROOT = join(__dirname, '../..');

/** Generous limits for a machine shared with other test runs (a start on a 2-core machine at load 15 took over 90 s: PGlite, migrations, the demo seed). */
export const PROCESS_TIMEOUTS = {
  /** From spawn to "listening" (the TypeScript entry compiles at start; PGlite opens). */
  start: 240_000,
  /** A CLI command from spawn to exit. */
  command: 120_000,
  /** SIGTERM to exit. */
  stop: 60_000,
} as const;

const started = new Set<ChildProcess>();

afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  started.clear();
});

export interface StartedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects on exit or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves when the process exits, with its code and signal; rejects after `timeoutMs`. */
  exited(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGTERM) and waits for the exit; SIGKILL if it does not exit in time. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The environment a started process gets: PATH and HOME, plus `env`; nothing else leaks in. */
function baseEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env };
}

/** Starts `command args` in the repository root; tracked and killed in afterAll. */
export function startProcess(command: string, args: readonly string[], env: Record<string, string> = {}): StartedProcess {
  const child = spawn(command, args, { cwd: ROOT, env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    text += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      started.delete(child);
      // Let the last output chunks arrive before anyone reads the output.
      setImmediate(() => resolve({ code, signal }));
    });
  });
  const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s. Output so far:\n${text}`)), ms);
      promise.then(
        (v) => (clearTimeout(timer), resolve(v)),
        (e: unknown) => (clearTimeout(timer), reject(e)),
      );
    });
  const handle: StartedProcess = {
    child,
    pid: child.pid!,
    output: () => text,
    waitFor: (pattern, timeoutMs = PROCESS_TIMEOUTS.start) =>
      within(
        new Promise<RegExpExecArray>((resolve, reject) => {
          const check = () => {
            const m = pattern.exec(text);
            if (m) {
              listeners.delete(check);
              resolve(m);
            }
          };
          listeners.add(check);
          check();
          void exit.then(({ code, signal }) => {
            listeners.delete(check);
            reject(new Error(`the process exited (code ${code}, signal ${signal}) before printing ${pattern}. Output:\n${text}`));
          });
        }),
        timeoutMs,
        `no ${pattern}`,
      ),
    exited: (timeoutMs = PROCESS_TIMEOUTS.command) => within(exit, timeoutMs, 'no exit'),
    stop: async (signal = 'SIGTERM', timeoutMs = PROCESS_TIMEOUTS.stop) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      try {
        return await within(exit, timeoutMs, `no exit after ${signal}`);
      } catch (error) {
        child.kill('SIGKILL');
        throw error;
      }
    },
  };
  return handle;
}

/** The service's real entry point (`src/main.ts`), as `npm start` runs it: built, run by plain node. */
export function startCli(args: readonly string[], env: Record<string, string> = {}): StartedProcess {
  return startProcess(process.execPath, [...cliEntry(), ...args], env);
}

/**
 * The service's entry for a started process: the build made by jest's global setup
 * (`tests/setup/process-build.ts`, plain `node`, about 2 s of CPU to start), or the TypeScript
 * sources through ts-node where there is none (about 9 s).
 */
function cliEntry(): string[] {
  const build = process.env.AUDIENCE_GRAPH_PROCESS_BUILD;
  return build ? ['--enable-source-maps', join(build, 'src/main.js')] : ['-r', 'ts-node/register/transpile-only', 'src/main.ts'];
}

/** Starts `serve` and resolves once it listens, with the GraphQL URL. */
export async function startServer(env: Record<string, string>): Promise<StartedProcess & { url: string }> {
  const server = startCli(['serve'], { PORT: '0', ...env });
  const m = await server.waitFor(/GraphQL at (http:\/\/\S+)\/graphql/, PROCESS_TIMEOUTS.start);
  return Object.assign(server, { url: `${m[1]}/graphql` });
}
