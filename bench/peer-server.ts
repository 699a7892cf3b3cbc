import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Pool, PoolConfig } from 'pg';
import { PEER_PACKAGE } from './peer-package';

/**
 * The peer of the peers suite: PostGraphile 5 (amber preset) with
 * postgraphile-plugin-connection-filter on the bench database, in its own process, started by
 * `peer-start.ts` (the Node 20 polyfill). A pool of `poolSize` connections, like the API server's.
 * Its packages come from the bench's own package `bench/peers` (`peer-package.ts`), with their own
 * `pg`, not from the service's install.
 * It reports its URL to the parent and stops on "stop".
 */
interface PeerConfig {
  readonly url: string;
  readonly poolSize: number;
}

interface PostGraphileInstance {
  createServ(grafserv: unknown): { addTo(server: ReturnType<typeof createServer>): Promise<void> };
  release(): Promise<void> | void;
}

const peerRequire = createRequire(PEER_PACKAGE);
const { Pool: PeerPool } = peerRequire('pg') as { Pool: new (config: PoolConfig) => Pool };
const { postgraphile } = peerRequire('postgraphile') as { postgraphile: (preset: unknown) => PostGraphileInstance };
const { PostGraphileAmberPreset } = peerRequire('postgraphile/presets/amber') as { PostGraphileAmberPreset: unknown };
const { makePgService } = peerRequire('postgraphile/adaptors/pg') as { makePgService: (options: { pool: Pool; schemas: string[] }) => unknown };
const { grafserv } = peerRequire('postgraphile/grafserv/node') as { grafserv: unknown };
const { PostGraphileConnectionFilterPreset } = peerRequire('postgraphile-plugin-connection-filter') as { PostGraphileConnectionFilterPreset: unknown };
const { jsonPgSmartTags } = peerRequire('postgraphile/utils') as { jsonPgSmartTags: (tags: unknown) => unknown };

async function main(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_PEER_CONFIG ?? '{}') as PeerConfig;
  const pool = new PeerPool({ connectionString: config.url, max: config.poolSize });
  const pgl = postgraphile({
    extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset],
    // Filter and order on every column, indexed or not (as the comparison did: `custom` has
    // only expression indexes, `occurred_at` is not the first column of an event index).
    disablePlugins: ['PgIndexBehaviorsPlugin'],
    // jsonb has no natural equality, so PostGraphile does not filter by it unless told: `contains` (`@>`) on `custom`.
    plugins: [jsonPgSmartTags({ version: 1, config: { attribute: { 'profile.custom': { tags: { behavior: ['+attribute:filterBy'] } } } } })],
    pgServices: [makePgService({ pool, schemas: ['public'] })],
    grafserv: { graphqlPath: '/graphql', graphiql: false, watch: false },
    grafast: { explain: false },
  });
  const server = createServer();
  await pgl.createServ(grafserv).addTo(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    server.close();
    await pgl.release();
    await pool.end();
    process.exit(0);
  };
  process.on('message', (message) => {
    if (message === 'stop') void stop();
  });
  process.on('disconnect', () => void stop());
  process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
