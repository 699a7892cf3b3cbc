/**
 * Issue 13 §1 over HTTP, on both databases: the event catalog kept at ingest (`eventFields`) and
 * the warnings beside a valid definition in validateSegment, previewSegment and on a saved
 * segment, each with its location and "did you mean".
 */
import {
  CreateSegmentWarningsDocument, EventFieldsDocument, PreviewSegmentWarningsDocument, TrackEventsDocument, ValidateSegmentWarningsDocument,
} from '../generated/graphql';
import { describeEachApp } from '../support/app';
import { newNamespace } from '../support/client';

const base = { created: '2026-03-01T00:00:00Z', email: 'buyer@example.com' };

describeEachApp('event catalog and warnings', (getApp) => {
  test('eventFields lists the types and properties seen, with their JSON types; a repeat adds nothing', async () => {
    const { client } = await newNamespace(getApp().url);
    const events = [
      { ...base, type: 'purchase', properties: { total: 75, category: 'shoes' } },
      { ...base, type: 'purchase', properties: { total: '80', 'not a name': 1 } },
      { ...base, type: 'open', properties: {} },
    ];
    expect((await client.request(TrackEventsDocument, { events })).errors).toBeUndefined();
    expect((await client.request(TrackEventsDocument, { events: events.slice(0, 1) })).errors).toBeUndefined();
    const { eventFields } = await client.data(EventFieldsDocument, {});
    expect(eventFields.map((t) => ({ type: t.type, properties: t.properties.map((p) => ({ name: p.name, types: p.types })) }))).toEqual([
      { type: 'open', properties: [] },
      { type: 'purchase', properties: [{ name: 'category', types: ['string'] }, { name: 'total', types: ['number', 'string'] }] },
    ]);
    expect(eventFields.every((t) => !Number.isNaN(Date.parse(t.firstSeenAt)))).toBe(true);

    const other = await newNamespace(getApp().url);
    expect((await other.client.data(EventFieldsDocument, {})).eventFields).toEqual([]);
  });

  test('the issue examples: warnings beside a valid result, with did you mean and a location', async () => {
    const { client } = await newNamespace(getApp().url);
    await client.request(TrackEventsDocument, { events: [{ ...base, type: 'purchase', properties: { total: 75, category: 'shoes' } }] });

    const typo = await client.data(ValidateSegmentWarningsDocument, { definition: { expression: 'did purchse within last 30 days' } });
    expect(typo.validateSegment).toEqual({
      valid: true,
      warnings: [
        {
          code: 'UNSEEN_EVENT_TYPE',
          message: 'No `purchse` event has been seen in this namespace, so this condition counts none. Did you mean `purchase`?',
          path: ['definition', 'expression'],
          line: 1,
          column: 1,
        },
      ],
    });

    const filter = { event: 'purchase', where: [{ property: 'totl', op: 'gt', value: 50 }, { property: 'total', op: 'gt', value: '50' }] };
    const preview = await client.data(PreviewSegmentWarningsDocument, { definition: { filter } });
    expect(preview.previewSegment).toEqual({
      count: 0,
      warnings: [
        {
          code: 'UNSEEN_EVENT_PROPERTY',
          message: 'No `purchase` event has had a property `totl`, so this condition treats it as missing on every event. Did you mean `total`?',
          path: ['definition', 'filter', 'where', '0', 'property'],
          line: null,
          column: null,
        },
        {
          code: 'UNSEEN_PROPERTY_TYPE',
          message:
            'Property `total` of `purchase` events has held `number` values, never a string: a string compares only with string values, so this condition treats it as missing on every event. Write the value as a number.',
          path: ['definition', 'filter', 'where', '1', 'value'],
          line: null,
          column: null,
        },
      ],
    });

    const created = await client.data(CreateSegmentWarningsDocument, { input: { name: 'typo', definition: { expression: 'did purchse' } } });
    expect(created.createSegment!.warnings).toEqual([
      { code: 'UNSEEN_EVENT_TYPE', message: 'No `purchse` event has been seen in this namespace, so this condition counts none. Did you mean `purchase`?', path: ['definition', 'filter', 'event'] },
    ]);

    const clean = await client.data(ValidateSegmentWarningsDocument, { definition: { expression: 'did purchase where (total > 50 and category = "shoes")' } });
    expect(clean.validateSegment).toEqual({ valid: true, warnings: [] });
  });
});
