import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The folder of this package's package.json: the same from `src/` (tests) and `dist/src/` (production). */
export function packageRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'audience-graph') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package root not found above ${from}`);
    dir = parent;
  }
}
