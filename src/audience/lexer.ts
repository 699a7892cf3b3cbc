/**
 * The text-form lexer (graphql-js `language/lexer.ts` style): turns the text into tokens on
 * demand, with lookahead, tracking 1-based line and column (columns count code points).
 * Lexical errors and the token limit are thrown as `AudienceError`s and caught by the parser's
 * entry point, which returns them in a result.
 *
 * @example
 *   const lexer = new Lexer('first_name = "Ann"');
 *   lexer.next(); // { kind: 'name', text: 'first_name', value: 'first_name', start: { line: 1, column: 1 }, ... }
 */
import type { TextOrigin } from './ast';
import { DATE_LITERAL_SHAPE } from './date-literal';
import { AudienceError } from './errors';
import { MAX_TOKENS } from './limits';

export type TokenKind = 'name' | 'string' | 'number' | 'date' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The token as written. */
  readonly text: string;
  /** A string's decoded content, a number's value; otherwise the text. */
  readonly value: string | number;
  readonly start: TextOrigin;
  /** The position just after the token's last character. */
  readonly end: TextOrigin;
}

const PUNCTUATORS = new Set(['(', ')', ',', '=', '!=', '<', '<=', '>', '>=']);
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const DATE_FORMATS = 'YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)';

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isNameStart = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isNamePart = (c: string): boolean => isNameStart(c) || isDigit(c);
const isDatePart = (c: string): boolean => isNamePart(c) || c === ':' || c === '.' || c === '+' || c === '-';

/** `end of input`, `` `and` ``, `"abc"`: how a token is named in messages. */
export function describeToken(token: Token): string {
  if (token.kind === 'eof') return 'end of input';
  const text = token.text.length > 40 ? `${token.text.slice(0, 37)}...` : token.text;
  return token.kind === 'string' ? text : `\`${text}\``;
}

function describeChar(char: string): string {
  const code = char.codePointAt(0)!;
  return code < 0x20 || code === 0x7f ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : `\`${char}\``;
}

export class Lexer {
  private pos = 0;
  private line = 1;
  private column = 1;
  private tokenCount = 0;
  private readonly lookahead: Token[] = [];

  constructor(private readonly source: string) {}

  /** The line and column of a UTF-16 offset, counted the way tokens are. */
  static positionAt(source: string, offset: number): TextOrigin {
    const lexer = new Lexer(source);
    while (lexer.pos < offset && lexer.pos < source.length) lexer.advance();
    return lexer.here();
  }

  /** The token `ahead` places after the next one, without consuming anything. */
  peek(ahead = 0): Token {
    while (this.lookahead.length <= ahead) this.lookahead.push(this.read());
    return this.lookahead[ahead];
  }

  /** Consumes and returns the next token (end of input repeats forever). */
  next(): Token {
    const token = this.peek(0);
    this.lookahead.shift();
    return token;
  }

  private here(): TextOrigin {
    return { line: this.line, column: this.column };
  }

  private char(offset = 0): string {
    return this.source.charAt(this.pos + offset);
  }

  /** Moves past one code point, counting lines (`\n`, `\r\n`, `\r`) and columns. */
  private advance(): void {
    const code = this.source.charCodeAt(this.pos);
    if (code === 0x0a || code === 0x0d) {
      this.pos += code === 0x0d && this.source.charCodeAt(this.pos + 1) === 0x0a ? 2 : 1;
      this.line += 1;
      this.column = 1;
      return;
    }
    const pair = code >= 0xd800 && code <= 0xdbff && (this.source.charCodeAt(this.pos + 1) & 0xfc00) === 0xdc00;
    this.pos += pair ? 2 : 1;
    this.column += 1;
  }

  /**
   * Whitespace and comments. Comment := "--" { any character but a line break } ;
   * (to the end of the line; the printer drops comments).
   */
  private skipIgnored(): void {
    for (;;) {
      const c = this.char();
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\ufeff') this.advance();
      else if (c === '-' && this.char(1) === '-') {
        while (this.pos < this.source.length && this.char() !== '\n' && this.char() !== '\r') this.advance();
      } else return;
    }
  }

  private read(): Token {
    this.skipIgnored();
    const start = this.here();
    const startPos = this.pos;
    if (this.pos >= this.source.length) return { kind: 'eof', text: '', value: '', start, end: start };
    this.tokenCount += 1;
    if (this.tokenCount > MAX_TOKENS) throw AudienceError.tooManyTokens(MAX_TOKENS, start);
    const c = this.char();
    let kind: TokenKind;
    let value: string | number | undefined;
    if (c === '"') {
      kind = 'string';
      value = this.readString(start);
    } else if (isDigit(c) && /^\d{4}-/.test(this.source.slice(this.pos, this.pos + 5))) {
      kind = 'date';
      this.readDate(start, startPos);
    } else if (isDigit(c) || c === '-') {
      kind = 'number';
      value = this.readNumber(start, startPos);
    } else if (isNameStart(c)) {
      kind = 'name';
      this.readName();
    } else {
      kind = 'punct';
      this.readPunctuator(c, start);
    }
    const text = this.source.slice(startPos, this.pos);
    return { kind, text, value: value ?? text, start, end: this.here() };
  }

