/**
 * docs/audience-dsl.md embeds tables generated from the code's own data (operators, limits,
 * error codes) and the EBNF of the parser; this test fails when either side changes alone.
 * To refresh a table, paste the "Expected" text of the failure between its markers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ERROR_CODES,
  encodeJson,
  parseText,
  renderErrorCodeTable,
  renderLimitsTable,
  renderOperatorsByType,
  renderOperatorTable,
  renderPeriodTable,
} from '../../src/audience';

const docs = readFileSync(join(__dirname, '../../docs/audience-dsl.md'), 'utf8');

function section(name: string): string {
  const begin = `<!-- generated:${name} -->\n`;
  const end = `\n<!-- /generated:${name} -->`;
  const start = docs.indexOf(begin);
  const stop = docs.indexOf(end, start);
  if (start < 0 || stop < 0) throw new Error(`docs/audience-dsl.md has no generated:${name} section`);
  return docs.slice(start + begin.length, stop);
}

describe('docs/audience-dsl.md', () => {
  test.each([
    ['operators', renderOperatorTable],
    ['operators-by-type', renderOperatorsByType],
    ['periods', renderPeriodTable],
    ['limits', renderLimitsTable],
    ['error-codes', renderErrorCodeTable],
  ])('the %s table matches the code', (name, render) => {
    expect(section(name)).toBe(render());
  });

  test('every error code is documented with an example or explanation', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(docs).toContain(`\`${code}\``);
  });

  test('the text ↔ JSON examples parse to the JSON shown', () => {
    const table = docs.slice(docs.indexOf('### Text ↔ JSON examples'), docs.indexOf('### The printer'));
    const rows = [...table.matchAll(/^\| `(.+)` \| `(.+)` \|$/gm)];
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const [, text, json] of rows) {
      const parsed = parseText(text);
      expect(parsed.ok && encodeJson(parsed.value)).toEqual(JSON.parse(json));
    }
  });

  test('every grammar rule in the parser appears in the EBNF', () => {
    const source = ['parser.ts', 'lexer.ts'].map((file) => readFileSync(join(__dirname, '../../src/audience', file), 'utf8')).join('\n');
    const rules = [...source.matchAll(/(?:\/\*\*|^\s+\*|;) (\w+) :=/gm)].map((match) => match[1]);
    expect(rules.length).toBeGreaterThan(20);
    const ebnf = section('ebnf');
    for (const rule of rules) expect(ebnf).toMatch(new RegExp(`^${rule}\\s+=`, 'm'));
  });
});
