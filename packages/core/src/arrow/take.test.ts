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
