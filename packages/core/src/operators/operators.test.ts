import { describe, expect, it } from 'vitest';
import { test as propertyTest, fc } from '@fast-check/vitest';
import { Table } from 'apache-arrow';
import { toSchema } from '../arrow/schema.ts';
import { tableFromRows, tableToRows } from '../arrow/tables.ts';
import { executePlan, standaloneOperatorContext, type OperatorContext } from '../builders/plan.ts';
import { StreamFrame } from '../builders/streamFrame.ts';
import { isSluiceError } from '../errors.ts';
import type { SourceProvider } from '../types.ts';
import { coalesce, col, concat, currentTimestamp, lit, lower, udf } from './column.ts';
import { filter } from './filter.ts';
import { map, mapBatches } from './map.ts';
import { select } from './select.ts';
import { drop, withColumn, withColumnRenamed } from './withColumn.ts';

const schema = toSchema('id LONG, name STRING, score DOUBLE, tags ARRAY<STRING>, data STRUCT<city: STRING, zip: INT>, at TIMESTAMP');
const provider: SourceProvider = { format: 'test', schema, options: {}, open: () => Promise.reject(new Error('not opened in unit tests')) };
const source = StreamFrame.fromSource(provider);
const context: OperatorContext = standaloneOperatorContext({ batchId: 3, batchTimestampMs: Date.UTC(2024, 0, 1) });

const rows = [
  { id: 1n, name: 'Ada', score: 9.5, tags: ['a'], data: { city: 'London', zip: 1 }, at: Date.UTC(2024, 0, 1, 10) },
  { id: 2n, name: 'Bob', score: null, tags: [], data: { city: 'Paris', zip: 2 }, at: Date.UTC(2024, 0, 1, 11) },
  { id: 3n, name: null, score: 4, tags: null, data: null, at: null },
];

async function run(frame: StreamFrame, input: Table = tableFromRows(schema, rows)) {
  const output = await executePlan(frame.node, new Map([[provider, input]]), context);
  return tableToRows(output);
}

describe('operators', () => {
  it('filter keeps rows where the condition is true; null counts as false', async () => {
    expect((await run(source.pipe(filter(col('score').gt(5))))).map((r) => r.id)).toEqual([1n]);
    expect((await run(source.pipe(filter(col('id').mod(2).eq(1).and(col('name').isNotNull()))))).map((r) => r.id)).toEqual([1n]);
    expect((await run(source.pipe(filter((row) => row['name'] === 'Bob'))))).toHaveLength(1);
  });

  it('select computes, renames and expands struct fields', async () => {
    const out = await run(source.pipe(select('id', col('score').multiply(2).alias('double_score'), 'data.*')));
    expect(out[0]).toEqual({ id: 1n, double_score: 19, city: 'London', zip: 1 });
    expect(out[2]).toEqual({ id: 3n, double_score: 8, city: null, zip: null });
  });

  it('withColumn adds or replaces in place; drop and withColumnRenamed reshape', async () => {
    const frame = source.pipe(
      withColumn('name', lower('name')),
      withColumn('ingestion_time', currentTimestamp()),
      drop('tags', 'data', 'at'),
      withColumnRenamed('score', 'points'),
    );
    expect(frame.schema.fields.map((f) => f.name)).toEqual(['id', 'name', 'points', 'ingestion_time']);
    const out = await run(frame);
    expect(out[0]).toEqual({ id: 1n, name: 'ada', points: 9.5, ingestion_time: context.batchTimestampMs });
  });

  it('casts binary to string without copying, and strings to numbers', async () => {
    const bytes = toSchema('value BINARY, n STRING');
    const p: SourceProvider = { ...provider, schema: bytes };
    const frame = StreamFrame.fromSource(p).pipe(select(col('value').cast('string').alias('text'), col('n').cast('int').alias('n')));
    const input = tableFromRows(bytes, [{ value: new TextEncoder().encode('héllo'), n: '42' }, { value: null, n: 'x' }]);
    const out = tableToRows(await executePlan(frame.node, new Map([[p, input]]), context));
    expect(out).toEqual([{ text: 'héllo', n: 42 }, { text: null, n: null }]);
  });

  it('concat, coalesce, lit and udf', async () => {
    const out = await run(source.pipe(select(concat('name', lit('!')).alias('shout'), coalesce(col('score'), lit(0)).alias('s'), udf((r) => `#${r['id']}`, 'string', 'tag').alias('tag'))));
    expect(out).toEqual([
      { shout: 'Ada!', s: 9.5, tag: '#1' },
      { shout: 'Bob!', s: 0, tag: '#2' },
      { shout: null, s: 4, tag: '#3' },
    ]);
  });

  it('fails at definition time on an unknown column, with a suggestion', () => {
    const error = (() => {
      try {
        source.pipe(select('nmae'));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(isSluiceError(error, 'UNKNOWN_COLUMN')).toBe(true);
    expect(error!.message).toContain("Did you mean 'name'?");
    // A string is read as a number (Spark's implicit cast); an array is not.
    expect(() => source.pipe(filter(col('tags').plus(1).gt(0)))).toThrow(/numeric input/);
  });

  it('map and mapBatches are the row and batch escape hatches', async () => {
    const out = await run(source.pipe(map((r: Record<string, unknown>) => (r['name'] ? { who: String(r['name']) } : null), 'who STRING')));
    expect(out).toEqual([{ who: 'Ada' }, { who: 'Bob' }]);
    const wrong = source.pipe(mapBatches(() => tableFromRows(toSchema('x INT'), [])));
    await expect(run(wrong)).rejects.toThrow(/SCHEMA_MISMATCH/);
  });

  propertyTest.prop([fc.array(fc.record({ id: fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }), name: fc.option(fc.string(), { nil: null }), score: fc.option(fc.double({ noNaN: true }), { nil: null }) }), { maxLength: 60 }), fc.integer({ min: -5, max: 5 })])(
    'filter on columns agrees with filtering the rows one by one',
    async (generated, threshold) => {
      const input = tableFromRows(schema, generated.map((r) => ({ ...r, tags: null, data: null, at: null })));
      const out = await run(source.pipe(filter(col('score').gt(threshold).or(col('name').eq('x')))), input);
      const expected = tableToRows(input).filter((r) => (r['score'] !== null && (r['score'] as number) > threshold) || r['name'] === 'x');
      expect(out).toEqual(expected);
    },
  );
});