  private readPunctuator(c: string, start: TextOrigin): void {
    const two = c + this.char(1);
    // At the end of input `two` is `c` alone: it must not be read as a two-character punctuator.
    if (two.length === 2 && PUNCTUATORS.has(two)) {
      this.advance();
      this.advance();
    } else if (PUNCTUATORS.has(c)) {
      this.advance();
    } else if (c === '!') {
      throw AudienceError.syntax('Unexpected character `!`; did you mean `!=`?', start);
    } else if (c === "'") {
      throw AudienceError.syntax("Unexpected character `'`; strings are written in double quotes.", start);
    } else {
      const char = String.fromCodePoint(this.source.codePointAt(this.pos)!);
      throw AudienceError.syntax(`Unexpected character ${describeChar(char)}.`, start);
    }
  }

  /** Name := [A-Za-z_] [A-Za-z0-9_]* ("." [A-Za-z0-9_]+)*, as in `first_name`, `custom.loyalty_tier`. */
  private readName(): void {
    while (isNamePart(this.char())) this.advance();
    while (this.char() === '.') {
      this.advance();
      if (!isNamePart(this.char())) {
        throw AudienceError.syntax('Expected a name part after `.`, as in `custom.loyalty_tier`.', this.here());
      }
      while (isNamePart(this.char())) this.advance();
    }
  }

  /** String := `"` (any character except `"`, `\` and control characters | Escape)* `"`, JSON escapes. */
  private readString(start: TextOrigin): string {
    this.advance();
    let value = '';
    let chunkStart = this.pos;
    for (;;) {
      const c = this.char();
      if (c === '"') break;
      if (this.pos >= this.source.length || c === '\n' || c === '\r') {
        throw AudienceError.syntax('Unterminated string; close it with `"` on the same line.', start);
      }
      if (c === '\\') {
        value += this.source.slice(chunkStart, this.pos);
        value += this.readEscape();
        chunkStart = this.pos;
      } else if (c.charCodeAt(0) < 0x20) {
        throw AudienceError.syntax(
          `Invalid character ${describeChar(c)} in a string; write it as an escape such as \`\\t\` or \`\\u0009\`.`,
          this.here(),
        );
      } else {
        this.advance();
      }
    }
    value += this.source.slice(chunkStart, this.pos);
    this.advance();
    return value;
  }

  private readEscape(): string {
    const at = this.here();
    const c = this.char(1);
    if (Object.prototype.hasOwnProperty.call(ESCAPES, c)) {
      this.advance();
      this.advance();
      return ESCAPES[c];
    }
    const hex = this.source.slice(this.pos + 2, this.pos + 6);
    if (c === 'u' && /^[0-9a-fA-F]{4}$/.test(hex)) {
      for (let i = 0; i < 6; i++) this.advance();
      return String.fromCharCode(parseInt(hex, 16));
    }
    throw AudienceError.syntax(
      'Invalid escape in a string; use `\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` or `\\uXXXX`.',
      at,
    );
  }

  /** Number := `-`? (`0` | [1-9][0-9]*) (`.` [0-9]+)? ([eE] [+-]? [0-9]+)?, as in JSON. */
  private readNumber(start: TextOrigin, startPos: number): number {
    if (this.char() === '-') this.advance();
    if (!isDigit(this.char())) throw AudienceError.syntax('Unexpected character `-`; expected a number.', start);
    if (this.char() === '0') {
      this.advance();
      if (isDigit(this.char())) throw AudienceError.syntax('Invalid number: a number cannot start with `0`.', start);
    } else {
      this.readDigits();
    }
    if (this.char() === '.') {
      this.advance();
      this.expectDigits('Expected a digit after the decimal point.');
    }
    if (this.char() === 'e' || this.char() === 'E') {
      this.advance();
      if (this.char() === '+' || this.char() === '-') this.advance();
      this.expectDigits('Expected a digit in the exponent.');
    }
    const next = this.char();
    if (isNamePart(next) || next === '.' || next === '-' || next === '+') {
      throw AudienceError.syntax(
        `Unexpected character ${describeChar(next)} after the number \`${this.source.slice(startPos, this.pos)}\`; separate words with spaces.`,
        this.here(),
      );
    }
    const value = Number(this.source.slice(startPos, this.pos));
    if (!Number.isFinite(value)) throw AudienceError.syntax('The number is out of range.', start);
    return value;
  }

  private readDigits(): void {
    while (isDigit(this.char())) this.advance();
  }

  private expectDigits(message: string): void {
    if (!isDigit(this.char())) throw AudienceError.syntax(message, this.here());
    this.readDigits();
  }

  /** Date := `YYYY-MM-DD` | `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)`, written without quotes. */
  private readDate(start: TextOrigin, startPos: number): void {
    while (isDatePart(this.char())) this.advance();
    const text = this.source.slice(startPos, this.pos);
    if (!DATE_LITERAL_SHAPE.test(text)) {
      throw AudienceError.syntax(`Invalid date \`${text}\`; write dates as ${DATE_FORMATS}.`, start);
    }
  }
}
