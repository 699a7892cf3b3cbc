/**
 * Bad input never throws: random text, mangled filters and random JSON all come back as results.
 */
import fc from 'fast-check';
import { decodeEnvelope, decodeJson, parseText, print, validate, type FilterNode } from '../../src/audience';
import { anyFilter, filter } from './support/arbitraries';
import { testCatalog } from './support/test-catalog';

const segments = new Map<string, FilterNode>();

function everyError(result: ReturnType<typeof parseText>): boolean {
  return result.ok || result.errors.every((error) => error.code !== undefined && (error.path !== undefined || error.line! >= 1));
}

describe('robustness', () => {
  test('random text parses to a result', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '(', ')', '"', '\\', '=', '<', '!', '-', '1', '.', 'e', ',', '\n', 'not ', 'and ', 'or ', 'did ', 'in ', 'where ', 'between ', '2026-01-01', 'é', '😀') }), (text) => {
        expect(everyError(parseText(text))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  test('a printed filter with one character deleted, repeated or replaced still parses to a result', () => {
    fc.assert(
      fc.property(filter, fc.nat(), fc.constantFrom('', '(', ')', '"', '\\', ' ', 'x'), (ast, at, replacement) => {
        const text = print(ast);
        const i = text.length === 0 ? 0 : at % text.length;
        const mangled = text.slice(0, i) + replacement + text.slice(i + 1);
        const result = parseText(mangled);
        expect(everyError(result)).toBe(true);
        if (result.ok) validate(result.value, testCatalog, segments);
      }),
      { numRuns: 1000 },
    );
  });

  test('random JSON decodes to a result, and a decoded filter validates to a result', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything()), (json) => {
        for (const result of [decodeJson(json), decodeEnvelope(json), decodeEnvelope({ version: 1, filter: json })]) {
          if (result.ok) expect(validate(result.value, testCatalog, segments).ok).toBeDefined();
          else expect(result.errors.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 1000 },
    );
  });

  test('validating any generated AST gives located errors, never an exception', () => {
    fc.assert(
      fc.property(anyFilter, (ast) => {
        const result = validate(ast, testCatalog, new Map([['s', ast]]));
        if (!result.ok) for (const error of result.errors) expect(error.toJSON().path).toBeDefined();
      }),
      { numRuns: 1000 },
    );
  });
});
