import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { limitOffsets } from './rateLimit.ts';

const map = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('limitOffsets (maxOffsetsPerTrigger)', () => {
  test.prop([
    fc.array(fc.record({ start: fc.nat(1_000_000), lag: fc.nat(10_000) }), { minLength: 1, maxLength: 40 }),
    fc.integer({ min: 1, max: 50_000 }),
  ])('admits exactly min(limit, total lag), never more than a partition has, roughly in proportion', (partitions, limit) => {
    const from = new Map(partitions.map((p, i) => [`t\u0000${i}`, p.start]));
    const until = new Map(partitions.map((p, i) => [`t\u0000${i}`, p.start + p.lag]));
    const end = limitOffsets(limit, from, until);
    const total = partitions.reduce((s, p) => s + p.lag, 0);
    let admitted = 0;
    partitions.forEach((p, i) => {
      const taken = end.get(`t\u0000${i}`)! - p.start;
      expect(taken).toBeGreaterThanOrEqual(0);
      expect(taken).toBeLessThanOrEqual(p.lag);
      if (total > limit) expect(Math.abs(taken - (limit * p.lag) / total)).toBeLessThan(1);
      admitted += taken;
    });
    expect(admitted).toBe(Math.min(limit, total));
  });

  test('splits by lag: a partition twice as far behind gets twice the share', () => {
    const end = limitOffsets(30, map({ a: 0, b: 100 }), map({ a: 40, b: 120 }));
    expect(Object.fromEntries(end)).toEqual({ a: 20, b: 110 });
  });

  test('partitions missing from the start (new ones) and caught-up ones keep their latest offset', () => {
    const end = limitOffsets(5, map({ a: 0, b: 7 }), map({ a: 100, b: 7, c: 50 }));
    expect(Object.fromEntries(end)).toEqual({ a: 5, b: 7, c: 50 });
  });
});
