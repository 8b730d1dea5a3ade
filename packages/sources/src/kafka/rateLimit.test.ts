import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { limitOffsets } from './rateLimit.ts';

const map = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('limitOffsets (maxOffsetsPerTrigger, Spark rateLimit)', () => {
  test.prop([
    fc.array(fc.record({ start: fc.nat(1_000_000), lag: fc.nat(10_000) }), { minLength: 1, maxLength: 40 }),
    fc.integer({ min: 1, max: 50_000 }),
  ])('every behind partition moves, none past its end, each by its floored share (at least one)', (partitions, limit) => {
    const from = new Map(partitions.map((p, i) => [`t\u0000${i}`, p.start]));
    const until = new Map(partitions.map((p, i) => [`t\u0000${i}`, p.start + p.lag]));
    const end = limitOffsets(limit, from, until);
    const total = partitions.reduce((s, p) => s + p.lag, 0);
    partitions.forEach((p, i) => {
      const taken = end.get(`t\u0000${i}`)! - p.start;
      expect(taken).toBeGreaterThanOrEqual(0);
      expect(taken).toBeLessThanOrEqual(p.lag);
      if (p.lag > 0) expect(taken).toBe(Math.min(p.lag, Math.max(1, Math.floor(limit * (p.lag / total)))));
    });
  });

  test("Spark's maxOffsetsPerTrigger batch: lags 101, 11, 1 under 10 take 8, 1, 1", () => {
    const end = limitOffsets(10, map({ a: 0, b: 0, c: 0 }), map({ a: 101, b: 11, c: 1 }));
    expect(Object.fromEntries(end)).toEqual({ a: 8, b: 1, c: 1 });
  });

  test('a limit above the total lag (Long.MaxValue included) takes everything', () => {
    const end = limitOffsets(Number.MAX_SAFE_INTEGER, map({ a: 5 }), map({ a: 10 }));
    expect(Object.fromEntries(end)).toEqual({ a: 10 });
  });

  test('partitions missing from the start (new ones) and caught-up ones keep their latest offset', () => {
    const end = limitOffsets(5, map({ a: 0, b: 7 }), map({ a: 100, b: 7, c: 50 }));
    expect(Object.fromEntries(end)).toEqual({ a: 5, b: 7, c: 50 });
  });
});
