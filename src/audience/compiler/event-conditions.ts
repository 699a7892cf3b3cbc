/**
 * Event conditions: "the profile has (count) events of type E in the window that meet every
 * `where` condition". Two shapes, chosen by whether zero events satisfy the count (measured on
 * 600k profiles / 6M events: correlated `EXISTS ... OFFSET 1` or LATERAL counts took over a
 * second, a grouped semi-join over the `(namespace_id, type, profile_id, occurred_at)` index about
 * 145 ms):
 *
 * - at least one (`gte 1`, `gt 0`, the default): `exists (select 1 from event e where ...)`;
 *   none (`eq 0`, `lt 1`, `lte 0`): `not exists (...)`.
 * - other counts that zero events fail: `p.id in (select e.profile_id ... group by e.profile_id
 *   having count(*) <op> $n)`; counts that zero events satisfy (`lt`, `lte`): the complement
 *   `not (p.id in (... having count(*) >= threshold))`.
 * - In a predicate tested row by row (`purpose: 'rows'`: keyset pages, membership of listed
 *   profiles), "at least n" is `exists (... offset n-1)` instead: it stops at the n-th matching
 *   event of each profile, and a page stops after its last member, where the grouped form
 *   aggregates every event before the first row (docs/performance.md, "the misses"). `gt n` is
 *   at least n+1, `eq n` at least n and not at least n+1, `lt`/`lte` the complements.
 *
 * @example
 *   // did purchase at least 2 times
 *   // p.id in (select e.profile_id from event e where e.namespace_id = $1 and e.type = $2
 *   //   group by e.profile_id having count(*) >= $3)
 */
import { AGGREGATE_FUNCTIONS, COUNT_OPS, type AggregateFunction, type CountOp, type EventNode, type Origin, type PropertyCondition, type WhereNode } from '../ast';
import { MAX_DEPTH } from '../limits';
import { OPERATORS, type OperatorName } from '../operators';
import { AudienceCompileError } from './compile-error';
import { COMPARISONS, negate, rangePredicate, textParam, type Predicate, type ValueSource } from './comparisons';
import type { CompileContext } from './context';
import { jsonEquality, jsonSource } from './field-conditions';
import { isPeriodName } from '../periods';
import { betweenRange, checkDuration, parseLiteral, periodRange, relativeRange } from './instants';
import { concat, join, Param, sql, type Fragment } from './sql-fragment';

const OCCURRED_AT: ValueSource = {
  label: 'event time',
  expr: sql`e.occurred_at`,
  type: 'timestamptz',
  present: sql`e.occurred_at is not null`,
  absent: sql`e.occurred_at is null`,
};

const COUNT_SQL: Readonly<Record<CountOp, Fragment>> = { eq: sql`=`, gt: sql`>`, gte: sql`>=`, lt: sql`<`, lte: sql`<=` };

function holds(count: number, op: CountOp, n: number): boolean {
  switch (op) {
    case 'eq':
      return count === n;
    case 'gt':
      return count > n;
    case 'gte':
      return count >= n;
    case 'lt':
      return count < n;
    case 'lte':
      return count <= n;
  }
}

/** Which JSON type a property condition compares, from its literal (the first item of a list). */
function literalKind(condition: PropertyCondition): 'string' | 'number' | 'boolean' {
  const value = condition.value;
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string' || typeof first === 'number' || typeof first === 'boolean') return typeof first as 'string' | 'number' | 'boolean';
  if (value === undefined) return 'string';
  throw AudienceCompileError.invalidValue(`Expected a string, number or boolean for event property ${JSON.stringify(condition.property)}.`, condition.origin);
}

