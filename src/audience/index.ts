/**
 * The audience filter language: parse (text) or decode (JSON) → validate → normalize → compile.
 * A pure library: it imports nothing outside `src/audience`, and sees a namespace's fields only
 * through `FieldCatalog`. User errors come back in results (`{ ok: false, errors }`), never thrown.
 *
 * @example
 *   const parsed = parseText('email_status = "SUBSCRIBED" and did purchase within last 30 days');
 *   if (!parsed.ok) return parsed.errors;
 *   const valid = validate(parsed.value, catalog, segments);
 *   if (!valid.ok) return valid.errors;
 *   const saved = encodeEnvelope(normalize(valid.value));   // { version: 1, filter: {...} }
 */
export type {
  AndNode,
  AndOf,
  ConditionNode,
  CountOp,
  Duration,
  DurationUnit,
  AggregateFunction,
  EventAggregate,
  EventCount,
  EventNode,
  EventWindow,
  FilterNode,
  JsonOrigin,
  LeafNode,
  ListValue,
  NotNode,
  NotOf,
  Origin,
  OrNode,
  OrOf,
  PropertyCondition,
  RangeValue,
  ScalarValue,
  SegmentNode,
  TextOrigin,
  Value,
  WhereAnd,
  WhereNode,
  WhereNot,
  WhereOr,
} from './ast';
export {
  AGGREGATE_FUNCTIONS,
  COUNT_OPS,
  DURATION_UNITS,
  countConditions,
  depthOf,
  isDuration,
  isLeaf,
  propertyConditions,
  segmentReferences,
  snapshotReferences,
  walk,
  walkWhere,
  whereDepthOf,
} from './ast';
export type { EventCatalog, FieldCatalog, FieldDef, FieldKind, FieldStorage, FieldType, JsonType, ProfileColumn } from './catalog';
export { parseDateLiteral, type DateLiteral } from './date-literal';
export { AudienceError, ERROR_CODES, type AudienceErrorCode, type AudienceErrorData, type Result } from './errors';
export { inlineSegments } from './inline-segments';
export { decodeEnvelope, decodeJson } from './json-decoder';
export { encodeEnvelope, encodeJson } from './json-encoder';
export {
  FILTER_FORMAT_VERSION,
  type ConditionJson,
  type DurationJson,
  type EventJson,
  type FilterEnvelopeJson,
  type FilterJson,
  type PropertyConditionJson,
  type WhereJson,
  type ValueJson,
  type WindowJson,
} from './json-format';
export {
  MAX_BIRTHDAY_DAYS,
  MAX_CONDITIONS,
  MAX_DEPTH,
  MAX_DURATION,
  MAX_ERRORS,
  MAX_INLINED_CONDITIONS,
  MAX_LIST_ITEMS,
  MAX_NAME_LENGTH,
  MAX_SEGMENT_NESTING,
  MAX_SUGGESTION_WORK,
  MAX_TEXT_LENGTH,
  MAX_TOKENS,
} from './limits';
export {
  normalize,
  toCompileForm,
  type CompileAnd,
  type CompileLeaf,
  type CompileNode,
  type CompileNot,
  type CompileOr,
} from './normalize';
export { renderErrorCodeTable, renderLimitsTable, renderOperatorsByType, renderOperatorTable, renderPeriodTable } from './docs-tables';
export {
  OPERATOR_NAMES,
  OPERATOR_TABLE,
  OPERATORS,
  operatorsFor,
  type OperandType,
  type OperatorName,
  type OperatorSpec,
  type ValueShape,
} from './operators';
export { isPeriodName, PERIOD_NAMES, PERIOD_TABLE, PERIODS, type PeriodName, type PeriodSpec } from './periods';
export { parseText } from './parser';
export { resolveSegmentNames, type SegmentDirectory } from './segment-names';
export { print } from './printer';
export { FilterTransformer } from './transformer';
export type { FilterVisitor, SegmentLookup, ValidationContext, ValidationOptions, ValidationRule } from './validation/validation-context';
export { specifiedRules, validate } from './validator';
export { SuggestionBudget, suggestionList } from './validation/suggestions';
export { eventWarnings } from './validation/event-warnings';
export { MAX_SAMPLED_VALUES, sampledFields, valueWarnings } from './validation/value-warnings';
export { AudienceWarning, WARNING_CODES, type AudienceWarningCode, type AudienceWarningData } from './warnings';
