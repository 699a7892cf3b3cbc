import { Writable } from 'node:stream';
import { request } from 'node:http';
import { Client } from 'pg';
import { createRequestServices } from '../../src/services';
import { CreateSegmentDocument, DefineCustomFieldDocument, SegmentCountDocument } from '../generated/graphql';
import { describeEachApp } from '../support/app';
import { newNamespace } from '../support/client';
import { describeEachDatabase } from '../support/databases';
import { scopeFor, createTenant } from '../support/tenants';

/** Collects what an export writes. */
class Collect extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk);
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

describeEachDatabase('the COPY path and the paged path', (getDb) => {
  test('write the same bytes for every format, formula mode and value type', async () => {
    const db = getDb();
    const tenant = await createTenant(db);
    const services = createRequestServices(scopeFor(db, tenant));
    for (const [key, type] of [['note', 'STRING'], ['score', 'NUMBER'], ['vip', 'BOOLEAN'], ['joined', 'DATETIME']] as const) {
      await services.customFields.define({ key, type });
    }
    const values = ['=1+1', 'a,"b"', '', ' x ', '\\.', "'q", 'Zoë 🎉', '@x', '-5'];
    await services.profiles.upsertMany(values.map((v, i) => ({
      email: `p${i}@example.com`, firstName: v || null, lastName: i % 2 ? 'Odd' : null, phones: i < 3 ? [`+1415555010${i}`] : [],
      birthdayDay: i + 1, birthdayMonth: (i % 12) + 1, custom: { note: v || null, score: i - 3.25, vip: i % 2 === 0, joined: `2026-0${(i % 9) + 1}-15T10:00:00Z` },
    })));
    await services.profiles.upsertMany([{ phones: ['+14155550199'] }]);
    await services.events.track([{ type: 'purchase', created: '2026-11-20T10:00:00.123Z', email: 'p1@example.com' }, { type: 'email_delivered', created: '2026-11-21T10:00:00Z', email: 'p2@example.com' }]);
    await db.orm.em.fork().getConnection().execute(`update profile set first_name = ? where namespace_id = ? and email = ?`, ['two\nlines\r\n', tenant.id, 'p0@example.com']);
    const asOf = new Date('2026-11-28T00:00:00Z');
    const source = { kind: 'definition', definition: { expression: 'email is set or sms_status = "KNOWN"' } } as const;
    for (const format of ['CSV', 'JSONL'] as const) {
      for (const formulas of format === 'CSV' ? (['ESCAPE', 'KEEP'] as const) : ([null] as const)) {
        const outputs: string[] = [];
        for (const paged of [true, false]) {
          const prepared = await services.exports.prepare({ source, asOf, format, formulas }, { paged });
          const sink = new Collect();
          const rows = await prepared.writeTo(sink);
          expect(rows).toBe(values.length + 1);
          outputs.push(sink.text());
        }
        expect([format, formulas, outputs[1]]).toEqual([format, formulas, outputs[0]]);
        expect(outputs[0]!.length).toBeGreaterThan(500);
      }
    }
  });
});

describeEachDatabase('a sink that fails during a COPY export', (getDb) => {
  test('frees the statement and its connection: nothing keeps running, the pool still works', async () => {
    const db = getDb();
    const tenant = await createTenant(db);
    const services = createRequestServices(scopeFor(db, tenant));
    // About 8 MB of output: more than the socket buffers hold, so the server is still sending
    // (blocked on a full socket) when the sink fails.
    await db.orm.em.fork().getConnection().execute(
      `insert into profile (namespace_id, email, email_normalized, email_hash_number, email_status, email_status_changed_at, first_identified_at, first_name)
       select ?, 'w' || g || '@example.com', 'w' || g || '@example.com', g % 100, 'KNOWN', now(), now(), repeat(md5(g::text), 30)
       from generate_series(1, 8000) g`,
      [tenant.id],
    );
    const source = { kind: 'definition', definition: { expression: 'email is set' } } as const;
    for (let attempt = 0; attempt < 3; attempt++) {
      const prepared = await services.exports.prepare({ source, asOf: new Date(), format: 'CSV', formulas: 'KEEP' }, { paged: false });
      let seen = 0;
      const failing = new Writable({
        highWaterMark: 1024,
        write(_chunk: Buffer, _encoding, done) {
          seen++;
          // The first chunk is taken, then the sink stalls and fails, as a socket of a vanished client does.
          if (seen === 1) done();
          else setTimeout(() => done(new Error('client went away')), 200);
        },
      });
      await expect(prepared.writeTo(failing)).rejects.toThrow();
    }
    if (db.target.kind === 'postgres') {
      for (let i = 0; i < 100 && ((await activeCopies(db.target)) ?? 0) > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await activeCopies(db.target)).toBe(0);
    }
    // Every pooled connection still answers (a wedged one would hang here), and a full export works.
    const pings = await Promise.all(Array.from({ length: 8 }, () => db.orm.em.fork().getConnection().execute('select 1 as one')));
    expect(pings.map((r) => r[0].one)).toEqual(Array(8).fill(1));
    const sink = new Collect();
    const prepared = await services.exports.prepare({ source, asOf: new Date(), format: 'CSV', formulas: 'KEEP' }, { paged: false });
    expect(await prepared.writeTo(sink)).toBe(8000);
  }, 60_000);
});

