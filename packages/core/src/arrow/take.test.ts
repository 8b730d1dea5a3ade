import { Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { takeRows } from './take.ts';
import { tableFromRows, tableToRows } from './tables.ts';
import { toSchema } from './schema.ts';

describe('takeRows', () => {
  it('keeps the values of list, map and struct cells (nested ones included)', () => {
    const schema = toSchema('tags ARRAY<STRING>, m MAP<STRING, ARRAY<INT>>, s STRUCT<l: ARRAY<STRING>, n: INT>');
    const table = tableFromRows(schema, [
      { tags: ['', 'a', null], m: new Map([['k', [1, null]]]), s: { l: ['x', ''], n: 1 } },
      { tags: null, m: null, s: null },
      { tags: [], m: new Map(), s: { l: null, n: null } },
    ]);
    const taken = new Table([takeRows(table.batches[0]!, Int32Array.from([2, 0, 0]))]);
    const plain = (rows: Record<string, unknown>[]) => JSON.parse(JSON.stringify(rows, (_, v: unknown) => (v instanceof Map ? Object.fromEntries(v) : v)));
    const all = plain(tableToRows(table));
    expect(plain(tableToRows(taken))).toEqual([all[2], all[0], all[0]]);
    expect(all[0]).toEqual({ tags: ['', 'a', null], m: { k: [1, null] }, s: { l: ['x', ''], n: 1 } });
  });
});

describe('takeRows over a sliced batch', () => {
  it('reads values at the slice (Arrow slices value buffers and offsets, not validity or booleans)', () => {
    const schema = toSchema('i INT, l LONG, s STRING, b BOOLEAN, d DECIMAL(10,2), st STRUCT<x: LONG, y: STRING>');
    const rows = [
      { i: 1, l: 10n, s: 'a', b: true, d: '1.10', st: { x: 1n, y: 'p' } },
      { i: null, l: 20n, s: 'bb', b: false, d: null, st: null },
      { i: 3, l: null, s: null, b: true, d: '-3.30', st: { x: null, y: 'rrr' } },
      { i: 4, l: 40n, s: 'dddd', b: null, d: '4.00', st: { x: 4n, y: null } },
    ];
    const sliced = tableFromRows(schema, rows).slice(1);
    const taken = new Table([takeRows(sliced.batches[0]!, Int32Array.from([2, 0, 1]))]);
    const all = tableToRows(tableFromRows(schema, rows));
    expect(tableToRows(taken)).toEqual([all[3], all[1], all[2]]);
  });
});
