/**
 * The text-form parser: hand-written recursive descent (graphql-js `language/parser.ts` style),
 * with the grammar rule in each method's comment. Limits are enforced while parsing; recursion
 * only happens through parentheses, whose nesting is bounded by `MAX_DEPTH`.
 *
 * @example
 *   parseText('first_name is set or last_name is not set');
 *   // { ok: true, value: { kind: 'or', children: [...], origin: { line: 1, column: 1 } } }
 */
import type {
  ConditionNode,
  CountOp,
  Duration,
  EventAggregate,
  EventCount,
  EventNode,
  EventWindow,
  FilterNode,
  PropertyCondition,
  SegmentNode,
  SnapshotNode,
  TextOrigin,
  Value,
  WhereNode,
} from './ast';
import { AudienceError, failure, success, type Result } from './errors';
import { suggestionList } from './validation/suggestions';
import { describeToken, Lexer, type Token } from './lexer';
import { MAX_CONDITIONS, MAX_DEPTH, MAX_LIST_ITEMS, MAX_TEXT_LENGTH } from './limits';
import { OPERATORS, type OperatorName } from './operators';
import { PERIOD_SPELLINGS, type PeriodName } from './periods';
import { AGGREGATE_COMPARISONS, AGGREGATE_PHRASES, COUNT_PHRASES, OPERATOR_PHRASES, OPERATOR_SPELLINGS, OPERATOR_WORDINGS, PERIOD_PHRASES, printEventType, UNIT_WORDS, type Phrase } from './text-syntax';

/** What may follow `is`: the `is …` operators' words, then the periods. */
const IS_CONTINUATIONS = [
  ...OPERATOR_PHRASES.filter((phrase) => phrase.words[0] === 'is' && phrase.words.length > 1).map((phrase) => `\`${phrase.words.slice(1).join(' ')}\``),
  PERIOD_SPELLINGS,
].join(', ');

const VALUE_HINT = 'Values are "double-quoted strings", numbers, dates such as 2026-01-31, true or false.';

/**
 * Parses a text filter into an AST, or returns the first error, located by line and column.
 *
 * @example
 *   parseText('email_status = ');
 *   // { ok: false, errors: [AudienceError { code: 'SYNTAX_ERROR', line: 1, column: 15, ... }] }
 */
export function parseText(text: string): Result<FilterNode> {
  if (typeof text !== 'string') {
    return failure([AudienceError.syntax('Expected the filter text to be a string.', { line: 1, column: 1 })]);
  }
  if (text.length > MAX_TEXT_LENGTH) {
    return failure([AudienceError.textTooLong(MAX_TEXT_LENGTH, Lexer.positionAt(text, MAX_TEXT_LENGTH))]);
  }
  try {
    return success(new Parser(text).parseDocument());
  } catch (error) {
    if (error instanceof AudienceError) return failure([error]);
    throw error;
  }
}

/** The inside of `where ( … )` or of a group in it: an and-chain's items, or one `or` node. */
type WhereBody = { kind: 'list'; items: WhereNode[]; start: TextOrigin } | { kind: 'node'; node: WhereNode };

class Parser {
  private readonly lexer: Lexer;
  private last: Token | undefined;
  private parenDepth = 0;
  private conditions = 0;
  private readonly depths = new Map<FilterNode, number>();
  private readonly whereDepths = new Map<WhereNode, number>();

  constructor(source: string) {
    this.lexer = new Lexer(source);
  }

  /** Document := OrExpr EOF */
  parseDocument(): FilterNode {
    const node = this.parseOr();
    if (this.peek().kind !== 'eof') throw this.unexpected('`and`, `or` or the end of the filter');
    return node;
  }

  /**
   * OrExpr := AndExpr ("or" AndExpr)*
   *
   * A chain is one n-ary node: `a or b or c` is `{or: [a, b, c]}`.
   */
  private parseOr(): FilterNode {
    const start = this.peek().start;
    const first = this.parseAnd();
    if (!this.isKeyword(this.peek(), 'or')) return first;
    const children = [first];
    while (this.isKeyword(this.peek(), 'or')) {
      this.advance();
      children.push(this.parseAnd());
    }
    return this.compound({ kind: 'or', children, origin: start });
  }

