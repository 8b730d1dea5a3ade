import { describe, expect, it } from 'vitest';
import { toSchema } from '../../arrow/schema.ts';
import { tableFromRows, tableToRows } from '../../arrow/tables.ts';
import { executePlan, standaloneOperatorContext } from '../../builders/plan.ts';
import { StreamFrame } from '../../builders/streamFrame.ts';
import { col } from '../../operators/column.ts';
import { select, selectExpr } from '../../operators/select.ts';
import type { SourceProvider } from '../../types.ts';
import { explode, posexplode } from './explode.ts';

const schema = toSchema('id INT, tags ARRAY<STRING>, scores MAP<STRING, INT>, people ARRAY<STRUCT<name: STRING, age: INT>>');
const provider: SourceProvider = { format: 'test', schema, options: {}, open: () => Promise.reject(new Error('unused')) };
const source = StreamFrame.fromSource(provider);
const rows = [
  { id: 1, tags: ['a', 'b'], scores: new Map([['x', 1], ['y', 2]]), people: [{ name: 'ada', age: 36 }, { name: 'bob', age: 7 }] },
  { id: 2, tags: [], scores: new Map(), people: [] },
  { id: 3, tags: null, scores: null, people: null },
  { id: 4, tags: [null, 'c'], scores: new Map([['z', null]]), people: [{ name: null, age: null }] },
];

async function run(frame: StreamFrame) {
  return tableToRows(await executePlan(frame.node, new Map([[provider, tableFromRows(schema, rows)]]), standaloneOperatorContext()));
}

describe('generators in a select list (Spark\'s GeneratorFunctionSuite cases)', () => {
  it('explode: a row per element; empty and null arrays make no row; other columns repeat', async () => {
    const frame = source.pipe(selectExpr('id', 'explode(tags)'));
    expect(frame.schema.fields.map((f) => f.name)).toEqual(['id', 'col']);
    expect(await run(frame)).toEqual([{ id: 1, col: 'a' }, { id: 1, col: 'b' }, { id: 4, col: null }, { id: 4, col: 'c' }]);
  });

  it('explode_outer keeps a row of nulls for empty and null arrays', async () => {
    expect(await run(source.pipe(selectExpr('id', 'explode_outer(tags) AS tag')))).toEqual([
      { id: 1, tag: 'a' }, { id: 1, tag: 'b' }, { id: 2, tag: null }, { id: 3, tag: null }, { id: 4, tag: null }, { id: 4, tag: 'c' },
    ]);
  });

  it('posexplode names pos and col, or the names given with AS (p, v)', async () => {
    expect(await run(source.pipe(select(col('id'), posexplode('tags'))))).toEqual([
      { id: 1, pos: 0, col: 'a' }, { id: 1, pos: 1, col: 'b' }, { id: 4, pos: 0, col: null }, { id: 4, pos: 1, col: 'c' },
    ]);
    expect((await run(source.pipe(selectExpr('posexplode_outer(tags) AS (p, t)', 'id'))))[2]).toEqual({ p: null, t: null, id: 2 });
  });

  it('explode of a map gives key and value', async () => {
    expect(await run(source.pipe(select('id', explode('scores'))))).toEqual([
      { id: 1, key: 'x', value: 1 }, { id: 1, key: 'y', value: 2 }, { id: 4, key: 'z', value: null },
    ]);
  });

  it('inline spreads an array of structs into columns', async () => {
    expect(await run(source.pipe(selectExpr('id', 'inline(people)')))).toEqual([
      { id: 1, name: 'ada', age: 36 }, { id: 1, name: 'bob', age: 7 }, { id: 4, name: null, age: null },
    ]);
  });

  it('refuses two generators, wrong names and generators inside expressions', () => {
    expect(() => source.pipe(selectExpr('explode(tags)', 'explode(tags)'))).toThrow(/Only one generator/);
    expect(() => source.pipe(selectExpr('posexplode(tags) AS (p)'))).toThrow(/makes 2 columns/);
    expect(() => source.pipe(selectExpr('upper(explode(tags))'))).toThrow(/only allowed as a top-level item/);
    expect(() => source.pipe(selectExpr('explode(id)'))).toThrow(/needs an array or map/);
  });
});
