/**
 * Renders the tables of `docs/audience-dsl.md` from the data the code reads (operators, periods,
 * limits, error codes), so the docs cannot drift: a test compares them with the file.
 *
 * @example
 *   renderOperatorTable().split('\n')[2]
 *   // '| `eq` | `=` | string, number, boolean, enum, event property | scalar | `neq` | no match | Equals the value exactly. |'
 */
import { ERROR_CODES } from './errors';
import * as limits from './limits';
import { OPERATOR_TABLE, operatorsFor, type OperandType } from './operators';
import { PERIOD_TABLE } from './periods';

const OPERAND_NAMES: Readonly<Record<OperandType, string>> = {
  string: 'string',
  number: 'number',
  boolean: 'boolean',
  datetime: 'datetime',
  enum: 'enum',
  birthday: 'birthday',
  event_property: 'event property',
};

/** One row per operator: name, text spelling, operand types, value shape, negation, missing value. */
export function renderOperatorTable(): string {
  const rows = OPERATOR_TABLE.map((spec) =>
    [
      `\`${spec.name}\``,
      `\`${spec.text}${spec.textAfter ? ` N unit ${spec.textAfter}` : ''}\``,
      spec.appliesTo.map((type) => OPERAND_NAMES[type]).join(', '),
      spec.valueShape,
      spec.negation ? `\`${spec.negation}\`` : '—',
      spec.matchesMissing ? 'match' : 'no match',
      spec.description,
    ].join(' | '),
  );
  return [
    '| Operator | Text | Applies to | Value | Negation | Missing value | Description |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}

/** One row per calendar period: text, JSON name, meaning. */
export function renderPeriodTable(): string {
  return [
    '| Text | JSON | Meaning |',
    '|---|---|---|',
    ...PERIOD_TABLE.map((spec) => `| \`${spec.words.join(' ')}\` | \`"${spec.name}"\` | ${spec.description} |`),
  ].join('\n');
}

/** One row per operand type: the operators it accepts, in table order. */
export function renderOperatorsByType(): string {
  const types = Object.keys(OPERAND_NAMES) as OperandType[];
  return [
    '| Type | Operators |',
    '|---|---|',
    ...types.map((type) => `| ${OPERAND_NAMES[type]} | ${operatorsFor(type).map((op) => `\`${op}\``).join(' ')} |`),
  ].join('\n');
}

/** One row per limit constant. */
export function renderLimitsTable(): string {
  const rows: [string, string][] = [
    ['MAX_TEXT_LENGTH', 'characters (UTF-16 code units) of text'],
    ['MAX_TOKENS', 'tokens of text'],
    ['MAX_DEPTH', 'and/or/not nodes on a path from the root to a leaf; also open parentheses in text'],
    ['MAX_LIST_ITEMS', 'values in one list'],
    ['MAX_CONDITIONS', 'field, event, segment and event property conditions in one filter'],
    ['MAX_SEGMENT_NESTING', 'segments in a chain of references'],
    ['MAX_INLINED_CONDITIONS', 'conditions once segment references are inlined'],
    ['MAX_BIRTHDAY_DAYS', 'days in `birthday within next N days`'],
    ['MAX_NAME_LENGTH', 'characters of a field name, event type, property name or segment id in the JSON form'],
    ['MAX_SUGGESTION_WORK', 'units of "did you mean" work per validation (edit-distance cells and characters compared)'],
  ];
  const duration = Object.entries(limits.MAX_DURATION)
    .map(([unit, max]) => `${max.toLocaleString('en-US')} ${unit}s`)
    .join(', ');
  return [
    '| Limit | Value | Counts |',
    '|---|---|---|',
    ...rows.map(([name, counts]) => {
      const value = limits[name as keyof typeof limits] as number;
      return `| \`${name}\` | ${value.toLocaleString('en-US')} | ${counts} |`;
    }),
    `| \`MAX_DURATION\` | ${duration} | the largest duration amount per unit (about 100 years) |`,
  ].join('\n');
}

/** One row per error code. */
export function renderErrorCodeTable(): string {
  return ['| Code | Meaning |', '|---|---|', ...Object.entries(ERROR_CODES).map(([code, meaning]) => `| \`${code}\` | ${meaning} |`)].join(
    '\n',
  );
}
