/**
 * Warnings (issue 13 §1): a valid filter that names what the namespace's events never had. Each
 * kind with its exact message and location, in the text and the JSON form.
 */
import { decodeJson, eventWarnings, parseText, type EventCatalog, type FilterNode, type JsonType } from '../../src/audience';

const SEEN: Record<string, Record<string, JsonType[]>> = {
  purchase: { total: ['number'], category: ['string'], coupon: ['null', 'string'] },
  open: {},
};

const catalog: EventCatalog = {
  types: () => Object.keys(SEEN),
  properties: (type) => (SEEN[type] ? new Map(Object.entries(SEEN[type])) : undefined),
};

function text(source: string): FilterNode {
  const parsed = parseText(source);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

const warn = (filter: FilterNode) => eventWarnings(filter, catalog).map((w) => w.toJSON());

describe('event warnings', () => {
  test('an event type never seen, with did you mean', () => {
    expect(warn(text('did purchse within last 30 days'))).toEqual([
      { code: 'UNSEEN_EVENT_TYPE', message: 'No `purchse` event has been seen in this namespace, so this condition counts none. Did you mean `purchase`?', line: 1, column: 1 },
    ]);
  });

  test('a property never seen on that type, with did you mean', () => {
    expect(warn(text('email_status = "SUBSCRIBED" and\ndid purchase where (totl > 50)'))).toEqual([
      {
        code: 'UNSEEN_EVENT_PROPERTY',
        message: 'No `purchase` event has had a property `totl`, so this condition treats it as missing on every event. Did you mean `total`?',
        line: 2,
        column: 21,
      },
    ]);
  });

  test('a string compared with a property that has only held numbers', () => {
    expect(warn(text('did purchase where (total > "50")'))).toEqual([
      {
        code: 'UNSEEN_PROPERTY_TYPE',
        message:
          'Property `total` of `purchase` events has held `number` values, never a string: a string compares only with string values, so this condition treats it as missing on every event. Write the value as a number.',
        line: 1,
        column: 21,
      },
    ]);
  });

  test('in the JSON form, located by pointer; lists, negations and is_set', () => {
    const decoded = decodeJson({
      and: [
        { not: { event: 'opn' } },
        { event: 'purchase', where: [{ property: 'category', op: 'in', value: [1, 2] }, { property: 'coupon', op: 'is_set' }, { property: 'category', op: 'neq', value: 'shoes' }] },
      ],
    });
    if (!decoded.ok) throw new Error('decode');
    expect(warn(decoded.value)).toEqual([
      { code: 'UNSEEN_EVENT_TYPE', message: 'No `opn` event has been seen in this namespace, so this condition counts none. Did you mean `open`?', path: '/and/0/not/event' },
      {
        code: 'UNSEEN_PROPERTY_TYPE',
        message:
          'Property `category` of `purchase` events has held `string` values, never a number: a number compares only with number values, so this condition treats it as missing on every event. Write the value as a string.',
        path: '/and/1/where/0/value',
      },
    ]);
  });

  test('property conditions inside or/not warn where they are', () => {
    expect(warn(text('did purchase where (category = "shoes" or not (categroy = "bags"))'))).toEqual([
      {
        code: 'UNSEEN_EVENT_PROPERTY',
        message: 'No `purchase` event has had a property `categroy`, so this condition treats it as missing on every event. Did you mean `category`?',
        line: 1,
        column: 48,
      },
    ]);
  });

  test('what the data has had gives no warning', () => {
    expect(warn(text('did purchase at least 2 times where (total > 50 and category = "shoes" and coupon = "X") or did open'))).toEqual([]);
  });

  test('an event type never seen and nothing close: no suggestion', () => {
    expect(warn(text('did zzzzzzzz'))).toEqual([
      { code: 'UNSEEN_EVENT_TYPE', message: 'No `zzzzzzzz` event has been seen in this namespace, so this condition counts none.', line: 1, column: 1 },
    ]);
  });
});
