/**
 * AST → JSON form. Encoding a decoded or parsed AST gives exactly the JSON it came from (keys in
 * the documented order, origins dropped).
 *
 * @example
 *   const parsed = parseText('in segment "seg_vip"');
 *   if (parsed.ok) encodeJson(parsed.value);  // { segment: 'seg_vip' }
 */
import { isDuration, type Duration, type EventWindow, type FilterNode, type Value, type WhereNode } from './ast';
import { FILTER_FORMAT_VERSION, type DurationJson, type FilterEnvelopeJson, type FilterJson, type ValueJson, type WhereJson, type WindowJson } from './json-format';

/**
 * Encodes a filter as its JSON form (a bare Filter, without the version envelope).
 *
 * @example
 *   encodeJson(ast)  // for `first_name is set or did purchase`:
 *   // { or: [{ field: 'first_name', op: 'is_set' }, { event: 'purchase' }] }
 */
export function encodeJson(node: FilterNode): FilterJson {
  switch (node.kind) {
    case 'and':
      return { and: node.children.map(encodeJson) };
    case 'or':
      return { or: node.children.map(encodeJson) };
    case 'not':
      return { not: encodeJson(node.child) };
    case 'condition':
      return { field: node.field, op: node.op, ...encodeValue(node.value) };
    case 'event':
      return {
        event: node.event,
        ...(node.count && { count: { op: node.count.op, value: node.count.value } }),
        ...(node.window && { window: encodeWindow(node.window) }),
        ...(node.where && { where: node.where.map(encodeWhere) }),
        ...(node.aggregate && {
          aggregate: { function: node.aggregate.function, property: node.aggregate.property, op: node.aggregate.op, value: node.aggregate.value },
        }),
      };
    case 'segment':
      return { segment: node.id };
    case 'snapshot':
      return { snapshot: node.id };
  }
}

/**
 * Encodes a filter inside the versioned envelope, the form in which filters are saved.
 *
 * @example
 *   encodeEnvelope(ast)  // { version: 1, filter: { segment: 'seg_vip' } } for `in segment "seg_vip"`
 */
export function encodeEnvelope(node: FilterNode): FilterEnvelopeJson {
  return { version: FILTER_FORMAT_VERSION, filter: encodeJson(node) };
}

function encodeWhere(node: WhereNode): WhereJson {
  switch (node.kind) {
    case 'and':
      return { and: node.children.map(encodeWhere) };
    case 'or':
      return { or: node.children.map(encodeWhere) };
    case 'not':
      return { not: encodeWhere(node.child) };
    case 'property':
      return { property: node.property, op: node.op, ...encodeValue(node.value) };
  }
}

function encodeValue(value: Value | undefined): { value?: ValueJson } {
  if (value === undefined) return {};
  if (isDuration(value)) return { value: encodeDuration(value) };
  return { value: Array.isArray(value) ? [...value] : (value as string | number | boolean) };
}

function encodeDuration(duration: Duration): DurationJson {
  return { amount: duration.amount, unit: duration.unit };
}

function encodeWindow(window: EventWindow): WindowJson {
  switch (window.kind) {
    case 'within_last':
      return { within_last: encodeDuration(window.duration) };
    case 'between':
      return { between: [window.from, window.to] };
    case 'period':
      return { period: window.period };
  }
}
