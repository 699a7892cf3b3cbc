import { FENCE_MAX_COST, FENCE_MAX_COUNT_MS, FENCE_MAX_MEMBERS, fenceFromCount, fenceFromEstimate } from '../../src/services/segment-page-form';

describe('the form of a page of members', () => {
  test('fenced when the count beside it was small and cheap, as the first page of recent signups', () => {
    expect(fenceFromCount({ members: 6_707, ms: 1.1 })).toBe(true);
    expect(fenceFromCount({ members: FENCE_MAX_MEMBERS, ms: FENCE_MAX_COUNT_MS })).toBe(true);
  });

  test('keyset when the segment is big (the page stops early) or its count was slow (the fenced page would be as slow)', () => {
    expect(fenceFromCount({ members: FENCE_MAX_MEMBERS + 1, ms: 1 })).toBe(false);
    expect(fenceFromCount({ members: 8_481, ms: 1_475 })).toBe(false); // the 20-condition mix
    expect(fenceFromCount({ members: 3_813, ms: 31.5 })).toBe(false); // a custom number through its index
  });

  test('without a count: the planner\'s rows and cost', () => {
    expect(fenceFromEstimate({ rows: 120, cost: 350 })).toBe(true);
    expect(fenceFromEstimate({ rows: 120, cost: FENCE_MAX_COST + 1 })).toBe(false);
    expect(fenceFromEstimate({ rows: FENCE_MAX_MEMBERS + 1, cost: 10 })).toBe(false);
  });
});
