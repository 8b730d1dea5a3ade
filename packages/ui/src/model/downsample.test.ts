import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { pickIndices } from './downsample.ts';

describe('pickIndices', () => {
  it('keeps every point up to the limit', () => {
    expect(pickIndices([[5, 4, 3]], 3)).toEqual([0, 1, 2]);
  });

  it('keeps the lowest and highest of each bucket and both ends', () => {
    expect(pickIndices([[1, 9, 2, 8, 3, 7, 4, 6]], 6)).toEqual([0, 1, 4, 5, 7]);
  });

  test.prop([fc.array(fc.option(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { nil: null }), { minLength: 1, maxLength: 3000 }), fc.integer({ min: 4, max: 500 })])(
    'never draws more than about max points, keeps the latest, the extremes, and indices in order',
    (values, max) => {
      const picked = pickIndices([values], max);
      expect(picked.length).toBeLessThanOrEqual(Math.max(values.length <= max ? values.length : max, 2));
      expect(picked.at(-1)).toBe(values.length - 1);
      expect(picked).toEqual([...new Set(picked)].sort((a, b) => a - b));
      const present = values.filter((v): v is number => v !== null);
      if (present.length > 0) {
        const drawn = picked.map((i) => values[i]).filter((v): v is number => v !== null);
        expect(Math.max(...drawn)).toBe(Math.max(...present));
        expect(Math.min(...drawn)).toBe(Math.min(...present));
      }
    },
  );
});
