import { tableFromRows, toSchema } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { highCardinalityColumns } from './dictionaryChoice.ts';

describe('highCardinalityColumns', () => {
  const rows = Array.from({ length: 20_000 }, (_, i) => ({ id: BigInt(i), country: ['fr', 'dé', 'nl'][i % 3], note: i % 4 === 0 ? null : `note ${i}`, blob: new Uint8Array([i & 0xff, i >> 8]) }));
  const table = tableFromRows(toSchema('id LONG, country STRING, note STRING, blob BINARY'), rows);

  it('names mostly-distinct columns, strings and binaries judged by their bytes, nulls skipped', () => {
    expect(highCardinalityColumns(table)).toEqual(['id', 'note', 'blob']);
  });

  it('samples the rows of a sliced table, not the buffers it was sliced from', () => {
    const sliced = tableFromRows(toSchema('s STRING'), [...Array.from({ length: 10_000 }, () => ({ s: 'same' })), ...Array.from({ length: 10_000 }, (_, i) => ({ s: `v${i}` }))]);
    expect(highCardinalityColumns(sliced.slice(0, 10_000))).toEqual([]);
    expect(highCardinalityColumns(sliced.slice(10_000))).toEqual(['s']);
  });
});