  /** AndExpr := NotExpr ("and" NotExpr)* */
  private parseAnd(): FilterNode {
    const start = this.peek().start;
    const first = this.parseNot();
    if (!this.isKeyword(this.peek(), 'and')) return first;
    const children = [first];
    while (this.isKeyword(this.peek(), 'and')) {
      this.advance();
      children.push(this.parseNot());
    }
    return this.compound({ kind: 'and', children, origin: start });
  }

  /**
   * NotExpr := "not"* Primary
   *
   * `not` binds tighter than `and`: `not a = 1 and b = 2` is `{and: [{not: a = 1}, b = 2]}`.
   */
  private parseNot(): FilterNode {
    const nots: TextOrigin[] = [];
    while (this.isKeyword(this.peek(), 'not')) nots.push(this.advance().start);
    let node = this.parsePrimary();
    for (let i = nots.length - 1; i >= 0; i--) node = this.compound({ kind: 'not', child: node, origin: nots[i] });
    return node;
  }

  /** Primary := Group | SegmentRef | SnapshotRef | EventCondition | FieldCondition */
  private parsePrimary(): FilterNode {
    const token = this.peek();
    if (this.isPunct(token, '(')) return this.parseGroup();
    if (this.isKeyword(token, 'did')) return this.parseEvent();
    if (this.isKeyword(token, 'in') && this.isKeyword(this.peek(1), 'segment')) return this.parseSegmentRef();
    if (this.isKeyword(token, 'in') && this.isKeyword(this.peek(1), 'snapshot')) return this.parseSnapshotRef();
    if (token.kind === 'string' || (token.kind === 'name' && !this.isKeyword(token, 'and') && !this.isKeyword(token, 'or'))) {
      return this.parseFieldCondition();
    }
    throw this.unexpected('a condition');
  }

  /**
   * Group := "(" OrExpr ")"
   *
   * A group is a node of its own (`a and (b and c)` keeps the inner `and`); `(a = 1)` is `a = 1`.
   */
  private parseGroup(): FilterNode {
    const open = this.advance().start;
    if (++this.parenDepth > MAX_DEPTH) throw AudienceError.parenthesesTooDeep(MAX_DEPTH, open);
    const node = this.parseOr();
    if (!this.isPunct(this.peek(), ')')) {
      throw this.unexpected(`\`and\`, \`or\` or \`)\` to close the \`(\` at line ${open.line}, column ${open.column}`);
    }
    this.advance();
    this.parenDepth -= 1;
    return node;
  }

  /** SegmentRef := "in" "segment" String, as in `in segment "seg_vip"`. */
  private parseSegmentRef(): SegmentNode {
    const start = this.advance().start;
    this.advance();
    const id = this.peek();
    if (id.kind !== 'string') throw this.unexpected('a segment id in double quotes after `segment`, as in "seg_vip"');
    this.advance();
    return this.leaf<SegmentNode>({ kind: 'segment', id: id.value as string, origin: start });
  }

  /** SnapshotRef := "in" "snapshot" String, as in `in snapshot "snap_3f2a9c01d4e5b6a7"`. */
  private parseSnapshotRef(): SnapshotNode {
    const start = this.advance().start;
    this.advance();
    const id = this.peek();
    if (id.kind !== 'string') throw this.unexpected('a snapshot id in double quotes after `snapshot`, as in "snap_3f2a9c01d4e5b6a7"');
    this.advance();
    return this.leaf<SnapshotNode>({ kind: 'snapshot', id: id.value as string, origin: start });
  }