/** A `where` condition: a property of another JSON type than the literal is treated as missing. */
function propertyCondition(condition: PropertyCondition, context: CompileContext, negated: boolean): Predicate {
  const written = condition.op;
  const writtenSpec = Object.hasOwn(OPERATORS, written) ? OPERATORS[written as OperatorName] : undefined;
  // `not` pushed down onto an operator with an exact complement (`not (a = 1)` is `a != 1`).
  const op = negated && writtenSpec?.negation ? writtenSpec.negation : written;
  const spec = Object.hasOwn(OPERATORS, op) ? OPERATORS[op as OperatorName] : undefined;
  const label = `event property ${JSON.stringify(condition.property)}`;
  if (!spec || !spec.appliesTo.includes('event_property')) throw AudienceCompileError.operatorNotAllowed(String(op), label, condition.origin);
  if (typeof condition.property !== 'string') throw AudienceCompileError.invalidValue('An event property name is a string.', condition.origin);
  const key = textParam(condition.property, 'An event property name', condition.origin);
  const kind = literalKind(condition);
  const source = jsonSource(label, sql`e.properties`, key, kind, true);
  // The guarded comparison checks the value (the same errors either way) and serves the other operators.
  const guarded = COMPARISONS[op](source, condition.value, { asOfMs: context.asOfMs, at: condition.origin });
  const predicate = kind === 'number' ? guarded : (jsonEquality(sql`e.properties`, key, op, condition.value) ?? guarded);
  return negated && op === written ? negate(predicate) : predicate;
}

/**
 * An item of `where` (or its exact complement when `negated`): `not` is pushed down with De
 * Morgan and each operator's negation, as `toCompileForm` does outside; an and/or of two or more
 * is parenthesized. Depth is bounded by validation; a hand-built tree deeper than MAX_DEPTH
 * fails closed.
 */
function whereNode(node: WhereNode, context: CompileContext, negated: boolean, ancestors: number): Predicate {
  if (node?.kind !== 'property' && ancestors + 1 > MAX_DEPTH) throw AudienceCompileError.tooDeep(MAX_DEPTH, node.origin);
  const depth = ancestors + 1;
  switch (node?.kind) {
    case 'property':
      return propertyCondition(node, context, negated);
    case 'not':
      return whereNode(node.child, context, !negated, depth);
    case 'and':
    case 'or': {
      if (!Array.isArray(node.children) || node.children.length === 0) {
        throw AudienceCompileError.invalidValue(`An \`${node.kind}\` inside \`where\` needs at least one condition.`, node.origin);
      }
      const kind = (node.kind === 'and') !== negated ? 'and' : 'or';
      const children = node.children.map((child) => whereNode(child, context, negated, depth));
      if (children.length === 1) return children[0];
      return { sql: sql`(${join(children.map((child) => child.sql), ` ${kind} `)})`, nullable: children.some((c) => c.nullable) };
    }
    default:
      throw AudienceCompileError.invalidValue('A `where` item is a property condition or an and/or/not of them.', (node as { origin?: Origin })?.origin ?? { path: '' });
  }
}


/** The window and `where` conditions, each as ` and <condition>`. */
function eventFilters(node: EventNode, context: CompileContext): Fragment {
  const parts: Fragment[] = [];
  const window = node.window;
  if (window) {
    const range =
      window.kind === 'within_last'
        ? relativeRange('within_last', checkDuration(window.duration, node.origin, 1), context.asOfMs)
        : window.kind === 'between'
          ? betweenRange(parseLiteral(window.from, node.origin), parseLiteral(window.to, node.origin))
          : window.kind === 'period' && isPeriodName(window.period)
            ? periodRange(window.period, context.asOfMs)
            : undefined;
    if (!range) throw AudienceCompileError.invalidValue('An event window is within_last, between or a period.', node.origin);
    parts.push(rangePredicate(OCCURRED_AT, range).sql);
  }
  if (node.where !== undefined && !Array.isArray(node.where)) throw AudienceCompileError.invalidValue('`where` is a list.', node.origin);
  for (const item of node.where ?? []) parts.push(whereNode(item, context, false, 0).sql);
  return concat(parts.map((part) => sql` and ${part}`));
}

