import { describe, expect, it } from 'vitest';
import { RowCache, rowBytes } from './rowCache.ts';

describe('RowCache', () => {
  it('keeps values and known absences, and forgets the oldest rows first once over its budget', () => {
    const cache = new RowCache(rowBytes('k0', 'value') * 10);
    cache.set('gone', null);
    for (let i = 0; i < 9; i++) cache.set(`k${i}`, 'value');
    expect(cache.get('gone')).toBeNull();
    expect(cache.get('never')).toBeUndefined();
    // Rewriting a row moves it to the young end and does not count it twice.
    cache.set('gone', null);
    cache.set('k0', 'value');
    expect(cache.size).toBe(10);
    cache.set('k9', 'value');
    cache.trim();
    expect(cache.bytes).toBeLessThanOrEqual(cache.budgetBytes * 0.9);
    expect(cache.get('k1')).toBeUndefined();
    expect(cache.get('k0')).toBe('value');
    expect(cache.get('k9')).toBe('value');
  });

  it('holds nothing with a budget of 0', () => {
    const cache = new RowCache(0);
    cache.set('k', 'v');
    expect(cache.get('k')).toBeUndefined();
    expect(cache.bytes).toBe(0);
  });
});