  /**
   * EventCondition := "did" "not"? EventType Count? Window? Where? Aggregate?
   * EventType := Name | String
   *
   * `did not purchase` is count `eq 0` and takes no Count; an Aggregate takes neither.
   *
   * @example did purchase at least 2 times within last 90 days where (total > 50)
   * @example did purchase within last 1 year with sum(total) > 500
   */
  private parseEvent(): EventNode {
    const start = this.advance().start;
    this.countCondition(start);
    const negated = this.isKeyword(this.peek(), 'not');
    if (negated) this.advance();
    const type = this.peek();
    if (type.kind !== 'name' && type.kind !== 'string') {
      throw this.unexpected(`an event type after ${describeToken(this.last!)}`);
    }
    this.advance();
    let count: EventCount | undefined = negated ? { op: 'eq', value: 0 } : undefined;
    const countStart = this.peek();
    const countOp = this.matchPhrase(COUNT_PHRASES);
    if (countOp !== undefined) {
      if (negated) {
        const name = printEventType(type.value as string);
        throw AudienceError.syntax(
          `\`did not ${name}\` already means zero times and takes no count; write \`did ${name} fewer than N times\` or \`not did ${name} at least N times\`.`,
          countStart.start,
        );
      }
      count = this.parseCount(countOp);
    } else if (this.peek().kind === 'number') {
      throw this.bareCount(printEventType(type.value as string), negated);
    }
    const window = this.parseWindow();
    const where = this.isKeyword(this.peek(), 'where') ? this.parseWhere() : undefined;
    let aggregate: EventAggregate | undefined;
    if (this.isKeyword(this.peek(), 'with')) {
      const name = printEventType(type.value as string);
      if (count) {
        throw AudienceError.syntax(
          negated
            ? `\`with\` compares an aggregate of the events, which \`did not ${name}\` does not have; write \`not did ${name} … with …\` for the complement.`
            : `An event condition takes a count or \`with\` an aggregate, not both; write two conditions joined by \`and\`.`,
          this.peek().start,
        );
      }
      aggregate = this.parseAggregate();
    }
    return {
      kind: 'event',
      event: type.value as string,
      ...(count && { count }),
      ...(window && { window }),
      ...(where && { where }),
      ...(aggregate && { aggregate }),
      origin: start,
    };
  }

  /**
   * Aggregate := "with" Function "(" PropertyName ")" Comparison Number
   * Function := "sum" | "avg" | "min" | "max" | "count" "distinct" ; Comparison := "=" | ">" | ">=" | "<" | "<="
   *
   * @example with count distinct(category) >= 3
   */
  private parseAggregate(): EventAggregate {
    this.advance();
    const fn = this.matchPhrase(AGGREGATE_PHRASES);
    if (fn === undefined) {
      throw this.unexpected('an aggregate after `with`', 'Write `sum(…)`, `avg(…)`, `min(…)`, `max(…)` or `count distinct(…)`, as in `with sum(total) > 500`.');
    }
    if (!this.isPunct(this.peek(), '(')) throw this.unexpected(`\`(\` after ${describeToken(this.last!)}`, 'Name the event property in parentheses, as in `sum(total)`.');
    this.advance();
    const name = this.peek();
    if (name.kind !== 'name' && name.kind !== 'string') throw this.unexpected('an event property name');
    this.advance();
    if (!this.isPunct(this.peek(), ')')) throw this.unexpected(`\`)\` after ${describeToken(this.last!)}`);
    this.advance();
    const op = this.matchPhrase(AGGREGATE_COMPARISONS);
    if (op === undefined) throw this.unexpected(`a comparison after ${describeToken(this.last!)}`, 'Write `=`, `>`, `>=`, `<` or `<=` and a number, as in `sum(total) > 500`.');
    const value = this.expectNumber(`a number after ${describeToken(this.last!)}`);
    return { function: fn, property: name.value as string, op, value };
  }

  /** `did purchase 0 times`: a number without a count word; the message says what to write instead. */
  private bareCount(name: string, negated: boolean): AudienceError {
    const token = this.peek();
    if (negated) {
      return AudienceError.syntax(
        `\`did not ${name}\` already means zero times and takes no count; write \`did ${name} fewer than N times\` or \`not did ${name} at least N times\`.`,
        token.start,
      );
    }
    const n = token.text;
    const hint =
      token.value === 0
        ? `write \`did ${name} exactly 0 times\` or \`did not ${name}\``
        : `write \`exactly ${n} times\`, \`at least ${n} times\`, \`at most ${n} times\`, \`more than ${n} times\` or \`fewer than ${n} times\``;
    return AudienceError.syntax(`\`did ${name} ${n} times\` needs a count word before the number: ${hint}.`, token.start);
  }

