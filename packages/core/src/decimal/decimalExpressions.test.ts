import { Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { sparkTypeName, toSchema } from '../arrow/schema.ts';
import { tableFromRows, tableToRows } from '../arrow/tables.ts';
import { executePlan, standaloneOperatorContext } from '../builders/plan.ts';
import { StreamFrame } from '../builders/streamFrame.ts';
import type { SourceProvider } from '../types.ts';
import { avg, count, max, min, sum } from '../operators/aggregates.ts';
import { col, lit, udf } from '../operators/column.ts';
import { filter } from '../operators/filter.ts';
import { groupBy } from '../operators/groupBy.ts';
import { select } from '../operators/select.ts';
import { decimalLiteral } from './decimalExpressions.ts';

const schema = toSchema('id INT, price DECIMAL(10,2), qty INT, rate DOUBLE, code STRING, big DECIMAL(38,18)');
const provider: SourceProvider = { format: 'test', schema, options: {}, open: () => Promise.reject(new Error('not opened')) };
const source = StreamFrame.fromSource(provider);
const rows = [
  { id: 1, price: '19.99', qty: 3, rate: 0.5, code: '19.99', big: '1' },
  { id: 2, price: '0.05', qty: 7, rate: 2, code: 'x', big: '99999999999999999999.999999999999999999' },
  { id: 3, price: null, qty: 1, rate: 1, code: '-3', big: null },
  { id: 4, price: '-12.50', qty: 0, rate: -1, code: ' 1e2 ', big: '-0.000000000000000001' },
];

async function run(frame: StreamFrame, input: readonly Record<string, unknown>[] = rows, outputMode: 'append' | 'complete' = 'append') {
  const output = await executePlan(frame.node, new Map([[provider, tableFromRows(schema, input)]]), standaloneOperatorContext({ outputMode }));
  return { rows: tableToRows(output), types: Object.fromEntries(output.schema.fields.map((f) => [f.name, sparkTypeName(f.type)])) };
}

describe('DECIMAL in expressions', () => {
  it('arithmetic takes Spark result types: columns of INT as DECIMAL(10,0), integer literals by their digits', async () => {
    const out = await run(
      source.pipe(
        select(
          col('price').multiply(col('qty')).alias('total'),
          col('price').plus(1).alias('plus_one'),
          col('price').divide(3).alias('third'),
          col('price').mod(col('qty')).alias('rest'),
          col('price').minus(col('big')).alias('diff'),
          col('price').multiply(col('rate')).alias('as_double'),
          col('price').multiply(decimalLiteral('1.05')).alias('with_tax'),
        ),
      ),
    );
    expect(out.types).toEqual({
      total: 'decimal(21,2)', // (10,2) × (10,0): p 10+10+1
      plus_one: 'decimal(11,2)', // (10,2) + (1,0)
      third: 'decimal(14,6)', // (10,2) ÷ (1,0): scale max(6, 2+1+1)
      rest: 'decimal(10,2)', // (10,2) % (10,0)
      diff: 'decimal(38,17)', // (10,2) − (38,18): 39 digits cut to 38
      as_double: 'double',
      with_tax: 'decimal(14,4)',
    });
    expect(out.rows.map((r) => [r['total'], r['plus_one'], r['third'], r['rest'], r['diff'], r['as_double'], r['with_tax']])).toEqual([
      ['59.97', '20.99', '6.663333', '1.99', '18.99000000000000000', 9.995, '20.9895'],
      ['0.35', '1.05', '0.016667', '0.05', '-99999999999999999999.95000000000000000', 0.1, '0.0525'],
      [null, null, null, null, null, null, null],
      ['0.00', '-11.50', '-4.166667', null, '-12.50000000000000000', 12.5, '-13.1250'], // % 0 is null; −12.499999999999999999 rounds HALF_UP at 17 places
    ]);
  });

  it('overflow is null outside ANSI mode', async () => {
    const out = await run(source.pipe(select(col('big').multiply(col('big')).alias('square'), col('big').plus(col('big')).alias('twice'))));
    expect(out.types).toEqual({ square: 'decimal(38,6)', twice: 'decimal(38,17)' });
    expect(out.rows[0]).toEqual({ square: '1.000000', twice: '2.00000000000000000' });
    // 10^40 does not fit 32 integer digits; 199…9.999999999999999998 rounds HALF_UP at 17 places.
    expect(out.rows[1]).toEqual({ square: null, twice: '200000000000000000000.00000000000000000' });
  });

  it('comparisons are exact across scales and with integers; with doubles and strings they compare as doubles', async () => {
    const ids = async (condition: Parameters<typeof filter>[0]) => (await run(source.pipe(filter(condition)))).rows.map((r) => r['id']);
    expect(await ids(col('price').gt(0))).toEqual([1, 2]);
    expect(await ids(col('price').eq(decimalLiteral('19.990')))).toEqual([1]);
    expect(await ids(col('price').lte(col('qty')))).toEqual([2, 4]);
    expect(await ids(col('price').lt(col('rate')))).toEqual([2, 4]);
    expect(await ids(col('price').eq(col('code')))).toEqual([1]);
    expect(await ids(col('price').gt('1'))).toEqual([1]);
    expect(await ids(col('big').gt(col('price')))).toEqual([2, 4]);
    expect(await ids(col('price').isin(0.05, 7, '19.99'))).toEqual([1, 2]);
    expect(await ids(col('price').isin(-12.5))).toEqual([4]);
  });

  it('casts with Spark answers', async () => {
    const out = await run(
      source.pipe(
        select(
          col('code').cast('decimal(5,1)').alias('from_string'),
          col('rate').cast('decimal(3,2)').alias('from_double'),
          col('qty').cast('decimal(1,0)').alias('from_int'),
          col('price').cast('decimal(3,1)').alias('narrower'),
          col('price').cast('string').alias('text'),
          col('price').cast('double').alias('dbl'),
          col('price').cast('int').alias('int'),
          col('price').cast('boolean').alias('bool'),
          col('big').cast('string').alias('big_text'),
          lit(decimalLiteral('12.30')).alias('literal'),
        ),
      ),
    );
    expect(out.types).toMatchObject({ from_string: 'decimal(5,1)', from_double: 'decimal(3,2)', literal: 'decimal(4,2)', text: 'string', int: 'int' });
    expect(out.rows).toEqual([
      { from_string: '20.0', from_double: '0.50', from_int: '3', narrower: '20.0', text: '19.99', dbl: 19.99, int: 19, bool: true, big_text: '1.000000000000000000', literal: '12.30' },
      { from_string: null, from_double: '2.00', from_int: '7', narrower: '0.1', text: '0.05', dbl: 0.05, int: 0, bool: true, big_text: '99999999999999999999.999999999999999999', literal: '12.30' },
      { from_string: '-3.0', from_double: '1.00', from_int: '1', narrower: null, text: null, dbl: null, int: null, bool: null, big_text: null, literal: '12.30' },
      { from_string: '100.0', from_double: '-1.00', from_int: '0', narrower: '-12.5', text: '-12.50', dbl: -12.5, int: -12, bool: true, big_text: '-1E-18', literal: '12.30' },
    ]);
  });

  it('udfs get decimals as exact text and may return them as text', async () => {
    const double = udf((row) => `${row['price'] ?? 0}0`, 'decimal(12,3)', 'padded');
    const out = await run(source.pipe(select(double.alias('p'))));
    expect(out.rows.map((r) => r['p'])).toEqual(['19.990', '0.050', '0.000', '-12.500']);
  });
});

describe('DECIMAL aggregates', () => {
  it('sum → DECIMAL(p+10,s), avg → DECIMAL(p+4,s+4) (Spark answers), min/max keep the type, nulls skipped', async () => {
    const input = [
      { id: 1, price: '1.00' },
      { id: 1, price: '2.00' },
      { id: 1, price: '2.00' },
      { id: 2, price: null },
      { id: 3, price: '0.01' },
      { id: 3, price: '0.02' },
    ];
    const frame = source.pipe(groupBy('id').agg(sum('price'), avg('price'), min('price'), max('price'), count('price')));
    const out = await run(frame, input, 'complete');
    expect(out.types).toEqual({ id: 'int', 'sum(price)': 'decimal(20,2)', 'avg(price)': 'decimal(14,6)', 'min(price)': 'decimal(10,2)', 'max(price)': 'decimal(10,2)', 'count(price)': 'bigint' });
    expect(out.rows).toEqual([
      { id: 1, 'sum(price)': '5.00', 'avg(price)': '1.666667', 'min(price)': '1.00', 'max(price)': '2.00', 'count(price)': 3n },
      { id: 2, 'sum(price)': null, 'avg(price)': null, 'min(price)': null, 'max(price)': null, 'count(price)': 0n },
      { id: 3, 'sum(price)': '0.03', 'avg(price)': '0.015000', 'min(price)': '0.01', 'max(price)': '0.02', 'count(price)': 2n },
    ]);
  });

  it('a sum that outgrows DECIMAL(38,s) is null (Spark SPARK-28067, non-ANSI)', async () => {
    const nines = '9'.repeat(20) + '.' + '9'.repeat(18);
    const input = Array.from({ length: 3 }, () => ({ id: 1, big: nines }));
    const out = await run(source.pipe(groupBy('id').agg(sum('big'), avg('big'), max('big'))), input, 'complete');
    expect(out.types['sum(big)']).toBe('decimal(38,18)');
    expect(out.rows).toEqual([{ id: 1, 'sum(big)': null, 'avg(big)': null, 'max(big)': nines }]);
  });

  it('keeps exact sums across batches (state round-trips bigints)', async () => {
    const frame = source.pipe(groupBy('id').agg(sum('price').alias('s')));
    const context = standaloneOperatorContext({ outputMode: 'complete' });
    const batch = (price: string) => new Map([[provider, tableFromRows(schema, [{ id: 1, price }])]]);
    await executePlan(frame.node, batch('0.10'), context);
    await executePlan(frame.node, batch('0.20'), context);
    const out = (await executePlan(frame.node, batch('99999999.99'), context)) as Table;
    expect(tableToRows(out)).toEqual([{ id: 1, s: '100000000.29' }]);
  });
});

describe('decimal sum state', () => {
  it('stays within its type: an overflowed sum keeps 0 and the flag, and merging keeps the flag', async () => {
    const { decimalSumAdd, decimalSumMerge, decimalSumResult, decimalAvgResult } = await import('./decimalAggregates.ts');
    const spec = { precision: 28, scale: 0 }; // sum type DECIMAL(38,0)
    const big = 10n ** 37n * 6n;
    const once = decimalSumAdd(null, big, spec);
    const twice = decimalSumAdd(once, big, spec);
    expect(twice).toEqual({ sum: 0n, count: 2, overflow: true });
    expect(decimalSumResult(twice, spec, false)).toBeNull();
    expect(decimalSumMerge(once, once, spec)).toEqual({ sum: 0n, count: 2, overflow: true });
    expect(decimalSumMerge(null, once, spec)).toBe(once);
    expect(() => decimalAvgResult(twice, spec, true)).toThrow(/NUMERIC_VALUE_OUT_OF_RANGE/);
    expect(decimalAvgResult(decimalSumAdd(decimalSumAdd(null, 2n, spec), 1n, spec), spec, false)).toBe(15000n); // 1.5000
  });
});