function checkCount(node: EventNode): { op: CountOp; n: number } {
  const count = node.count ?? { op: 'gte', value: 1 };
  if (!COUNT_OPS.includes(count.op) || !Number.isSafeInteger(count.value) || count.value < 0) {
    throw AudienceCompileError.invalidValue(`An event count is {op: eq|gt|gte|lt|lte, value: whole number >= 0}, got ${JSON.stringify(count)}.`, node.origin);
  }
  return { op: count.op, n: count.value };
}

/** The predicate of an event condition, or of its negation. Never NULL. */
export function compileEvent(node: EventNode, context: CompileContext, negated: boolean): Predicate {
  if (typeof node.event !== 'string') throw AudienceCompileError.invalidValue('An event type is a string.', node.origin);
  const type = textParam(node.event, 'An event type', node.origin);
  const filters = eventFilters(node, context);
  if (node.aggregate !== undefined) return compileAggregate(node, type, filters, context, negated);
  const { op, n } = checkCount(node);
  const exists = sql`exists (select 1 from event e where e.namespace_id = p.namespace_id and e.type = ${type} and e.profile_id = p.id${filters})`;
  const grouped = (countOp: CountOp, value: number): Fragment =>
    sql`p.id in (select e.profile_id from event e where e.namespace_id = ${context.namespace} and e.type = ${type}${filters} group by e.profile_id having count(*) ${COUNT_SQL[countOp]} ${new Param(value)})`;

  if (context.purpose === 'rows') return rowsForm(op, n, exists, (k) => sql`exists (select 1 from event e where e.namespace_id = p.namespace_id and e.type = ${type} and e.profile_id = p.id${filters} offset ${new Param(k - 1)})`, negated);

  let positive: Fragment;
  let negative: Fragment;
  if (!holds(0, op, n)) {
    // Zero events fail the count: the matching profiles have at least one event.
    if ((op === 'gte' && n === 1) || (op === 'gt' && n === 0)) [positive, negative] = [exists, sql`not ${exists}`];
    else [positive, negative] = [grouped(op, n), sql`not (${grouped(op, n)})`];
  } else {
    // Zero events pass: compile the complement, "at least `threshold` events".
    const threshold = op === 'lt' ? n : op === 'lte' ? n + 1 : op === 'eq' ? 1 : undefined;
    if (threshold === undefined) [positive, negative] = [sql`true`, sql`false`];
    else if (threshold === 1) [positive, negative] = [sql`not ${exists}`, exists];
    else [positive, negative] = [sql`not (${grouped('gte', threshold)})`, grouped('gte', threshold)];
  }
  return { sql: negated ? negative : positive, nullable: false };
}

/** The empty value of each aggregate: what it is over no events (none for avg, min and max). */
const EMPTY_AGGREGATE: Readonly<Record<AggregateFunction, number | undefined>> = { sum: 0, count_distinct: 0, avg: undefined, min: undefined, max: undefined };

function checkAggregate(node: EventNode): { fn: AggregateFunction; key: Param; op: CountOp; value: number } {
  const aggregate = node.aggregate!;
  const shape = 'An aggregate is {function: sum|avg|min|max|count_distinct, property, op: eq|gt|gte|lt|lte, value: number}';
  if (typeof aggregate !== 'object' || aggregate === null || node.count !== undefined) {
    throw AudienceCompileError.invalidValue(`${shape}, with no count beside it.`, node.origin);
  }
  const { function: fn, property, op, value } = aggregate;
  const finite = typeof value === 'number' && Number.isFinite(value);
  const whole = fn !== 'count_distinct' || (Number.isSafeInteger(value) && value >= 0);
  if (!AGGREGATE_FUNCTIONS.includes(fn) || typeof property !== 'string' || !COUNT_OPS.includes(op) || !finite || !whole) {
    throw AudienceCompileError.invalidValue(`${shape}, got ${JSON.stringify(aggregate)}.`, node.origin);
  }
  return { fn, key: textParam(property, 'An event property name', node.origin), op, value };
}