  /** Count := ("at least" | "more than" | "at most" | "fewer than" | "exactly") Number ("time" | "times") */
  private parseCount(op: CountOp): EventCount {
    const value = this.expectNumber(`a number of times after ${describeToken(this.last!)}`);
    if (!this.isKeyword(this.peek(), 'times') && !this.isKeyword(this.peek(), 'time')) {
      throw this.unexpected(`\`times\` after ${describeToken(this.last!)}`);
    }
    this.advance();
    return { op, value };
  }

  /** Window := "within" "last" Duration | "between" DateValue "and" DateValue | Period */
  private parseWindow(): EventWindow | undefined {
    const period = this.matchPhrase(PERIOD_PHRASES);
    if (period !== undefined) return { kind: 'period', period };
    if (this.isKeyword(this.peek(), 'within')) {
      this.advance();
      this.expectKeyword('last');
      return { kind: 'within_last', duration: this.parseDuration() };
    }
    if (this.isKeyword(this.peek(), 'between')) {
      this.advance();
      const from = this.parseDateValue();
      this.expectKeyword('and');
      return { kind: 'between', from, to: this.parseDateValue() };
    }
    return undefined;
  }

  /** DateValue := Date | String */
  private parseDateValue(): string {
    const token = this.peek();
    if (token.kind !== 'date' && token.kind !== 'string') {
      throw this.unexpected(`a date after ${describeToken(this.last!)}`, 'Dates are written as 2026-01-31 or 2026-01-31T12:00:00Z.');
    }
    this.advance();
    return token.value as string;
  }

  /**
   * Where := "where" "(" WhereBody ")"
   * WhereBody := WhereAnd ("or" WhereAnd)*
   * WhereAnd := WhereNot ("and" WhereNot)*
   * WhereNot := "not"* WherePrimary
   * WherePrimary := "(" WhereBody ")" | PropertyCondition
   *
   * `where` holds a list joined by `and`: `where (a and b)` is `[a, b]`, `where (a or b)` is
   * `[{or: [a, b]}]`, and a group is a node of its own, as outside (`where ((a and b))` is
   * `[{and: [a, b]}]`). `not` binds tighter than `and`, `and` tighter than `or`.
   *
   * @example did purchase where (total > 50 and not (category = "shoes" or category = "bags"))
   */
  private parseWhere(): WhereNode[] {
    this.advance();
    if (!this.isPunct(this.peek(), '(')) {
      throw this.unexpected('`(` after `where`', 'Property conditions are written in parentheses, as in `where (total > 50)`.');
    }
    const open = this.advance().start;
    const body = this.parseWhereBody(open);
    return body.kind === 'list' ? body.items : [body.node];
  }

  /** WhereBody, up to and including its closing `)`. */
  private parseWhereBody(open: TextOrigin): WhereBody {
    const start = this.peek().start;
    const first = this.parseWhereAnd();
    let result: WhereBody;
    if (!this.isKeyword(this.peek(), 'or')) result = { kind: 'list', items: first, start };
    else {
      const children = [this.andOf(first, start)];
      while (this.isKeyword(this.peek(), 'or')) {
        this.advance();
        const at = this.peek().start;
        children.push(this.andOf(this.parseWhereAnd(), at));
      }
      result = { kind: 'node', node: this.whereCompound({ kind: 'or', children, origin: start }) };
    }
    if (!this.isPunct(this.peek(), ')')) {
      throw this.unexpected(`\`and\`, \`or\` or \`)\` to close the \`(\` at line ${open.line}, column ${open.column}`);
    }
    this.advance();
    return result;
  }

  /** WhereAnd, as the list of its items. */
  private parseWhereAnd(): WhereNode[] {
    const items = [this.parseWhereNot()];
    while (this.isKeyword(this.peek(), 'and')) {
      this.advance();
      items.push(this.parseWhereNot());
    }
    return items;
  }

