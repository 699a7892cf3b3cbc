/**
 * Event conditions: the event type is an identifier, the count a whole number, the window a
 * valid duration or date range, and each `where` property condition (at any depth of and/or/not)
 * valid on free JSON.
 *
 * @example
 *   // did Purchase
 *   // INVALID_EVENT_TYPE: 'Invalid event type "Purchase"; an event type is a lower-case letter ...'
 */
import { AGGREGATE_FUNCTIONS, COUNT_OPS, propertyConditions, type EventNode } from '../ast';
import { AudienceError, describeValue, originOf, quoteList } from '../errors';
import { isPeriodName, PERIOD_NAMES } from '../periods';
import { OPERATOR_NAMES, OPERATORS, operatorsFor } from '../operators';
import type { ValidationContext, ValidationRule } from './validation-context';
import { PROPERTY_NAME_PATTERN } from '../../text/property-names';
import { checkDate, checkDuration, checkValue } from './value-checks';

/** Event types: `purchase`, `email_delivered`, custom types alike. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;


export const eventConditionsRule: ValidationRule = (context) => ({
  event(node) {
    if (!EVENT_TYPE_PATTERN.test(node.event)) {
      context.report(AudienceError.invalidEventType(node.event, originOf(node.origin, '/event')));
    }
    checkCount(context, node);
    checkAggregate(context, node);
    checkWindow(context, node);
    for (const condition of propertyConditions(node.where)) {
      if (!PROPERTY_NAME_PATTERN.test(condition.property)) {
        context.report(AudienceError.invalidProperty(condition.property, originOf(condition.origin, '/property')));
      }
      const spec = OPERATORS[condition.op];
      const label = `event property \`${condition.property}\``;
      if (!spec) {
        context.report(AudienceError.unknownOperator(condition.op, OPERATOR_NAMES, originOf(condition.origin, '/op')));
      } else if (!spec.appliesTo.includes('event_property')) {
        const accepted = operatorsFor('event_property');
        context.report(AudienceError.operatorNotAllowed(condition.op, label, accepted, originOf(condition.origin, '/op')));
      } else {
        checkValue(context.report, { label, type: 'event_property' }, spec, condition.value, condition.origin);
      }
    }
  },
});

function checkCount(context: ValidationContext, node: EventNode): void {
  if (!node.count) return;
  const { op, value } = node.count;
  if (!COUNT_OPS.includes(op)) {
    context.report(AudienceError.unknownOperator(op, COUNT_OPS, originOf(node.origin, '/count/op')));
  } else if (!Number.isSafeInteger(value) || value < 0) {
    context.report(
      AudienceError.invalidValue(`An event count is a whole number of at least 0, got ${describeValue(value)}.`, originOf(node.origin, '/count/value')),
    );
  } else if (op === 'lt' && value === 0) {
    context.report(
      AudienceError.invalidValue('An event count `lt 0` (fewer than 0 times) never matches; use `eq 0` for "never".', originOf(node.origin, '/count')),
    );
  }
}

/**
 * An aggregate: a known function over a property name, a count op and a finite number (a whole
 * number of at least 0 for `count_distinct`), and no count beside it.
 */
function checkAggregate(context: ValidationContext, node: EventNode): void {
  const aggregate = node.aggregate;
  if (!aggregate) return;
  if (node.count) {
    context.report(
      AudienceError.invalidValue(
        'An event condition takes a `count` or an `aggregate`, not both; join two event conditions with `and`.',
        originOf(node.origin, '/aggregate'),
      ),
    );
  }
  if (!AGGREGATE_FUNCTIONS.includes(aggregate.function)) {
    context.report(AudienceError.unknownAggregate(aggregate.function, AGGREGATE_FUNCTIONS, originOf(node.origin, '/aggregate/function')));
  }
  if (typeof aggregate.property !== 'string' || !PROPERTY_NAME_PATTERN.test(aggregate.property)) {
    context.report(AudienceError.invalidProperty(aggregate.property, originOf(node.origin, '/aggregate/property')));
  }
  if (!COUNT_OPS.includes(aggregate.op)) {
    context.report(AudienceError.unknownOperator(aggregate.op, COUNT_OPS, originOf(node.origin, '/aggregate/op')));
  }
  const value = aggregate.value;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    context.report(AudienceError.invalidValue(`An aggregate is compared with a number, got ${describeValue(value)}.`, originOf(node.origin, '/aggregate/value')));
  } else if (aggregate.function === 'count_distinct' && (!Number.isSafeInteger(value) || value < 0)) {
    context.report(
      AudienceError.invalidValue(`\`count_distinct\` is compared with a whole number of at least 0, got ${describeValue(value)}.`, originOf(node.origin, '/aggregate/value')),
    );
  } else if (aggregate.function === 'count_distinct' && aggregate.op === 'lt' && value === 0) {
    context.report(AudienceError.invalidValue('`count_distinct` `lt 0` never matches; use `eq 0` for "none".', originOf(node.origin, '/aggregate')));
  }
}

function checkWindow(context: ValidationContext, node: EventNode): void {
  const window = node.window;
  if (window?.kind === 'within_last') {
    checkDuration(context.report, window.duration, originOf(node.origin, '/window/within_last'));
  } else if (window?.kind === 'period') {
    if (!isPeriodName(window.period)) {
      context.report(AudienceError.invalidValue(`Unknown period ${describeValue(window.period)}; periods are ${quoteList(PERIOD_NAMES, 'and')}.`, originOf(node.origin, '/window/period')));
    }
  } else if (window?.kind === 'between') {
    const from = checkDate(context.report, window.from, originOf(node.origin, '/window/between/0'));
    const to = checkDate(context.report, window.to, originOf(node.origin, '/window/between/1'));
    if (from && to && from.startMs > to.endMs) {
      context.report(
        AudienceError.invalidValue(
          `An event window needs its start first, got ${describeValue([window.from, window.to])}.`,
          originOf(node.origin, '/window/between'),
        ),
      );
    }
  }
}
