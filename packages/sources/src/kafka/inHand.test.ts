import { describe, expect, test } from 'vitest';
import { advances, inHandEnd } from './inHand.ts';

const offsets = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('inHandEnd', () => {
  test('cuts followed partitions back to what is held, never below the start nor above the broker', () => {
    const begin = offsets({ a: 10, b: 10, c: 10 });
    const end = offsets({ a: 30, b: 30, c: 30 });
    const held: Record<string, number> = { a: 20, b: 10, c: 50 };
    expect(inHandEnd(begin, end, (k) => held[k])).toEqual(offsets({ a: 20, b: 10, c: 30 }));
  });

  test('a partition the reader does not follow keeps the broker offset', () => {
    const begin = offsets({ a: 10, b: 0 });
    const end = offsets({ a: 30, b: 5 });
    expect(inHandEnd(begin, end, (k) => (k === 'a' ? 12 : undefined))).toEqual(offsets({ a: 12, b: 5 }));
  });

  test('advances tells whether an end reads anything', () => {
    expect(advances(offsets({ a: 3 }), offsets({ a: 3 }))).toBe(false);
    expect(advances(offsets({ a: 3 }), offsets({ a: 4 }))).toBe(true);
  });
});
