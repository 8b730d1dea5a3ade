import { describe, expect, it } from 'vitest';
import { toSchema } from '../arrow/schema.ts';
import { tableFromRows, tableToRows } from '../arrow/tables.ts';
import { executePlan, standaloneOperatorContext } from '../builders/plan.ts';
import { StreamFrame } from '../builders/streamFrame.ts';
import { isSluiceError } from '../errors.ts';
import { registerFunction } from '../functions/registerFunction.ts';
import { dropFunction } from '../functions/registry.ts';
import { expr } from '../sql/expr.ts';
import type { SourceProvider } from '../types.ts';
import { avg, count, sum } from './aggregates.ts';
import { col } from './column.ts';
import { filter, where } from './filter.ts';
import { groupBy } from './groupBy.ts';
import { select, selectExpr } from './select.ts';
import { withColumn } from './withColumn.ts';

const schema = toSchema('id BIGINT, name STRING, amount INT, tags ARRAY<STRING>, data STRUCT<city: STRING, zip: INT>');
const provider: SourceProvider = { format: 'test', schema, options: {}, open: () => Promise.reject(new Error('not opened in unit tests')) };
const source = StreamFrame.fromSource(provider);
const rows = [
  { id: 1n, name: 'Ada', amount: 30, tags: ['a', 'b'], data: { city: 'London', zip: 1 } },
  { id: 2n, name: 'Bob', amount: -5, tags: [], data: { city: 'Paris', zip: 2 } },
  { id: 3n, name: null, amount: null, tags: null, data: null },
  { id: 4n, name: 'Ada', amount: 12, tags: ['c'], data: { city: 'Paris', zip: 3 } },
];

async function run(frame: StreamFrame) {
  const out = await executePlan(frame.node, new Map([[provider, tableFromRows(schema, rows)]]), standaloneOperatorContext({ outputMode: 'complete' }));
  return tableToRows(out);
}

function definitionError(build: () => unknown): Error & { code: string; details: Record<string, unknown> } {
  try {
    build();
  } catch (error) {
    return error as never;
  }
  throw new Error('defined without an error');
}

