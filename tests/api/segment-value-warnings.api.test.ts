/**
 * The unseen-value warning through the API (issue 13 §1): `custom.loyalty_tier = "Gold"` counts 0
 * when the stored values are lower case, and `previewSegment` says why beside the count. The values
 * are sampled in one bounded statement, and only for filters that compare such a field.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { CreateSegmentDocument, DefineCustomFieldDocument, PreviewSegmentWarningsDocument, UpsertProfilesDocument } from '../generated/graphql';
import { describeEachApp } from '../support/app';
import { newNamespace } from '../support/client';

const SegmentWarnings = parse(`query SegmentWarnings { segments(first: 10) { nodes { name warnings { code } } } }`) as TypedDocumentNode<
  { segments: { nodes: { name: string; warnings: { code: string }[] }[] } },
  Record<string, never>
>;

describeEachApp('unseen field values', (getApp) => {
  test('a case mistake is a warning beside a count of 0; the right value has none', async () => {
    const { client } = await newNamespace(getApp().url);
    await client.data(DefineCustomFieldDocument, { input: { key: 'loyalty_tier', type: 'STRING' } });
    await client.data(UpsertProfilesDocument, {
      inputs: ['gold', 'silver', 'gold', 'platinum'].map((tier, i) => ({ email: `p${i}@example.com`, custom: { loyalty_tier: tier } })),
    });
    const wrong = await client.data(PreviewSegmentWarningsDocument, { definition: { expression: 'custom.loyalty_tier = "Gold"' } });
    expect(wrong.previewSegment).toEqual({
      count: 0,
      warnings: [
        {
          code: 'UNSEEN_FIELD_VALUE',
          message: 'No profile has had "Gold" in `custom.loyalty_tier`, whose values are "gold", "platinum" and "silver" (case matters). Did you mean "gold"?',
          path: ['definition', 'expression'],
          line: 1,
          column: 1,
        },
      ],
    });
    const right = await client.data(PreviewSegmentWarningsDocument, { definition: { filter: { field: 'custom.loyalty_tier', op: 'in', value: ['gold', 'silver'] } } });
    expect(right.previewSegment).toEqual({ count: 3, warnings: [] });
    // The sample is one statement, run only for a filter with such a comparison (`contains` folds case: none).
    const sampled = await client.request(PreviewSegmentWarningsDocument, { definition: { expression: 'custom.loyalty_tier = "gold"' } });
    const plain = await client.request(PreviewSegmentWarningsDocument, { definition: { expression: 'custom.loyalty_tier contains "gold"' } });
    expect(plain.data!.previewSegment.count).toBe(2);
    expect(sampled.statements! - plain.statements!).toBe(1);
  });

  test('listing segments samples the values once per request, not once per segment', async () => {
    const setUp = async (op: string) => {
      const { client } = await newNamespace(getApp().url);
      await client.data(DefineCustomFieldDocument, { input: { key: 'loyalty_tier', type: 'STRING' } });
      await client.data(UpsertProfilesDocument, { inputs: [{ email: 'p@example.com', custom: { loyalty_tier: 'gold' } }] });
      for (const tier of ['Gold', 'Silver', 'Bronze']) {
        await client.data(CreateSegmentDocument, { input: { name: tier, definition: { expression: `custom.loyalty_tier ${op} "${tier}"` } } });
      }
      return client.request(SegmentWarnings, {});
    };
    const sampled = await setUp('=');
    const plain = await setUp('contains');
    expect(sampled.data!.segments.nodes.map((node) => node.warnings.map((w) => w.code))).toEqual([['UNSEEN_FIELD_VALUE'], ['UNSEEN_FIELD_VALUE'], ['UNSEEN_FIELD_VALUE']]);
    expect(plain.data!.segments.nodes.map((node) => node.warnings)).toEqual([[], [], []]);
    expect(sampled.statements! - plain.statements!).toBe(1);
  });
});
