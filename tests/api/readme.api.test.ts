import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefineCustomFieldDocument } from '../generated/graphql';
import { TEST_ADMIN_TOKEN, describeEachApp } from '../support/app';
import { newNamespace } from '../support/client';

/**
 * The README's GraphQL examples run, in order, against a fresh namespace and must not error.
 * Each top-level operation runs on its own. `"seg_…"` stands for the segment the latest
 * `createSegment` example made (an example must ask for its `id`), and `"snap_…"` for the snapshot
 * the latest `snapshotSegment` example took; an example with any other placeholder (…) is skipped.
 */
const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
const operations = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)]
  .flatMap((m) => m[1]!.split(/\n(?=(?:query|mutation)\b)/))
  .map((op) => op.trim())
  .filter((op) => op && !op.replace(/"(seg|snap)_…"/g, '').includes('…'));

describeEachApp('README examples', (getApp) => {
  test('every runnable GraphQL example succeeds', async () => {
    expect(operations.length).toBeGreaterThanOrEqual(8);
    const { client } = await newNamespace(getApp().url);
    await client.data(DefineCustomFieldDocument, { input: { key: 'loyalty_tier', type: 'STRING' } });
    let segmentId: string | undefined;
    let snapshotId: string | undefined;
    for (const example of operations) {
      if (example.includes('"seg_…"') && !segmentId) throw new Error(`"seg_…" is used before any createSegment example: ${example}`);
      if (example.includes('"snap_…"') && !snapshotId) throw new Error(`"snap_…" is used before any snapshotSegment example: ${example}`);
      const query = example.replace(/"seg_…"/g, JSON.stringify(segmentId)).replace(/"snap_…"/g, JSON.stringify(snapshotId));
      const token = query.includes('createNamespace') ? TEST_ADMIN_TOKEN : client.key!;
      const response = await fetch(getApp().url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      });
      const body = (await response.json()) as { data?: { createSegment?: { id?: string }; snapshotSegment?: { id?: string } }; errors?: unknown[] };
      expect([query, body.errors ?? []]).toEqual([query, []]);
      segmentId = body.data?.createSegment?.id ?? segmentId;
      snapshotId = body.data?.snapshotSegment?.id ?? snapshotId;
    }
  });
});
