/**
 * JSON form → AST. Checks structure only (keys, JSON types, known operator names, limits) and
 * collects every problem, each located by a JSON pointer; whether a field exists or a value fits
 * its field is the validator's business.
 *
 * @example
 *   decodeEnvelope({ version: 1, filter: { segment: 'seg_vip' } });
 *   // { ok: true, value: { kind: 'segment', id: 'seg_vip', origin: { path: '/filter' } } }
 *   decodeJson({ and: [] });
 *   // { ok: false, errors: [AudienceError { code: 'EMPTY_LIST', path: '/and', ... }] }
 */
import {
  AGGREGATE_FUNCTIONS,
  COUNT_OPS,
  DURATION_UNITS,
  type AggregateFunction,
  type CountOp,
  type Duration,
  type DurationUnit,
  type EventAggregate,
  type EventCount,
  type EventWindow,
  type FilterNode,
  type PropertyCondition,
  type Value,
  type WhereNode,
} from './ast';
import { AudienceError, ErrorCollector, failure, quoteList, success, type Result } from './errors';
import { isPeriodName, PERIOD_NAMES } from './periods';
import { FILTER_FORMAT_VERSION } from './json-format';
import { MAX_CONDITIONS, MAX_DEPTH, MAX_LIST_ITEMS, MAX_NAME_LENGTH } from './limits';
import { isOperatorName, OPERATOR_NAMES, OPERATORS, type OperatorName } from './operators';

type JsonObject = Readonly<Record<string, unknown>>;

const NODE_KEYS = ['and', 'or', 'not', 'field', 'event', 'segment', 'snapshot'] as const;
type NodeKey = (typeof NODE_KEYS)[number];

const SHAPES: Readonly<Record<NodeKey, { readonly name: string; readonly keys: readonly string[] }>> = {
  and: { name: 'an `and` filter', keys: ['and'] },
  or: { name: 'an `or` filter', keys: ['or'] },
  not: { name: 'a `not` filter', keys: ['not'] },
  field: { name: 'a field condition', keys: ['field', 'op', 'value'] },
  event: { name: 'an event condition', keys: ['event', 'count', 'window', 'where', 'aggregate'] },
  segment: { name: 'a segment reference', keys: ['segment'] },
  snapshot: { name: 'a snapshot reference', keys: ['snapshot'] },
};

const VALUE_TYPES = 'a value: a string, a number, a boolean, a list of strings or numbers, or a duration {"amount", "unit"}';

/**
 * Decodes a bare Filter (no envelope). Node origins and error paths are JSON pointers from the
 * given value (the root is `""`).
 *
 * @example
 *   decodeJson({ not: { segment: 'seg_churned' } });
 */
export function decodeJson(json: unknown, basePath = ''): Result<FilterNode> {
  const decoder = new Decoder();
  const node = decoder.filter(json, basePath, 0);
  return node && decoder.errors.length === 0 ? success(node) : failure(decoder.errors);
}

/**
 * Decodes the saved form `{"version": 1, "filter": Filter}`. Paths point into the envelope
 * (`/filter/and/0`).
 *
 * @example
 *   decodeEnvelope({ version: 2, filter: {} });
 *   // { ok: false, errors: [{ code: 'UNSUPPORTED_VERSION', path: '/version', ... }] }
 */
export function decodeEnvelope(json: unknown): Result<FilterNode> {
  const decoder = new Decoder();
  const envelope = decoder.object(json, '', 'an envelope {"version": 1, "filter": ...}');
  if (!envelope) return failure(decoder.errors);
  decoder.checkKeys(envelope, '', 'the envelope', ['version', 'filter']);
  if (!has(envelope, 'version')) decoder.report(AudienceError.missingKey('version', 'the envelope', { path: '' }));
  else if (envelope.version !== FILTER_FORMAT_VERSION) {
    decoder.report(AudienceError.unsupportedVersion(envelope.version, FILTER_FORMAT_VERSION, { path: '/version' }));
  }
  if (!has(envelope, 'filter')) decoder.report(AudienceError.missingKey('filter', 'the envelope', { path: '' }));
  if (decoder.errors.length > 0) return failure(decoder.errors);
  return decodeJson(envelope.filter, '/filter');
}