describeEachApp('a large export over HTTP', (getApp) => {
  test('streams: the first bytes arrive while the query is still running, and nothing is lost', async () => {
    const { client, namespaceId } = await newNamespace(getApp().url);
    await client.data(DefineCustomFieldDocument, { input: { key: 'note', type: 'STRING' } });
    const rows = 10_000;
    // About 6 KB per row, 60 MB in all: far more than every buffer between the database and the client (pg and HTTP sockets on loopback hold 20 MB and more)
    // hold, so the export cannot finish while the client does not read.
    await getApp().app.db.orm.em.fork().getConnection().execute(
      `insert into profile (namespace_id, email, email_normalized, email_hash_number, email_status, email_status_changed_at, first_identified_at, custom)
       select ?, 'u' || g || '@example.com', 'u' || g || '@example.com', g % 100, 'KNOWN', now(), now(), jsonb_build_object('note', repeat(md5(g::text), 190))
       from generate_series(1, ?::int) g`,
      [namespaceId, rows],
    );
    const { createSegment } = await client.data(CreateSegmentDocument, { input: { name: 'All', definition: { expression: 'email is set' } } });
    expect((await client.data(SegmentCountDocument, { id: createSegment.id })).segment.count).toBe(rows);
    const monitor = getApp().app.shared.exportMonitor;

    let received = 0;
    let lines = 0;
    const result = await new Promise<{ running: number; copyActive: number | null; trailers: NodeJS.Dict<string> }>((resolve, reject) => {
      const req = request(new URL(`/exports/segments/${createSegment.id}.csv?columns=profile_id,email,custom.note`, getApp().app.url), { headers: { authorization: `Bearer ${client.key}` } }, (res) => {
        let observed: { running: number; copyActive: number | null } | undefined;
        res.once('data', (first: Buffer) => {
          received += first.length;
          lines += first.toString('utf8').split('\n').length - 1;
          res.pause();
          void (async () => {
            // The export is still in progress: registered as running, and on PostgreSQL its COPY is active.
            const running = monitor.running(namespaceId).length;
            // The first chunk may be the header alone, sent before the COPY starts: while the
            // client does not read, the COPY starts and then cannot finish.
            let copyActive = await activeCopies(getApp().app.db.target);
            for (let i = 0; i < 100 && copyActive === 0; i++) {
              await new Promise((r) => setTimeout(r, 100));
              copyActive = await activeCopies(getApp().app.db.target);
            }
            observed = { running, copyActive };
            res.on('data', (chunk: Buffer) => {
              received += chunk.length;
              lines += chunk.toString('utf8').split('\n').length - 1;
            });
            res.resume();
          })().catch(reject);
        });
        res.on('end', () => resolve({ ...observed!, trailers: res.trailers }));
        res.on('error', reject);
      });
      // A page of 5,000 such rows (30 MB) from PGlite's thread took over 60 s at load 15.
      req.setTimeout(240_000, () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end();
    });
    expect(result.running).toBe(1);
    if (result.copyActive !== null) expect(result.copyActive).toBe(1);
    expect(lines).toBe(rows + 1);
    expect(received).toBeGreaterThan(rows * 6080);
    expect(result.trailers['x-export-rows']).toBe(String(rows));
    expect(monitor.running(namespaceId)).toEqual([]);

    // A client that goes away mid-stream stops the export and its query; the next export works.
    await new Promise<void>((resolve, reject) => {
      const req = request(new URL(`/exports/segments/${createSegment.id}.csv`, getApp().app.url), { headers: { authorization: `Bearer ${client.key}` } }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
        res.on('error', () => undefined);
      });
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
      req.end();
    });
    for (let i = 0; i < 300 && (monitor.running(namespaceId).length > 0 || ((await activeCopies(getApp().app.db.target)) ?? 0) > 0); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(monitor.running(namespaceId)).toEqual([]);
    expect((await activeCopies(getApp().app.db.target)) ?? 0).toBe(0);
    const again = await new Promise<number>((resolve, reject) => {
      const req = request(new URL(`/exports/segments/${createSegment.id}.csv?columns=profile_id`, getApp().app.url), { headers: { authorization: `Bearer ${client.key}` } }, (res) => {
        let n = 0;
        res.on('data', (c: Buffer) => (n += c.toString().split('\n').length - 1));
        res.on('end', () => resolve(n));
      });
      req.on('error', reject);
      req.end();
    });
    expect(again).toBe(rows + 1);
    // A 60 MB export and two more on PGlite, through its thread: seconds on an idle machine, over 90 s at load 13.
  }, 300_000);
});

/** The number of COPY statements running on the app's PostgreSQL database (null on PGlite). */
async function activeCopies(target: { kind: string; url?: string }): Promise<number | null> {
  if (target.kind !== 'postgres') return null;
  const pg = new Client({ connectionString: target.url });
  await pg.connect();
  try {
    const { rows } = await pg.query(`select count(*)::int as n from pg_stat_activity where datname = current_database() and state = 'active' and query like 'copy (%'`);
    return rows[0].n as number;
  } finally {
    await pg.end();
  }
}
