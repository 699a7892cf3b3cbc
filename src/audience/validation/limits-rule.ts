/**
 * LIMIT_EXCEEDED for hand-built or stored ASTs: nesting depth (of the filter, and of and/or/not
 * inside each `where`) and condition count (list lengths
 * are checked with the values). The parser and decoder enforce the same limits on their input.
 *
 * @example
 *   validate(seventeenNestedNots, catalog, segments)
 *   // errors: [{ code: 'LIMIT_EXCEEDED', message: 'The filter nests and/or/not deeper than 16 levels.', ... }]
 */
import { walkWhere, type Origin } from '../ast';
import { AudienceError } from '../errors';
import { MAX_CONDITIONS, MAX_DEPTH } from '../limits';
import type { ValidationRule } from './validation-context';

export const limitsRule: ValidationRule = (context) => {
  let depthReported = false;
  let conditions = 0;
  const count = (at: Origin): void => {
    conditions += 1;
    if (conditions === MAX_CONDITIONS + 1) context.report(AudienceError.tooManyConditions(MAX_CONDITIONS, at));
  };
  return {
    enter(node, depth) {
      if (depth > MAX_DEPTH && !depthReported) {
        depthReported = true;
        context.report(AudienceError.tooDeep(MAX_DEPTH, node.origin));
      }
      if (node.kind === 'condition' || node.kind === 'segment' || node.kind === 'snapshot') count(node.origin);
      if (node.kind === 'event') {
        count(node.origin);
        walkWhere(node.where ?? [], (inner, depth) => {
          if (inner.kind === 'property') count(inner.origin);
          if (depth > MAX_DEPTH && !depthReported) {
            depthReported = true;
            context.report(AudienceError.tooDeep(MAX_DEPTH, inner.origin));
          }
        });
      }
    },
  };
};
