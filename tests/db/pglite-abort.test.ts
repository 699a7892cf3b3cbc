import { Sql } from '../../src/db/sql';
import { startTestApp, type TestApp } from '../support/app';

// Issue 12 §1: when PGlite aborted (RuntimeError: memory access out of bounds), the process
// limped on: 7 of 12 unrelated follow-up requests failed and their writes were lost. Now the
// first abort is detected: the process says so in its log, /healthz answers 503, and every
// request gets a clear 503 instead of reaching the broken database.
// PGlite only: a PostgreSQL server runs outside the process, and there is no WebAssembly to abort.
// The abort is real: jsonb nested 2,000 levels deep, sent straight to the database (the API
// refuses JSON deeper than 32 levels long before that).
const DEEP = `${'['.repeat(2000)}1${']'.repeat(2000)}`;

describe('a PGlite abort stops the process serving', () => {
  let started: TestApp | undefined;
  let app: TestApp['app'] | undefined;
  const logged: string[] = [];

  beforeAll(async () => {
    started = await startTestApp({ name: 'pglite' }, { jobConcurrency: 0 }, { info: () => undefined, error: (message: string) => void logged.push(message) });
    app = started.app;
  });

  afterAll(async () => {
    await started?.close().catch(() => undefined);
  });

  test('readiness fails, requests get 503 naming the cause, and the log says so', async () => {
    expect((await fetch(`${app!.url}/healthz`)).status).toBe(200);
    await expect(new Sql(app!.db.orm.em.fork()).rows('select length($1::jsonb::text) as n', [DEEP])).rejects.toThrow('memory access out of bounds');
    expect(app!.db.failure?.message).toBe('memory access out of bounds');
    expect(logged.filter((m) => m.startsWith('FATAL: the embedded database (PGlite) aborted (memory access out of bounds); this process stops serving: /healthz and /readyz answer 503'))).toHaveLength(1);

    const health = await fetch(`${app!.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'unavailable', reason: expect.stringMatching(/^The embedded database \(PGlite\) aborted at .+ \(memory access out of bounds\) and is not used any more; restart the process\.$/) });

    const graphql = await fetch(`${app!.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ viewer { role } }' }) });
    expect(graphql.status).toBe(503);
    expect(graphql.headers.get('connection')).toBe('close');
    expect(await graphql.json()).toEqual({ errors: [{ message: expect.stringMatching(/^The embedded database \(PGlite\) aborted/), extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
    const ready = await fetch(`${app!.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toContain('The embedded database (PGlite) aborted');
    // Nothing more reaches the broken instance.
    await expect(new Sql(app!.db.orm.em.fork()).rows('select 1 as ok')).rejects.toThrow(/is not used any more; restart the process/);
  });
});