function pointer(path: string, key: string | number): string {
  return `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function has(object: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

class Decoder {
  private readonly collector = new ErrorCollector();
  readonly errors = this.collector.errors;
  readonly report = this.collector.report;
  private conditions = 0;

  object(value: unknown, path: string, expected: string): JsonObject | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as JsonObject;
    this.report(AudienceError.wrongType(expected, value, { path }));
    return undefined;
  }

  checkKeys(object: JsonObject, path: string, where: string, allowed: readonly string[]): void {
    for (const key of Object.keys(object)) {
      if (!allowed.includes(key)) this.report(AudienceError.unknownKey(key, where, allowed, { path: pointer(path, key) }));
    }
  }

  /** Filter := And | Or | Not | Condition | Event | Segment | Snapshot; `ancestors` counts enclosing and/or/not. */
  filter(value: unknown, path: string, ancestors: number): FilterNode | undefined {
    if (this.conditions > MAX_CONDITIONS) return undefined;
    const object = this.object(value, path, 'a filter object');
    if (!object) return undefined;
    const kind = NODE_KEYS.find((key) => has(object, key));
    if (kind === undefined) {
      this.report(AudienceError.unknownNode(Object.keys(object), { path }));
      return undefined;
    }
    const shape = SHAPES[kind];
    this.checkKeys(object, path, shape.name, shape.keys);
    const origin = { path };
    if (kind === 'and' || kind === 'or' || kind === 'not') {
      if (ancestors + 1 > MAX_DEPTH) {
        this.report(AudienceError.tooDeep(MAX_DEPTH, origin));
        return undefined;
      }
      if (kind === 'not') {
        const child = this.filter(object.not, pointer(path, 'not'), ancestors + 1);
        return child && { kind, child, origin };
      }
      const items = this.list(object[kind], pointer(path, kind), 'a list of filters', `\`${kind}\` needs at least one filter.`);
      const children = items?.map((item, i) => this.filter(item, pointer(pointer(path, kind), i), ancestors + 1));
      return children && children.every((c) => c !== undefined) ? { kind, children: children as FilterNode[], origin } : undefined;
    }
    if (kind === 'segment') {
      const id = this.name(object.segment, pointer(path, 'segment'), 'segment id');
      this.countCondition(path);
      return id === undefined ? undefined : { kind: 'segment', id, origin };
    }
    if (kind === 'snapshot') {
      const id = this.string(object.snapshot, pointer(path, 'snapshot'), 'a snapshot id (a string)');
      this.countCondition(path);
      return id === undefined ? undefined : { kind: 'snapshot', id, origin };
    }
    return kind === 'field' ? this.condition(object, path) : this.event(object, path);
  }

  private condition(object: JsonObject, path: string): FilterNode | undefined {
    this.countCondition(path);
    const field = this.name(object.field, pointer(path, 'field'), 'field name');
    const operation = this.operation(object, path, SHAPES.field.name);
    return field !== undefined && operation ? { kind: 'condition', field, ...operation, origin: { path } } : undefined;
  }

  /** `"op"` and `"value"` of a field or property condition; `value` is present unless the op takes none. */
  private operation(object: JsonObject, path: string, where: string): { op: OperatorName; value?: Value } | undefined {
    if (!has(object, 'op')) {
      this.report(AudienceError.missingKey('op', where, { path }));
      return undefined;
    }
    if (!isOperatorName(object.op)) {
      this.report(AudienceError.unknownOperator(object.op, OPERATOR_NAMES, { path: pointer(path, 'op') }));
      return undefined;
    }
    const op = object.op;
    const takesValue = OPERATORS[op].valueShape !== 'none';
    if (!has(object, 'value')) {
      if (takesValue) this.report(AudienceError.missingKey('value', `${where} with operator \`${op}\``, { path }));
      return takesValue ? undefined : { op };
    }
    if (!takesValue) {
      this.report(AudienceError.valueNotAllowed(op, { path: pointer(path, 'value') }));
      return undefined;
    }
    const value = this.value(object.value, pointer(path, 'value'));
    return value === undefined ? undefined : { op, value };
  }

  private value(value: unknown, path: string): Value | undefined {
    if (typeof value === 'string' || typeof value === 'boolean') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (Array.isArray(value)) {
      if (value.length > MAX_LIST_ITEMS) {
        this.report(AudienceError.listTooLong(MAX_LIST_ITEMS, { path }));
        return undefined;
      }
      const items = value.map((item, i) =>
        typeof item === 'string' || (typeof item === 'number' && Number.isFinite(item))
          ? item
          : this.report(AudienceError.wrongType('a string or a number', item, { path: pointer(path, i) })),
      );
      return items.every((item) => item !== undefined) ? (items as (string | number)[]) : undefined;
    }
    if (typeof value === 'object' && value !== null) return this.duration(value as JsonObject, path);
    this.report(AudienceError.wrongType(VALUE_TYPES, value, { path }));
    return undefined;
  }

  /** Duration := {"amount": number, "unit": "minute" | "hour" | "day" | "week" | "month" | "year"} */
  private duration(object: JsonObject, path: string): Duration | undefined {
    this.checkKeys(object, path, 'a duration', ['amount', 'unit']);
    const amount = this.number(object.amount, path, 'amount', 'a duration');
    let unit: DurationUnit | undefined;
    if (!has(object, 'unit')) this.report(AudienceError.missingKey('unit', 'a duration', { path }));
    else if (!DURATION_UNITS.includes(object.unit as DurationUnit)) {
      this.report(
        AudienceError.invalidDuration(
          `Unknown unit ${JSON.stringify(object.unit) ?? 'undefined'}; units are "minute", "hour", "day", "week", "month" and "year".`,
          { path: pointer(path, 'unit') },
        ),
      );
    } else unit = object.unit as DurationUnit;
    return amount !== undefined && unit !== undefined ? { amount, unit } : undefined;
  }

  private event(object: JsonObject, path: string): FilterNode | undefined {
    this.countCondition(path);
    const event = this.name(object.event, pointer(path, 'event'), 'event type');
    const count = has(object, 'count') ? this.count(object.count, pointer(path, 'count')) : undefined;
    const window = has(object, 'window') ? this.window(object.window, pointer(path, 'window')) : undefined;
    const where = has(object, 'where') ? this.where(object.where, pointer(path, 'where')) : undefined;
    const aggregate = has(object, 'aggregate') ? this.aggregate(object.aggregate, pointer(path, 'aggregate')) : undefined;
    const failed =
      event === undefined ||
      (has(object, 'count') && !count) ||
      (has(object, 'window') && !window) ||
      (has(object, 'where') && !where) ||
      (has(object, 'aggregate') && !aggregate);
    if (failed) return undefined;
    return {
      kind: 'event',
      event,
      ...(count && { count }),
      ...(window && { window }),
      ...(where && { where }),
      ...(aggregate && { aggregate }),
      origin: { path },
    };
  }

  /** Aggregate := {"function": "sum" | "avg" | "min" | "max" | "count_distinct", "property": string, "op": CountOp, "value": number} */
  private aggregate(value: unknown, path: string): EventAggregate | undefined {
    const object = this.object(value, path, 'an aggregate {"function", "property", "op", "value"}');
    if (!object) return undefined;
    this.checkKeys(object, path, 'an aggregate', ['function', 'property', 'op', 'value']);
    let fn: AggregateFunction | undefined;
    if (!has(object, 'function')) this.report(AudienceError.missingKey('function', 'an aggregate', { path }));
    else if (!AGGREGATE_FUNCTIONS.includes(object.function as AggregateFunction)) {
      this.report(AudienceError.unknownAggregate(object.function, AGGREGATE_FUNCTIONS, { path: pointer(path, 'function') }));
    } else fn = object.function as AggregateFunction;
    const property = this.name(object.property, pointer(path, 'property'), 'property name');
    const op = this.countOp(object, path, 'an aggregate');
    const amount = this.number(object.value, path, 'value', 'an aggregate');
    return fn !== undefined && property !== undefined && op !== undefined && amount !== undefined
      ? { function: fn, property, op, value: amount }
      : undefined;
  }

  /** Count := {"op": "eq" | "gt" | "gte" | "lt" | "lte", "value": number} */
  private count(value: unknown, path: string): EventCount | undefined {
    const object = this.object(value, path, 'a count {"op", "value"}');
    if (!object) return undefined;
    this.checkKeys(object, path, 'a count', ['op', 'value']);
    const op = this.countOp(object, path, 'a count');
    const amount = this.number(object.value, path, 'value', 'a count');
    return op !== undefined && amount !== undefined ? { op, value: amount } : undefined;
  }

  /** The `op` of a count or an aggregate: eq, gt, gte, lt or lte. */
  private countOp(object: JsonObject, path: string, where: string): CountOp | undefined {
    if (!has(object, 'op')) this.report(AudienceError.missingKey('op', where, { path }));
    else if (!COUNT_OPS.includes(object.op as CountOp)) this.report(AudienceError.unknownOperator(object.op, COUNT_OPS, { path: pointer(path, 'op') }));
    else return object.op as CountOp;
    return undefined;
  }

  /** Window := {"within_last": Duration} | {"between": [string, string]} */
  private window(value: unknown, path: string): EventWindow | undefined {
    const object = this.object(value, path, 'a window {"within_last": ...}, {"between": [...]} or {"period": ...}');
    if (!object) return undefined;
    const kind = has(object, 'within_last') ? 'within_last' : has(object, 'between') ? 'between' : has(object, 'period') ? 'period' : undefined;
    if (kind === undefined) {
      this.checkKeys(object, path, 'a window', ['within_last', 'between', 'period']);
      this.report(AudienceError.missingKey('within_last`, `between` or `period', 'a window', { path }));
      return undefined;
    }
    this.checkKeys(object, path, `a \`${kind}\` window`, [kind]);
    const inner = pointer(path, kind);
    if (kind === 'period') {
      const period = this.string(object.period, inner, 'a period (a string)');
      if (period === undefined) return undefined;
      if (!isPeriodName(period)) {
        this.report(AudienceError.invalidValue(`Unknown period ${JSON.stringify(period)}; periods are ${quoteList(PERIOD_NAMES, 'and')}.`, { path: inner }));
        return undefined;
      }
      return { kind, period };
    }
    if (kind === 'within_last') {
      const durationObject = this.object(object.within_last, inner, 'a duration {"amount", "unit"}');
      const duration = durationObject && this.duration(durationObject, inner);
      return duration && { kind, duration };
    }
    const range = object.between;
    if (!Array.isArray(range) || range.length !== 2) {
      this.report(AudienceError.wrongType('a list of two dates [from, to]', range, { path: inner }));
      return undefined;
    }
    const from = this.string(range[0], pointer(inner, 0), 'a date (a string)');
    const to = this.string(range[1], pointer(inner, 1), 'a date (a string)');
    return from !== undefined && to !== undefined ? { kind, from, to } : undefined;
  }

  /**
   * Where := [WhereItem, ...] (one or more, joined by `and`)
   * WhereItem := PropertyCondition | {"and": [WhereItem, ...]} | {"or": [WhereItem, ...]} | {"not": WhereItem}
   * PropertyCondition := {"property", "op", "value"?}
   */
  private where(value: unknown, path: string): WhereNode[] | undefined {
    const items = this.list(value, path, 'a list of property conditions', '`where` needs at least one property condition.');
    const nodes = items?.map((item, i) => this.whereItem(item, pointer(path, i), 0));
    return nodes && nodes.every((n) => n !== undefined) ? (nodes as WhereNode[]) : undefined;
  }

  /** One item of `where`; `ancestors` counts the enclosing and/or/not inside `where`. */
  private whereItem(value: unknown, path: string, ancestors: number): WhereNode | undefined {
    if (this.conditions > MAX_CONDITIONS) return undefined;
    const object = this.object(value, path, 'a property condition {"property", "op", "value"} or an `and`, `or` or `not` of them');
    if (!object) return undefined;
    const kind = (['and', 'or', 'not'] as const).find((key) => has(object, key));
    if (kind === undefined) return this.propertyCondition(object, path);
    this.checkKeys(object, path, SHAPES[kind].name, [kind]);
    const origin = { path };
    if (ancestors + 1 > MAX_DEPTH) {
      this.report(AudienceError.tooDeep(MAX_DEPTH, origin));
      return undefined;
    }
    if (kind === 'not') {
      const child = this.whereItem(object.not, pointer(path, 'not'), ancestors + 1);
      return child && { kind, child, origin };
    }
    const inner = pointer(path, kind);
    const items = this.list(object[kind], inner, 'a list of property conditions', `\`${kind}\` needs at least one property condition.`);
    const children = items?.map((item, i) => this.whereItem(item, pointer(inner, i), ancestors + 1));
    return children && children.every((c) => c !== undefined) ? { kind, children: children as WhereNode[], origin } : undefined;
  }

  private propertyCondition(object: JsonObject, path: string): PropertyCondition | undefined {
    this.countCondition(path);
    this.checkKeys(object, path, 'a property condition', ['property', 'op', 'value']);
    if (!has(object, 'property')) this.report(AudienceError.missingKey('property', 'a property condition', { path }));
    const property = has(object, 'property') ? this.name(object.property, pointer(path, 'property'), 'property name') : undefined;
    const operation = this.operation(object, path, 'a property condition');
    return property !== undefined && operation ? { kind: 'property', property, ...operation, origin: { path } } : undefined;
  }

  private list(value: unknown, path: string, expected: string, emptyMessage: string): unknown[] | undefined {
    if (!Array.isArray(value)) {
      this.report(AudienceError.wrongType(expected, value, { path }));
      return undefined;
    }
    if (value.length === 0) {
      this.report(AudienceError.emptyList(emptyMessage, { path }));
      return undefined;
    }
    return value;
  }

  private string(value: unknown, path: string, expected: string): string | undefined {
    if (typeof value === 'string') return value;
    this.report(AudienceError.wrongType(expected, value, { path }));
    return undefined;
  }

  /** A name (field, event type, property, segment id): a string of at most MAX_NAME_LENGTH characters. */
  private name(value: unknown, path: string, what: 'field name' | 'event type' | 'property name' | 'segment id'): string | undefined {
    const article = what === 'event type' ? 'an' : 'a';
    const name = this.string(value, path, `${article} ${what} (a string)`);
    if (name !== undefined && name.length > MAX_NAME_LENGTH) {
      this.report(AudienceError.nameTooLong(what, MAX_NAME_LENGTH, { path }));
      return undefined;
    }
    return name;
  }

  private number(value: unknown, path: string, key: string, where: string): number | undefined {
    if (value === undefined) {
      this.report(AudienceError.missingKey(key, where, { path }));
      return undefined;
    }
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    this.report(AudienceError.wrongType('a number', value, { path: pointer(path, key) }));
    return undefined;
  }

  private countCondition(path: string): void {
    this.conditions += 1;
    if (this.conditions === MAX_CONDITIONS + 1) this.report(AudienceError.tooManyConditions(MAX_CONDITIONS, { path }));
  }
}
