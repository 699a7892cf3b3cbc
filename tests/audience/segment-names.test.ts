/**
 * resolveSegmentNames: names become ids, ids stay, unknown names get "did you mean" over the
 * namespace's names, and an id that is also another segment's name is ambiguous.
 */
import { resolveSegmentNames, type SegmentDirectory } from '../../src/audience';
import { errorsOf, parse, unwrap } from './support/helpers';

const SEGMENTS = [
  { id: 'seg_aaaa', name: 'Holdout 10%' },
  { id: 'seg_bbbb', name: 'VIP buyers' },
  { id: 'seg_cccc', name: 'seg_aaaa' },
];

const directory: SegmentDirectory = {
  find: (ref) => ({
    byId: SEGMENTS.find((s) => s.id === ref)?.id,
    byName: SEGMENTS.find((s) => s.name.toLowerCase() === ref.toLowerCase())?.id,
  }),
  names: () => SEGMENTS.map((s) => s.name),
};

describe('segment references by name', () => {
  test('a name becomes the id, an id stays, the rest of the filter is untouched', () => {
    expect(unwrap(resolveSegmentNames(parse('in segment "holdout 10%" and not in segment "seg_bbbb" and a = 1'), directory))).toEqual({
      kind: 'and',
      origin: { line: 1, column: 1 },
      children: [
        { kind: 'segment', id: 'seg_aaaa', origin: { line: 1, column: 1 } },
        { kind: 'not', origin: { line: 1, column: 30 }, child: { kind: 'segment', id: 'seg_bbbb', origin: { line: 1, column: 34 } } },
        { kind: 'condition', field: 'a', op: 'eq', value: 1, origin: { line: 1, column: 60 } },
      ],
    });
  });

  test('unknown names are reported each, with did you mean; an id that is another segment\'s name is ambiguous', () => {
    expect(errorsOf(resolveSegmentNames(parse('in segment "Holdot 10%" or in segment "vip"\nor in segment "seg_aaaa" or in segment "zzz"'), directory))).toEqual([
      { code: 'UNKNOWN_SEGMENT', message: 'No segment has the id or name "Holdot 10%". Did you mean "Holdout 10%"?', line: 1, column: 1 },
      { code: 'UNKNOWN_SEGMENT', message: 'No segment has the id or name "vip". Did you mean "VIP buyers"?', line: 1, column: 28 },
      {
        code: 'AMBIGUOUS_SEGMENT',
        message: '"seg_aaaa" is the id of segment `seg_aaaa` and the name of segment `seg_cccc`; write the id of the one you mean, as in `in segment "seg_cccc"`.',
        line: 2,
        column: 4,
      },
      { code: 'UNKNOWN_SEGMENT', message: 'No segment has the id or name "zzz".', line: 2, column: 29 },
    ]);
  });
});
