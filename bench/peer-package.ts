import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/http/package-root';

/**
 * The peers suite's own package (`bench/peers/package.json`, with its lockfile): PostGraphile 5 and
 * postgraphile-plugin-connection-filter, pinned. They are not devDependencies of the service:
 * PostGraphile's packages declare Node 22 and would print engine warnings on every install of a
 * service that runs on Node 20. Whoever runs the suite installs them once.
 */
export const PEER_PACKAGE = join(packageRoot(__dirname), 'bench/peers/package.json');

/** Throws, saying what to run, unless the peer's packages are installed. */
export function assertPeerInstalled(): void {
  if (existsSync(join(PEER_PACKAGE, '../node_modules/postgraphile/package.json'))) return;
  throw new Error('the peers suite needs PostGraphile, which the service does not install: run `npm ci --prefix bench/peers` once (npm warns that some of its packages want Node 22; the bench polyfills what they need on Node 20)');
}
