import fc from 'fast-check';
import { formatInstant } from '../../src/domain/datetime';

const MIN = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
const MAX = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

test('formatInstant writes what toISOString writes, for every instant with a 4-digit year', () => {
  fc.assert(
    fc.property(fc.integer({ min: MIN, max: MAX }), (time) => {
      const date = new Date(time);
      expect(formatInstant(date)).toBe(date.toISOString());
    }),
    { numRuns: 20_000 },
  );
});

test('formatInstant at the edges: epoch, leap days, the ends of the 4-digit years and beyond, invalid dates', () => {
  const edges = [0, -1, 1, MIN, MAX, Date.UTC(2000, 1, 29), Date.UTC(1900, 1, 28, 23, 59, 59, 999), Date.UTC(2024, 1, 29, 12), Date.UTC(2026, 11, 31, 23, 59, 59, 999)];
  for (const time of edges) expect(formatInstant(new Date(time))).toBe(new Date(time).toISOString());
  // Outside 0000–9999 toISOString writes a 6-digit signed year; formatInstant leaves those to it.
  expect(formatInstant(new Date(MIN - 1))).toBe('-000001-12-31T23:59:59.999Z');
  expect(formatInstant(new Date(MAX + 1))).toBe('+010000-01-01T00:00:00.000Z');
  expect(() => formatInstant(new Date(Number.NaN))).toThrow(RangeError);
});
