/**
 * Field conditions: the field exists (with "did you mean"), the operator applies to its type,
 * and the value fits the operator.
 *
 * @example
 *   // frist_name = "Ann"
 *   // UNKNOWN_FIELD: "Unknown field `frist_name`. Did you mean `first_name` or `last_name`?"
 */
import { AudienceError, originOf } from '../errors';
import { OPERATOR_NAMES, OPERATORS, operatorsFor } from '../operators';
import { suggestionList } from './suggestions';
import type { ValidationRule } from './validation-context';
import { checkValue } from './value-checks';

export const fieldConditionsRule: ValidationRule = (context) => ({
  condition(node) {
    const def = context.catalog.lookup(node.field);
    if (!def) {
      const suggestions = suggestionList(node.field, context.catalog.names(), context.suggestions);
      context.report(AudienceError.unknownField(node.field, suggestions, originOf(node.origin, '/field')));
      return;
    }
    const spec = OPERATORS[node.op];
    if (!spec) {
      context.report(AudienceError.unknownOperator(node.op, OPERATOR_NAMES, originOf(node.origin, '/op')));
      return;
    }
    const label = `field \`${def.name}\` (${def.type})`;
    if (!spec.appliesTo.includes(def.type)) {
      context.report(AudienceError.operatorNotAllowed(node.op, label, operatorsFor(def.type), originOf(node.origin, '/op')));
      return;
    }
    const enumField = def.type === 'enum' ? { name: def.name, values: def.enumValues ?? [] } : undefined;
    checkValue(context.report, { label, type: def.type, enumField }, spec, node.value, node.origin);
  },
});
