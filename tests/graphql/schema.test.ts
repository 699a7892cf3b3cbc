import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isEnumType, isInputObjectType, isNonNullType, isObjectType, type GraphQLSchema } from 'graphql';
import { buildAppSchema, printAppSchema } from '../../src/graphql/schema';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildAppSchema();
});

test('schema/schema.graphql is up to date (run `npm run schema:print`)', async () => {
  const committed = readFileSync(join(__dirname, '../../schema/schema.graphql'), 'utf8');
  expect(committed).toBe(await printAppSchema());
});

test('every type, field, argument and input field has a description', () => {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
    if (!type.description) missing.push(type.name);
    if (isObjectType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!field.description) missing.push(`${type.name}.${field.name}`);
        if ('args' in field) for (const arg of field.args) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    }
    if (isEnumType(type) && type.name !== 'ConsentSource' && type.name !== 'CustomFieldType' && type.name !== 'FieldDataType' && type.name !== 'ConsentChannel' && type.name !== 'SmsKeywordOutcome') {
      for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
    }
  }
  expect(missing).toEqual([]);
});

describe('schema conventions', () => {
  const fieldType = (typeName: string, field: string) => {
    const type = schema.getType(typeName);
    if (!isObjectType(type) && !isInputObjectType(type)) throw new Error(`${typeName} is not an object type`);
    return String(type.getFields()[field]!.type);
  };

  test('event times are DateTime; consent changes and filter errors use enums', () => {
    expect([fieldType('EventInput', 'created'), fieldType('EventInput', 'createdOverride')]).toEqual(['DateTime!', 'DateTime']);
    expect(['source', 'fromStatus', 'toStatus'].map((f) => fieldType('ConsentChange', f))).toEqual(['ConsentSource!', 'ConsentStatus', 'ConsentStatus!']);
    expect(fieldType('FilterError', 'code')).toBe('FilterErrorCode!');
    const codes = schema.getType('FilterErrorCode');
    expect(isEnumType(codes) && codes.getValues().map((v) => v.name)).toEqual(expect.arrayContaining(['SYNTAX_ERROR', 'UNKNOWN_FIELD', 'SEGMENT_CYCLE']));
  });

  test('"exactly one of" inputs are @oneOf, and PageInfo has all four Relay fields', () => {
    const definition = schema.getType('SegmentDefinitionInput');
    expect(isInputObjectType(definition) && definition.isOneOf).toBe(true);
    const pageInfo = schema.getType('PageInfo');
    expect(isObjectType(pageInfo) && Object.keys(pageInfo.getFields()).sort()).toEqual(['endCursor', 'hasNextPage', 'hasPreviousPage', 'startCursor']);
  });

  test('every mutation field is nullable, so one failure in a multi-mutation document nulls only its own field', () => {
    const fields = Object.values(schema.getMutationType()!.getFields());
    expect(fields.length).toBeGreaterThan(10);
    expect(fields.filter((f) => isNonNullType(f.type)).map((f) => f.name)).toEqual([]);
  });

  test('the DateTime scalar refuses a time without an offset and serializes at UTC', () => {
    const scalar = schema.getType('DateTime');
    if (!scalar || !('parseValue' in scalar)) throw new Error('no DateTime scalar');
    expect(scalar.parseValue('2026-11-28T10:30:00+01:00')).toEqual(new Date('2026-11-28T09:30:00.000Z'));
    expect(() => scalar.parseValue('2026-11-28T09:30:00')).toThrow('DateTime "2026-11-28T09:30:00" has no UTC offset: add Z (UTC) or ±HH:MM, e.g. 2026-11-28T09:30:00Z');
    expect(() => scalar.parseValue(1764322200000)).toThrow('DateTime must be a string such as 2026-11-28T09:30:00Z (got 1764322200000)');
    expect(scalar.serialize(new Date('2026-11-28T09:30:00Z'))).toBe('2026-11-28T09:30:00.000Z');
  });
});
