import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { DataFile } from '@sluice/formats/internal';
import { admissionOrder, withinLimit } from './selectFiles.ts';

const files = fc.array(fc.record({ size: fc.nat({ max: 1000 }), modificationTime: fc.nat({ max: 20 }), name: fc.string({ minLength: 1, maxLength: 4 }) }), { maxLength: 20 })
  .map((list) => list.map((f, i): DataFile => ({ path: `/in/${f.name}-${i}`, size: f.size, modificationTime: f.modificationTime, partition: {} })));

describe('choosing the files of a batch', () => {
  test.prop([files, fc.integer({ min: 1, max: 5000 })])('maxBytes admits a prefix within the limit, and always at least one file', (list, maxBytes) => {
    const chosen = withinLimit(list, { kind: 'maxBytes', maxBytes });
    expect(chosen).toEqual(list.slice(0, chosen.length));
    if (list.length > 0) expect(chosen.length).toBeGreaterThan(0);
    if (chosen.length > 1) expect(chosen.reduce((n, f) => n + f.size, 0)).toBeLessThanOrEqual(maxBytes);
    if (chosen.length < list.length && chosen.length > 0) expect(chosen.reduce((n, f) => n + f.size, 0) + list[chosen.length]!.size).toBeGreaterThan(maxBytes);
  });

  test.prop([files, fc.integer({ min: 1, max: 30 })])('maxFiles admits at most that many; a composite limit takes the tightest', (list, maxFiles) => {
    expect(withinLimit(list, { kind: 'maxFiles', maxFiles })).toEqual(list.slice(0, maxFiles));
    expect(withinLimit(list, { kind: 'composite', limits: [{ kind: 'maxFiles', maxFiles }, { kind: 'maxFiles', maxFiles: maxFiles + 3 }] })).toEqual(list.slice(0, maxFiles));
    expect(withinLimit(list, { kind: 'all' })).toEqual(list);
  });

  test.prop([files, fc.boolean()])('admission order does not depend on listing order', (list, latestFirst) => {
    const a = admissionOrder([...list], latestFirst).map((f) => f.path);
    const b = admissionOrder([...list].reverse(), latestFirst).map((f) => f.path);
    expect(a).toEqual(b);
    const times = admissionOrder([...list], latestFirst).map((f) => f.modificationTime);
    expect(times).toEqual([...times].sort((x, y) => (latestFirst ? y - x : x - y)));
  });
});
