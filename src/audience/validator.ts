/**
 * Validation, a stage of its own (graphql-js `validation/validate.ts` style): runs every rule over
 * the AST in one pass and collects every error, each located by the offending node's origin.
 *
 * @example
 *   const result = validate(ast, catalog, new Map([['seg_vip', vipFilter]]));
 *   if (!result.ok) result.errors.map((e) => e.toJSON());
 */
import { walk, type FilterNode } from './ast';
import type { FieldCatalog } from './catalog';
import { ErrorCollector, failure, success, type Result } from './errors';
import { eventConditionsRule } from './validation/event-conditions-rule';
import { fieldConditionsRule } from './validation/field-conditions-rule';
import { limitsRule } from './validation/limits-rule';
import { segmentReferencesRule } from './validation/segment-references-rule';
import { SuggestionBudget } from './validation/suggestions';
import { snapshotReferencesRule } from './validation/snapshot-references-rule';
import type { SegmentLookup, ValidationContext, ValidationOptions, ValidationRule } from './validation/validation-context';

/** The rules `validate` runs, in order. */
export const specifiedRules: readonly ValidationRule[] = [
  limitsRule,
  fieldConditionsRule,
  eventConditionsRule,
  segmentReferencesRule,
  snapshotReferencesRule,
];

/**
 * Checks a filter against a namespace's fields and saved segments. Returns the same AST when
 * it is valid, or every error found.
 *
 * @example
 *   validate(parsed, catalog, segments, { segmentId: 'seg_a' });
 *   // { ok: false, errors: [{ code: 'UNKNOWN_FIELD', message: 'Unknown field `frist_name`. Did you mean ...?', line: 1, column: 1 }] }
 */
export function validate(
  ast: FilterNode,
  catalog: FieldCatalog,
  segments: SegmentLookup,
  options: ValidationOptions = {},
  rules: readonly ValidationRule[] = specifiedRules,
): Result<FilterNode> {
  const { errors, report } = new ErrorCollector();
  const suggestions = options.suggestionBudget ?? new SuggestionBudget();
  const context: ValidationContext = { catalog, segments, options, suggestions, report };
  const visitors = rules.map((rule) => rule(context));
  walk(ast, (node, depth) => {
    for (const visitor of visitors) {
      visitor.enter?.(node, depth);
      if (node.kind === 'condition') visitor.condition?.(node);
      else if (node.kind === 'event') visitor.event?.(node);
      else if (node.kind === 'segment') visitor.segment?.(node);
      else if (node.kind === 'snapshot') visitor.snapshot?.(node);
    }
  });
  return errors.length === 0 ? success(ast) : failure(errors);
}