  private parseWhereNot(): WhereNode {
    const nots: TextOrigin[] = [];
    while (this.isKeyword(this.peek(), 'not')) nots.push(this.advance().start);
    let node = this.parseWherePrimary();
    for (let i = nots.length - 1; i >= 0; i--) node = this.whereCompound({ kind: 'not', child: node, origin: nots[i] });
    return node;
  }

  private parseWherePrimary(): WhereNode {
    if (!this.isPunct(this.peek(), '(')) return this.parsePropertyCondition();
    const open = this.advance().start;
    if (++this.parenDepth > MAX_DEPTH) throw AudienceError.parenthesesTooDeep(MAX_DEPTH, open);
    const body = this.parseWhereBody(open);
    this.parenDepth -= 1;
    return body.kind === 'node' ? body.node : this.andOf(body.items, body.start);
  }

  /** One item as itself, two or more as an `and` node. */
  private andOf(items: WhereNode[], origin: TextOrigin): WhereNode {
    return items.length === 1 ? items[0] : this.whereCompound({ kind: 'and', children: items, origin });
  }

  private whereCompound(node: WhereNode): WhereNode {
    const children = node.kind === 'not' ? [node.child] : node.kind === 'and' || node.kind === 'or' ? node.children : [];
    const depth = 1 + Math.max(...children.map((child) => this.whereDepths.get(child) ?? 0));
    if (depth > MAX_DEPTH) throw AudienceError.tooDeep(MAX_DEPTH, node.origin as TextOrigin);
    this.whereDepths.set(node, depth);
    return node;
  }

  /** PropertyCondition := PropertyName Operation ; PropertyName := Name | String */
  private parsePropertyCondition(): PropertyCondition {
    const name = this.peek();
    if (this.isKeyword(name, 'and') || this.isKeyword(name, 'or')) {
      throw this.unexpected('an event property name', 'A property named `and`, `or` or `not` is written in double quotes.');
    }
    if (name.kind !== 'name' && name.kind !== 'string') throw this.unexpected('an event property name');
    this.advance();
    this.countCondition(name.start);
    const operation = this.parseOperation(name);
    return { kind: 'property', property: name.value as string, ...operation, origin: name.start };
  }

  /** FieldCondition := FieldName Operation ; FieldName := Name | String */
  private parseFieldCondition(): ConditionNode {
    const name = this.advance();
    const operation = this.parseOperation(name);
    return this.leaf<ConditionNode>({ kind: 'condition', field: name.value as string, ...operation, origin: name.start });
  }

  /**
   * Operation := OperatorPhrase OperatorValue
   * OperatorPhrase := "=" | "!=" | "<" | "<=" | ">" | ">=" | "between" | "in" | "not" "in" | "contains"
   *   | "not" "contains" | "starts" "with" | "ends" "with" | "is" "set" | "is" "not" "set" | "before"
   *   | "after" | "on" | "is" | "within" "last" | "more" "than" | "within" "next"
   * OperatorValue, by the operator's value shape:
   *   none: (nothing)   scalar, date: Scalar   list: List   range: ListItem "and" ListItem   period: Period
   *   duration: Duration, then "ago" after "more than"
   */
  private parseOperation(subject: Token): { op: OperatorName; value?: Value } {
    const phrase = this.phraseAhead(OPERATOR_PHRASES);
    // A bare `is` matches the period operator; `is sett` is then a typo, not a missing period.
    if (!phrase || (phrase.value === 'in_period' && !this.startsPeriod(this.peek(phrase.words.length)))) {
      const typo = this.operatorTypo();
      if (typo) throw AudienceError.syntax(`Unknown operator \`${typo.written}\` after ${describeToken(subject)}; did you mean \`${typo.meant}\`?`, typo.at);
      if (!phrase) throw this.unexpected(`an operator after ${describeToken(subject)}`, `Operators are ${OPERATOR_SPELLINGS}.`);
    }
    phrase.words.forEach(() => this.advance());
    const op = phrase.value;
    const spec = OPERATORS[op];
    const after = `after ${describeToken(this.last!)}`;
    switch (spec.valueShape) {
      case 'none':
        return { op };
      case 'scalar':
        return { op, value: this.parseScalar(after) };
      case 'date':
        if (this.startsPeriod(this.peek())) {
          throw this.unexpected(`a date ${after}`, `For the period holding asOf, write \`is ${this.peek().text.toLowerCase() === 'this' ? 'this month' : this.peek().text.toLowerCase()}\`.`);
        }
        return { op, value: this.parseScalar(after) };
      case 'period':
        return { op, value: this.parsePeriod(after) };
      case 'list':
        return { op, value: this.parseList(after) };
      case 'range': {
        const low = this.parseListItem(after);
        this.expectKeyword('and');
        return { op, value: [low, this.parseListItem(`after ${describeToken(this.last!)}`)] };
      }
      case 'duration': {
        const value = this.parseDuration();
        if (spec.textAfter) this.expectKeyword(spec.textAfter);
        return { op, value };
      }
    }
  }

