import { jsonProblems, MAX_JSON_DEPTH, textInputProblems, textProblem } from '../../src/domain/storable-text';

function nested(levels: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = i % 2 ? { a: value } : [value];
  return value;
}

describe('storable text', () => {
  test('accepts what PostgreSQL stores, including pairs, controls and noncharacters', () => {
    for (const ok of ['', 'Ana', 'Zoë', '😀', 'a\ud83d\ude00b', 'tab\there', '\u0001\u007f', '\uffff\ufffe', '\ue000', '\ufeff']) {
      expect(textProblem(ok)).toBeUndefined();
    }
  });

  test('refuses NUL and every kind of lone surrogate, saying where', () => {
    expect(textProblem('a\u0000b')).toBe('contains a NUL character (U+0000) at position 1, which cannot be stored; remove it');
    expect(textProblem('a\ud800')).toBe('contains a lone surrogate (U+D800) at position 1, which is not valid Unicode; send well-formed UTF-8 text');
    expect(textProblem('\udc00z')).toBe('contains a lone surrogate (U+DC00) at position 0, which is not valid Unicode; send well-formed UTF-8 text');
    expect(textProblem('\udc00\ud800')).toMatch(/U\+DC00\) at position 0/);
    expect(textProblem('😀\ud800x')).toMatch(/U\+D800\) at position 2/);
    expect(textProblem('ok😀\udbff')).toMatch(/U\+DBFF\) at position 4/);
  });

  test('plain-text inputs report their own path and skip absent values', () => {
    expect(textInputProblems([[['input', 'name'], 'x\u0000'], [['input', 'description'], null], [['input', 'other'], 'fine']])).toEqual([
      { path: ['input', 'name'], message: 'contains a NUL character (U+0000) at position 1, which cannot be stored; remove it' },
    ]);
  });
});

describe('free JSON values', () => {
  test(`nest at most ${MAX_JSON_DEPTH} levels of objects and lists`, () => {
    expect(jsonProblems(nested(MAX_JSON_DEPTH), ['p'])).toEqual([]);
    const [problem, ...rest] = jsonProblems(nested(MAX_JSON_DEPTH + 1), ['p']);
    expect(rest).toEqual([]);
    expect(problem!.message).toBe('nests objects and lists deeper than 32 levels; at most 32 are accepted');
    expect(problem!.path).toHaveLength(1 + MAX_JSON_DEPTH);
    expect(jsonProblems('x', ['p'])).toEqual([]);
    expect(jsonProblems(null, ['p'])).toEqual([]);
  });

  test('a million levels are refused without recursion', () => {
    expect(jsonProblems(nested(1_000_000), [])).toHaveLength(1);
  });

  test('strings and keys anywhere are checked, with the path to them', () => {
    expect(jsonProblems({ ok: 'x', list: [1, 'fine', { deep: ['a\u0000'] }], ['k\ud800']: 1 }, ['events', 2, 'properties'])).toEqual([
      { path: ['events', 2, 'properties', 'list', 2, 'deep', 0], message: expect.stringMatching(/^contains a NUL character \(U\+0000\) at position 1/) },
      { path: ['events', 2, 'properties', 'k\ud800'], message: expect.stringMatching(/^has a key that contains a lone surrogate \(U\+D800\) at position 1/) },
    ]);
  });

  test('report at most ten problems', () => {
    expect(jsonProblems(Array.from({ length: 1000 }, () => '\u0000'), [])).toHaveLength(10);
  });
});
