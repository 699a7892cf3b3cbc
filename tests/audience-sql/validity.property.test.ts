/**
 * Issue 13 §2 as a property, on both databases: for the differential test's random filters, some
 * with one string or date replaced by a value PostgreSQL cannot hold, `validate` passing implies
 * that `create` and `count` (preview) succeed, and `validate` failing implies that both refuse with
 * BAD_USER_INPUT. Nothing is ever an internal error.
 */
import fc from 'fast-check';
import { encodeJson } from '../../src/audience';
import { AppError } from '../../src/domain/errors';
import { CustomFieldService } from '../../src/services/custom-field.service';
import { SegmentService } from '../../src/services/segment.service';
import { describeEachDatabase } from '../support/databases';
import { createTenant, scopeFor } from '../support/tenants';
import { AS_OF_POOL, dataPools, filterArbitrary, profilesArbitrary } from './support/arbitraries';

const HOSTILE = ['\ud83d', 'a\u0000b', 'x\udc00', '0001-01-01T00:00:00+00:01', '9999-12-31T23:59:00-00:01', '0000-12-31', '\ud83d\ude00'];

type Json = unknown;

/** Every place in a JSON filter that holds a string literal: values, list items, window dates. */
function stringSlots(json: Json, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (typeof json === 'string') {
    const key = path[path.length - 1];
    const parent = path[path.length - 2];
    if (key === 'value' || parent === 'value' || parent === 'between') out.push(path);
  } else if (Array.isArray(json)) {
    json.forEach((item, i) => stringSlots(item, [...path, i], out));
  } else if (typeof json === 'object' && json !== null) {
    for (const [key, value] of Object.entries(json)) stringSlots(value, [...path, key], out);
  }
  return out;
}

function replaced(json: Json, path: readonly (string | number)[], value: string): Json {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(json)) return json.map((item, i) => (i === head ? replaced(item, rest, value) : item));
  const object = json as Record<string, Json>;
  return { ...object, [head as string]: replaced(object[head as string], rest, value) };
}

const definitions = fc.constantFrom(...AS_OF_POOL).chain((asOf) =>
  profilesArbitrary(asOf, 4).chain((profiles) =>
    fc
      .tuple(filterArbitrary(asOf, dataPools(profiles)), fc.nat(), fc.constantFrom(...HOSTILE), fc.boolean())
      .map(([filter, slot, hostile, mutate]) => {
        const json = encodeJson(filter);
        const slots = stringSlots(json);
        const filterJson = mutate && slots.length > 0 ? replaced(json, slots[slot % slots.length]!, hostile) : json;
        return { asOf, filter: filterJson };
      }),
  ),
);

async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

describeEachDatabase('validate ⇒ create and preview succeed (issue 13 §2)', (getDb) => {
  test('over random filters, some holding a value PostgreSQL cannot store', async () => {
    const tenant = await createTenant(getDb());
    const scope = scopeFor(getDb(), tenant);
    const customFields = new CustomFieldService(scope);
    for (const [key, type] of [['tier', 'STRING'], ['city', 'STRING'], ['score', 'NUMBER'], ['vip', 'BOOLEAN'], ['signup_date', 'DATETIME']] as const) {
      await customFields.define({ key, type });
    }
    const segments = new SegmentService(scope, customFields);
    let created = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(definitions, async ({ asOf, filter }) => {
        const definition = { filter };
        const checked = await segments.validate(definition);
        const preview = await outcome(() => segments.count(definition, asOf));
        const create = await outcome(() => segments.create({ name: `s${created + refused}`, definition }));
        if (checked.errors.length === 0) {
          expect([preview, create]).toEqual(['ok', 'ok']);
          created += 1;
        } else {
          expect([preview, create]).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
          refused += 1;
        }
      }),
      { numRuns: 150 },
    );
    // Both sides of the implication were exercised.
    expect(created).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  }, 120_000);
});