  /**
   * A misspelt operator ahead (`is sett`, `isnt set`, `is not sett`, `contians`): the operator
   * phrase nearest to the next one to three words, longest first, by the bounded suggestions.
   * Read without consuming; only consulted when no operator matches as written.
   */
  private operatorTypo(): { written: string; meant: string; at: TextOrigin } | undefined {
    for (let n = 3; n >= 1; n--) {
      const tokens = Array.from({ length: n }, (_, i) => this.peek(i));
      if (tokens.some((token) => token.kind !== 'name' && token.kind !== 'punct')) continue;
      const written = tokens.map((token) => token.text.toLowerCase()).join(' ');
      // `is` in `is tomorrow` is a real start: the mistake is after it, where the message already points.
      if (OPERATOR_WORDINGS.some((wording) => wording === written || wording.startsWith(`${written} `))) continue;
      const options = OPERATOR_WORDINGS.filter((wording) => wording.split(' ').length <= n + 1 && wording !== written);
      const [meant] = suggestionList(written, options).filter((option) => looksLikeTypo(written, option));
      if (meant) return { written: tokens.map((token) => token.text).join(' '), meant, at: tokens[0].start };
    }
    return undefined;
  }

  /** Period := "today" | "yesterday" | "this" "month" */
  private parsePeriod(context: string): PeriodName {
    const period = this.matchPhrase(PERIOD_PHRASES);
    if (period === undefined) {
      throw this.unexpected(`${PERIOD_SPELLINGS} ${context}`, `After \`is\` come ${IS_CONTINUATIONS}.`);
    }
    return period;
  }

  private startsPeriod(token: Token): boolean {
    return PERIOD_PHRASES.some((phrase) => this.isKeyword(token, phrase.words[0]));
  }

  /** Scalar := String | Number | Date | "true" | "false" */
  private parseScalar(context: string): string | number | boolean {
    const token = this.peek();
    if (this.isKeyword(token, 'true') || this.isKeyword(token, 'false')) {
      this.advance();
      return this.isKeyword(token, 'true');
    }
    return this.parseListItem(context);
  }

  /** ListItem := String | Number | Date */
  private parseListItem(context: string): string | number {
    const token = this.peek();
    if (token.kind !== 'string' && token.kind !== 'number' && token.kind !== 'date') {
      throw this.unexpected(`a value ${context}`, VALUE_HINT);
    }
    this.advance();
    return token.value;
  }

  /** List := "(" ListItem ("," ListItem)* ")" */
  private parseList(context: string): (string | number)[] {
    if (!this.isPunct(this.peek(), '(')) throw this.unexpected(`\`(\` ${context}`, 'Lists are written as ("a", "b").');
    this.advance();
    if (this.isPunct(this.peek(), ')')) {
      throw AudienceError.syntax('Expected a value, found `)`; a list needs at least one value.', this.peek().start);
    }
    const items: (string | number)[] = [];
    for (;;) {
      const at = this.peek().start;
      items.push(this.parseListItem(items.length === 0 ? 'after `(`' : 'after `,`'));
      if (items.length > MAX_LIST_ITEMS) throw AudienceError.listTooLong(MAX_LIST_ITEMS, at);
      if (this.isPunct(this.peek(), ')')) break;
      if (!this.isPunct(this.peek(), ',')) throw this.unexpected('`,` or `)` in the list');
      this.advance();
    }
    this.advance();
    return items;
  }

