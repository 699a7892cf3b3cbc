/**
 * Aggregates over event properties through the API (issue 13 §3): a saved segment `did purchase …
 * with sum(total) > 100` counts, lists and previews the same members; its warnings come from the
 * namespace's event catalog; a bad aggregate is a clear BAD_USER_INPUT at its location.
 */
import {
  CreateSegmentDocument, PreviewSegmentDocument, PreviewSegmentWarningsDocument, SegmentMembersDocument, TrackEventsDocument, ValidateSegmentDocument,
} from '../generated/graphql';
import { describeEachApp } from '../support/app';
import { newNamespace } from '../support/client';

const purchase = (email: string, day: number, properties: Record<string, unknown>) => ({ type: 'purchase', email, created: `2026-11-${String(day).padStart(2, '0')}T10:00:00Z`, properties });

describeEachApp('segments with aggregates', (getApp) => {
  test('sum, avg and count distinct: count, members and preview agree; 0 over no purchases', async () => {
    const { client } = await newNamespace(getApp().url);
    await client.data(TrackEventsDocument, {
      events: [
        purchase('ann@example.com', 1, { total: 80, category: 'shoes' }),
        purchase('ann@example.com', 2, { total: 40, category: 'bags' }),
        purchase('bob@example.com', 3, { total: 90, category: 'shoes' }),
        purchase('bob@example.com', 4, { total: '500', category: 'shoes' }),
        purchase('cy@example.com', 5, { category: 'hats' }),
      ],
    });
    const asOf = '2026-11-28T12:00:00Z';
    const emails = async (expression: string): Promise<string[]> => {
      const segment = (await client.data(CreateSegmentDocument, { input: { name: expression, definition: { expression } } })).createSegment!;
      const page = (await client.data(SegmentMembersDocument, { id: segment.id, first: 10, asOf })).segment!;
      const preview = (await client.data(PreviewSegmentDocument, { definition: { expression }, asOf, sampleSize: 10 })).previewSegment;
      const listed = page.members.nodes.map((node) => node.email!).sort();
      expect(page.count).toBe(listed.length);
      expect(preview.count).toBe(listed.length);
      expect(preview.sample.map((node) => node.email!).sort()).toEqual(listed);
      return listed;
    };
    // Bob's "500" is a string: it is not summed.
    expect(await emails('did purchase with sum(total) > 100')).toEqual(['ann@example.com']);
    // Cy has purchases but no number: sum 0, like a profile that never purchased.
    expect(await emails('did purchase within last 1 year with sum(total) < 100')).toEqual(['bob@example.com', 'cy@example.com']);
    expect(await emails('did purchase with avg(total) >= 60')).toEqual(['ann@example.com', 'bob@example.com']);
    expect(await emails('did purchase with count distinct(category) >= 2')).toEqual(['ann@example.com']);
    expect(await emails('not did purchase with max(total) > 85')).toEqual(['ann@example.com', 'cy@example.com']);
  });

  test('warnings from the catalog, and errors at their location', async () => {
    const { client } = await newNamespace(getApp().url);
    await client.data(TrackEventsDocument, { events: [purchase('ann@example.com', 1, { total: 80, category: 'shoes' })] });
    const preview = await client.data(PreviewSegmentWarningsDocument, { definition: { expression: 'did purchase with sum(category) > 1 or did purchase with avg(totl) > 1' } });
    expect(preview.previewSegment.warnings).toEqual([
      {
        code: 'UNSEEN_PROPERTY_TYPE',
        message: 'Property `category` of `purchase` events has held `string` values, never a number: `sum` reads only numbers, so it is 0 for every profile.',
        path: ['definition', 'expression'],
        line: 1,
        column: 1,
      },
      {
        code: 'UNSEEN_EVENT_PROPERTY',
        message: 'No `purchase` event has had a property `totl`, so this condition treats it as missing on every event. Did you mean `total`?',
        path: ['definition', 'expression'],
        line: 1,
        column: 40,
      },
    ]);
    const invalid = await client.data(ValidateSegmentDocument, {
      definition: { filter: { event: 'purchase', aggregate: { function: 'count_distinct', property: 'category', op: 'gte', value: 1.5 } } },
    });
    expect(invalid.validateSegment).toMatchObject({
      valid: false,
      errors: [{ code: 'INVALID_VALUE', message: '`count_distinct` is compared with a whole number of at least 0, got 1.5.', path: ['definition', 'filter', 'aggregate', 'value'] }],
    });
    const created = await client.request(CreateSegmentDocument, { input: { name: 'x', definition: { expression: 'did purchase at least 2 times with sum(total) > 1' } } });
    expect(created.data?.createSegment).toBeNull();
    expect(created.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', problems: [{ code: 'SYNTAX_ERROR', line: 1, column: 31 }] });
  });
});