describe('SQL strings in the DataFrame operators', () => {
  it('selectExpr computes, aliases, and names columns as Spark does', async () => {
    const frame = source.pipe(selectExpr('id', "upper(name) AS who", 'amount * 2', 'data.city', 'tags[0] first_tag', "CASE WHEN amount > 0 THEN 'in' ELSE 'out' END"));
    expect(frame.schema.fields.map((f) => f.name)).toEqual(['id', 'who', '(amount * 2)', 'city', 'first_tag', "CASE WHEN (amount > 0) THEN in ELSE out END"]);
    expect((await run(frame))[0]).toEqual({ id: 1n, who: 'ADA', '(amount * 2)': 60, city: 'London', first_tag: 'a', "CASE WHEN (amount > 0) THEN in ELSE out END": 'in' });
  });

  it('selectExpr expands * and struct.*', async () => {
    expect(source.pipe(selectExpr('*')).schema.fields.map((f) => f.name)).toEqual(['id', 'name', 'amount', 'tags', 'data']);
    const out = await run(source.pipe(selectExpr('id', 'data.*')));
    expect(out[1]).toEqual({ id: 2n, city: 'Paris', zip: 2 });
    expect(out[2]).toEqual({ id: 3n, city: null, zip: null });
  });

  it('where and filter take a SQL condition; null is not true', async () => {
    expect((await run(source.pipe(where("amount > 0 AND name IN ('Ada', 'Zed')")))).map((r) => r.id)).toEqual([1n, 4n]);
    expect((await run(source.pipe(filter('amount IS NULL OR amount < 0')))).map((r) => r.id)).toEqual([2n, 3n]);
    expect((await run(source.pipe(filter("name LIKE 'A%'")))).map((r) => r.id)).toEqual([1n, 4n]);
  });

  it('withColumn takes an expression string; expr mixes with the Column API', async () => {
    const frame = source.pipe(withColumn('cents', 'amount * 100'), select(col('id'), expr('cents + 1').alias('c'), expr("concat_ws('-', name, id) AS label")));
    expect((await run(frame))[0]).toEqual({ id: 1n, c: 3001, label: 'Ada-1' });
  });

  it('agg takes SQL strings, and expressions over aggregates', async () => {
    const frame = source.pipe(groupBy('name').agg('count(*) AS n', 'sum(amount)', expr('sum(amount) / count(amount) AS mean'), avg('amount').alias('avg')));
    expect(frame.schema.fields.map((f) => f.name)).toEqual(['name', 'n', 'sum(amount)', 'mean', 'avg']);
    const out = await run(frame);
    const ada = out.find((r) => r.name === 'Ada');
    expect(ada).toEqual({ name: 'Ada', n: 2n, 'sum(amount)': 42n, mean: 21, avg: 21 });
    // Plain aggregates still go straight through (their historical names kept).
    expect(source.pipe(groupBy('name').agg(count(), sum('amount'))).schema.fields.map((f) => f.name)).toEqual(['name', 'count', 'sum(amount)']);
  });

  it('agg refuses a column that is neither grouped nor aggregated', () => {
    const error = definitionError(() => source.pipe(groupBy('name').agg('amount + sum(amount)')));
    expect(isSluiceError(error, 'INVALID_QUERY')).toBe(true);
    expect(error.message).toMatch(/Column 'amount' is neither grouped/);
    expect(error.message).toContain('amount + sum(amount)\n^^^^^^');
  });

  it('fails when the query is defined, with a caret under the unknown column and a suggestion', () => {
    const error = definitionError(() => source.pipe(where('amout > 0')));
    expect(isSluiceError(error, 'UNKNOWN_COLUMN')).toBe(true);
    expect(error.message).toContain("Column 'amout' does not exist. Did you mean 'amount'?");
    expect(error.message).toContain('== SQL (line 1, position 1) ==\namout > 0\n^^^^^');
  });

  it('fails when the query is defined on an unknown function, with a suggestion', () => {
    const error = definitionError(() => source.pipe(selectExpr('uppr(name)')));
    expect(isSluiceError(error, 'UNKNOWN_FUNCTION')).toBe(true);
    expect(error.message).toContain("Function 'uppr' does not exist. Did you mean 'upper'?");
    expect(error.details).toMatchObject({ line: 1, position: 1 });
  });

  it('fails at once on a syntax error, before any frame exists', () => {
    const error = definitionError(() => where('amount >> > 0'));
    expect(isSluiceError(error, 'SQL_PARSE_ERROR')).toBe(true);
    expect(error.message).toContain('amount >> > 0\n----------^');
  });

  it('fails on a non-boolean condition and on a type error, pointing at the argument', () => {
    expect(definitionError(() => source.pipe(where('amount + 1'))).message).toMatch(/filter needs a boolean condition, but \(amount \+ 1\) is int/);
    const error = definitionError(() => source.pipe(selectExpr('tags + 1')));
    expect(isSluiceError(error, 'TYPE_MISMATCH')).toBe(true);
    expect(error.message).toContain('tags + 1\n^^^^');
  });

  it('registerFunction makes a JS function callable by name in SQL and as a Column', async () => {
    const shout = registerFunction('shout', (s: string | null, n: number | null) => (s === null ? null : s.toUpperCase() + '!'.repeat(n ?? 1)), 'string');
    try {
      const out = await run(source.pipe(selectExpr('shout(name, 2) AS s'), select(col('s'))));
      expect(out.map((r) => r.s)).toEqual(['ADA!!', 'BOB!!', null, 'ADA!!']);
      expect((await run(source.pipe(select(shout('name').alias('s')))))[1]).toEqual({ s: 'BOB!' });
    } finally {
      dropFunction('shout');
    }
    expect(definitionError(() => source.pipe(selectExpr('shout(name)'))).message).toMatch(/Function 'shout' does not exist/);
  });
});