  /** Duration := Number Unit ; Unit := "minute" | "minutes" | "hour" | "hours" | "day" | "days" | "week" | "weeks" | "month" | "months" | "year" | "years" */
  private parseDuration(): Duration {
    const amount = this.expectNumber(`a number after ${describeToken(this.last!)}`);
    const word = this.peek().kind === 'name' ? this.peek().text.toLowerCase() : '';
    const unit = Object.prototype.hasOwnProperty.call(UNIT_WORDS, word) ? UNIT_WORDS[word] : undefined;
    if (unit === undefined) {
      throw this.unexpected(`a time unit after ${describeToken(this.last!)}`, 'Units are minutes, hours, days, weeks, months and years.');
    }
    this.advance();
    return { amount, unit };
  }

  // ---- helpers ----

  private compound(node: FilterNode): FilterNode {
    const children = node.kind === 'not' ? [node.child] : node.kind === 'and' || node.kind === 'or' ? node.children : [];
    const depth = 1 + Math.max(...children.map((child) => this.depths.get(child) ?? 0));
    if (depth > MAX_DEPTH) throw AudienceError.tooDeep(MAX_DEPTH, node.origin as TextOrigin);
    this.depths.set(node, depth);
    return node;
  }

  private leaf<T extends FilterNode>(node: T): T {
    this.countCondition(node.origin as TextOrigin);
    return node;
  }

  private countCondition(at: TextOrigin): void {
    this.conditions += 1;
    if (this.conditions > MAX_CONDITIONS) throw AudienceError.tooManyConditions(MAX_CONDITIONS, at);
  }

  private peek(ahead = 0): Token {
    return this.lexer.peek(ahead);
  }

  private advance(): Token {
    this.last = this.lexer.next();
    return this.last;
  }

  private isKeyword(token: Token, word: string): boolean {
    return token.kind === 'name' && token.text.toLowerCase() === word;
  }

  private isPunct(token: Token, symbol: string): boolean {
    return token.kind === 'punct' && token.text === symbol;
  }

  /** Consumes the first phrase whose words all match the next tokens (keywords ignore case). */
  private matchPhrase<T>(phrases: readonly Phrase<T>[]): T | undefined {
    const phrase = this.phraseAhead(phrases);
    phrase?.words.forEach(() => this.advance());
    return phrase?.value;
  }

  /** The first phrase whose words all match the next tokens, without consuming them. */
  private phraseAhead<T>(phrases: readonly Phrase<T>[]): Phrase<T> | undefined {
    return phrases.find((phrase) =>
      phrase.words.every((word, i) => {
        const token = this.peek(i);
        return this.isPunct(token, word) || this.isKeyword(token, word);
      }),
    );
  }

  private expectKeyword(word: string): void {
    if (!this.isKeyword(this.peek(), word)) throw this.unexpected(`\`${word}\` after ${describeToken(this.last!)}`);
    this.advance();
  }

  private expectNumber(expected: string): number {
    const token = this.peek();
    if (token.kind !== 'number') throw this.unexpected(expected);
    this.advance();
    return token.value as number;
  }

  /** "Expected X, found Y." at the unexpected token, or just after the last token at the end of input. */
  private unexpected(expected: string, hint?: string): AudienceError {
    const token = this.peek();
    const at = token.kind === 'eof' && this.last ? this.last.end : token.start;
    return AudienceError.syntax(`Expected ${expected}, found ${describeToken(token)}.${hint ? ` ${hint}` : ''}`, at);
  }
}

/** A typo, not another word: the suggestion shares the first letter and is at most two edits away. */
function looksLikeTypo(written: string, option: string): boolean {
  return written[0] === option[0] && Math.abs(written.length - option.length) <= 2;
}
