/**
 * AST → canonical text: lower-case keywords, JSON-escaped strings, and only the parentheses the
 * structure needs (an and/or inside an and/or, and `not (...)` around an and/or). For every AST
 * the text form can express, `parseText(print(ast))` gives the same AST back
 * (origins aside). An and/or with a single child prints as that child.
 *
 * @example
 *   const decoded = decodeJson({ not: { or: [{ segment: 'a' }, { field: 'x', op: 'is_set' }] } });
 *   if (decoded.ok) print(decoded.value);  // 'not (in segment "a" or x is set)'
 */
import { childrenOf, isDuration, type EventNode, type FilterNode, type Value, type WhereNode } from './ast';
import { DATE_LITERAL_SHAPE } from './date-literal';
import { OPERATORS, type OperatorName } from './operators';
import { isPeriodName, PERIODS } from './periods';
import { AGGREGATE_COMPARISONS, AGGREGATE_PHRASES, COUNT_PHRASES, pluralize, printEventType, printFieldName, printPropertyName } from './text-syntax';

/**
 * Prints a filter in the canonical text form.
 *
 * @example
 *   print(ast)  // 'NOT (a = 1 OR b = 2) AND c IS SET' parsed and printed: 'not (a = 1 or b = 2) and c is set'
 */
export function print(node: FilterNode): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      if (node.children.length === 1) return print(node.children[0]);
      return node.children.map((child) => printOperand(child)).join(` ${node.kind} `);
    case 'not':
      return `not ${printOperand(node.child)}`;
    case 'condition':
      return `${printFieldName(node.field)} ${printOperation(node.op, node.value)}`;
    case 'event':
      return printEvent(node);
    case 'segment':
      return `in segment ${JSON.stringify(node.id)}`;
    case 'snapshot':
      return `in snapshot ${JSON.stringify(node.id)}`;
  }
}

/** An operand of and/or/not, outside or inside `where`: parenthesized when it is itself an and/or of two or more. */
function operand<T extends FilterNode | WhereNode>(node: T, printNode: (node: T) => string): string {
  const inner = unwrap(node);
  const text = printNode(inner);
  return inner.kind === 'and' || inner.kind === 'or' ? `(${text})` : text;
}

/** The node an and/or of one child stands for. */
function unwrap<T extends FilterNode | WhereNode>(node: T): T {
  let inner = node;
  while ((inner.kind === 'and' || inner.kind === 'or') && childrenOf(inner).length === 1) inner = childrenOf(inner)[0];
  return inner;
}

const printOperand = (node: FilterNode): string => operand(node, print);
const printWhereOperand = (node: WhereNode): string => operand(node, printWhere);

function printEvent(node: EventNode): string {
  const parts = ['did'];
  const none = node.count?.op === 'eq' && node.count.value === 0 && !Object.is(node.count.value, -0);
  if (none) parts.push('not');
  parts.push(printEventType(node.event));
  if (node.count && !none) {
    const phrase = COUNT_PHRASES.find((p) => p.value === node.count!.op)!;
    parts.push(...phrase.words, printNumber(node.count.value), pluralize('time', node.count.value));
  }
  if (node.window?.kind === 'within_last') parts.push('within last', printValue(node.window.duration));
  if (node.window?.kind === 'between') parts.push('between', printDate(node.window.from), 'and', printDate(node.window.to));
  if (node.window?.kind === 'period') parts.push(printPeriod(node.window.period));
  if (node.where) {
    // The items are joined by `and`; a lone `or` needs no parentheses of its own.
    const only = node.where.length === 1 ? unwrap(node.where[0]) : undefined;
    const body = only?.kind === 'or' ? printWhere(only) : node.where.map(printWhereOperand).join(' and ');
    parts.push(`where (${body})`);
  }
  if (node.aggregate) {
    const fn = AGGREGATE_PHRASES.find((p) => p.value === node.aggregate!.function)!;
    const op = AGGREGATE_COMPARISONS.find((p) => p.value === node.aggregate!.op)!;
    parts.push('with', `${fn.words.join(' ')}(${printPropertyName(node.aggregate.property)})`, op.words[0], printNumber(node.aggregate.value));
  }
  return parts.join(' ');
}

function printWhere(node: WhereNode): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      if (node.children.length === 1) return printWhere(node.children[0]);
      return node.children.map(printWhereOperand).join(` ${node.kind} `);
    case 'not':
      return `not ${printWhereOperand(node.child)}`;
    case 'property':
      return `${printPropertyName(node.property)} ${printOperation(node.op, node.value)}`;
  }
}

/** `= "x"`, `in ("a", "b")`, `between 1 and 2`, `is set`, `more than 2 weeks ago`. */
function printOperation(op: OperatorName, value: Value | undefined): string {
  const spec = OPERATORS[op];
  const parts = [spec.text];
  if (value !== undefined) {
    if (spec.valueShape === 'range' && Array.isArray(value) && value.length === 2) {
      parts.push(printDate(value[0]), 'and', printDate(value[1]));
    } else if (spec.valueShape === 'date') {
      parts.push(printDate(value));
    } else if (spec.valueShape === 'period') {
      parts.push(printPeriod(value));
    } else {
      parts.push(printValue(value));
    }
  }
  if (spec.textAfter) parts.push(spec.textAfter);
  return parts.join(' ');
}

function printValue(value: Value): string {
  if (isDuration(value)) return `${printNumber(value.amount)} ${pluralize(value.unit, value.amount)}`;
  if (Array.isArray(value)) return `(${value.map(printValue).join(', ')})`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return printNumber(value);
  return String(value);
}

/** Date-shaped strings print bare (`2026-01-31`); anything else as an ordinary value. */
function printDate(value: Value): string {
  return typeof value === 'string' && DATE_LITERAL_SHAPE.test(value) ? value : printValue(value);
}

/** `today`, `this month`; anything else (only a hand-built AST) as an ordinary value. */
function printPeriod(value: Value): string {
  return isPeriodName(value) ? PERIODS[value].words.join(' ') : printValue(value);
}

function printNumber(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}
