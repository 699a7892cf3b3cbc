/**
 * Warnings for event conditions, against what the namespace's events have looked like
 * (`EventCatalog`): an event type never seen, a property never seen on that type, and a literal of
 * a JSON type the property has never held (for `sum`, `avg`, `min`, `max`: a property that has never
 * held a number). Each with its location and, for names, "did you mean"
 * suggestions over the seen names (bounded like the validator's, `SuggestionBudget`).
 *
 * @example
 *   eventWarnings(parseText('did purchase where (totl > 50)').value, catalog).map((w) => w.toJSON())
 *   // [{ code: 'UNSEEN_EVENT_PROPERTY', message: 'No `purchase` event has had a property `totl`, … Did you mean `total`?', line: 1, column: 21 }]
 */
import { propertyConditions, walk, type FilterNode, type PropertyCondition, type Value } from '../ast';
import type { EventCatalog, JsonType } from '../catalog';
import { originOf } from '../errors';
import { OPERATORS } from '../operators';
import { AudienceWarning } from '../warnings';
import { SuggestionBudget, suggestionList } from './suggestions';

/** The JSON type a property must hold for the condition's literal to compare with it (none for is_set/is_not_set). */
function literalType(value: Value | undefined): 'string' | 'number' | 'boolean' | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string' || typeof first === 'number' || typeof first === 'boolean') return typeof first as 'string' | 'number' | 'boolean';
  return undefined;
}

/** Warnings for every event condition of a (valid) filter, in document order. */
export function eventWarnings(filter: FilterNode, catalog: EventCatalog, budget: SuggestionBudget = new SuggestionBudget()): AudienceWarning[] {
  const warnings: AudienceWarning[] = [];
  const types = catalog.types();
  const names = new Map<string, readonly string[]>();
  walk(filter, (node) => {
    if (node.kind !== 'event') return;
    const properties = catalog.properties(node.event);
    if (!properties) {
      warnings.push(AudienceWarning.unseenEventType(node.event, suggestionList(node.event, types, budget), originOf(node.origin, '/event')));
      return;
    }
    let seenNames = names.get(node.event);
    if (!seenNames) names.set(node.event, (seenNames = [...properties.keys()]));
    propertyConditions(node.where).forEach((condition: PropertyCondition) => {
      const seen = properties.get(condition.property);
      if (!seen) {
        const suggestions = suggestionList(condition.property, seenNames, budget);
        warnings.push(AudienceWarning.unseenProperty(node.event, condition.property, suggestions, originOf(condition.origin, '/property')));
        return;
      }
      const wanted = OPERATORS[condition.op]?.valueShape === 'none' ? undefined : literalType(condition.value);
      if (wanted && !seen.includes(wanted as JsonType)) {
        warnings.push(AudienceWarning.unseenPropertyType(node.event, condition.property, wanted, seen, originOf(condition.origin, '/value')));
      }
    });
    const aggregate = node.aggregate;
    if (aggregate) {
      const seen = properties.get(aggregate.property);
      const at = originOf(node.origin, '/aggregate/property');
      if (!seen) warnings.push(AudienceWarning.unseenProperty(node.event, aggregate.property, suggestionList(aggregate.property, seenNames, budget), at));
      else if (aggregate.function !== 'count_distinct' && !seen.includes('number')) {
        warnings.push(AudienceWarning.nonNumericAggregate(node.event, aggregate.property, aggregate.function, seen, at));
      }
    }
  });
  return warnings;
}