/**
 * `with sum(total) > 500`: the aggregate over the profile's matching events. Only JSON numbers
 * enter sum, avg, min and max (the CASE guards the cast, so a string never fails the statement);
 * count_distinct counts distinct non-null JSON values by jsonb equality. For sets, a grouped
 * semi-join on the same index as counts: `p.id in (select e.profile_id … group by e.profile_id
 * having <aggregate> <op> $v)`. When the empty value (0 for sum and count_distinct) satisfies the
 * comparison, profiles without matching events belong too, so the complement is compiled: `not
 * (p.id in (… having not (coalesce(<aggregate>, 0) <op> $v)))`. Row by row, a correlated scalar.
 *
 * @example
 *   // did purchase with sum(total) > 500
 *   // p.id in (select e.profile_id from event e where e.namespace_id = $1 and e.type = $2
 *   //   group by e.profile_id having coalesce(sum(case when jsonb_typeof(e.properties -> $3) = 'number'
 *   //   then (e.properties ->> $3)::numeric end), 0) > $4::numeric)
 */
function compileAggregate(node: EventNode, type: Param, filters: Fragment, context: CompileContext, negated: boolean): Predicate {
  const { fn, key, op, value } = checkAggregate(node);
  const numeric = sql`(case when jsonb_typeof(e.properties -> ${key}) = 'number' then (e.properties ->> ${key})::numeric end)`;
  const empty = EMPTY_AGGREGATE[fn];
  const aggregate =
    fn === 'count_distinct'
      ? sql`count(distinct (case when jsonb_typeof(e.properties -> ${key}) <> 'null' then e.properties -> ${key} end))`
      : fn === 'sum'
        ? sql`coalesce(sum(${numeric}), 0)`
        : sql`${fn === 'avg' ? sql`avg` : fn === 'min' ? sql`min` : sql`max`}(${numeric})`;
  const compare = (expr: Fragment): Fragment => sql`${expr} ${COUNT_SQL[op]} ${new Param(value)}::numeric`;
  const comparison = compare(aggregate);
  if (context.purpose === 'rows') {
    const scalar = sql`(select ${aggregate} from event e where e.namespace_id = p.namespace_id and e.type = ${type} and e.profile_id = p.id${filters})`;
    const positive = sql`(${compare(scalar)}) is true`;
    return { sql: negated ? sql`not ${positive}` : positive, nullable: false };
  }
  const grouped = (having: Fragment): Fragment =>
    sql`p.id in (select e.profile_id from event e where e.namespace_id = ${context.namespace} and e.type = ${type}${filters} group by e.profile_id having ${having})`;
  if (empty !== undefined && holds(empty, op, value)) {
    // Profiles without matching events satisfy it: the members are all but those whose aggregate fails.
    const failing = grouped(sql`not (${comparison})`);
    return { sql: negated ? failing : sql`not (${failing})`, nullable: false };
  }
  const matching = grouped(comparison);
  return { sql: negated ? sql`not (${matching})` : matching, nullable: false };
}

/**
 * The row-by-row form of an event count: `atLeast(k)` for k >= 2 is `exists (... offset k-1)`,
 * "at least 1" is the plain `exists`.
 */
function rowsForm(op: CountOp, n: number, exists: Fragment, offsetExists: (k: number) => Fragment, negated: boolean): Predicate {
  const atLeast = (k: number): Fragment => (k === 1 ? exists : offsetExists(k));
  let positive: Fragment;
  let negative: Fragment;
  if (!holds(0, op, n)) {
    // Zero events fail the count: gte n (n >= 1), gt n, eq n (n >= 1).
    positive = op === 'gte' ? atLeast(n) : op === 'gt' ? atLeast(n + 1) : sql`(${atLeast(n)} and not ${atLeast(n + 1)})`;
    negative = sql`not ${positive}`;
  } else {
    // Zero events pass: the complement of "at least `threshold`".
    const threshold = op === 'lt' ? n : op === 'lte' ? n + 1 : op === 'eq' ? 1 : undefined;
    if (threshold === undefined) [positive, negative] = [sql`true`, sql`false`];
    else [positive, negative] = [sql`not ${atLeast(threshold)}`, atLeast(threshold)];
  }
  return { sql: negated ? negative : positive, nullable: false };
}
