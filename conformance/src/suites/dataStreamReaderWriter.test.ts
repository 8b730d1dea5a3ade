/**
 * DataStreamReaderWriterSuite, restated: what `readStream()` and `writeStream()` hand a source
 * and a sink (options, paths, partition columns, schema), and the rules they enforce before a
 * query starts. Spark's test provider `org.apache.spark.sql.streaming.test` records what it was
 * given; it is restated as a registered format doing the same over a memory stream and the noop sink.
 */
import { afterAll, expect } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Schema } from 'apache-arrow';
import { isSluiceError, processingTime, QueryManager, readStream, silentLogger, type StreamFrame } from '@sluice/core';
import { registerSinkFormat, registerSourceFormat, sinkFormat } from '@sluice/core/connector';
import { memoryStream } from '@sluice/sources';
import '@sluice/sinks';
import { memoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';

const spark = suite('DataStreamReaderWriterSuite');
const TEST_FORMAT = 'org.apache.spark.sql.streaming.test';
const manager = new QueryManager({ logger: silentLogger });
afterAll(async () => {
  await Promise.all(manager.active.map((q) => q.stop()));
});

/** Spark's LastOptions: what the test provider was last given. */
const last: { parameters?: Record<string, unknown>; sinkParameters?: Record<string, unknown>; schema?: Schema | undefined; partitionColumns?: readonly string[] | undefined } = {};

registerSourceFormat({
  name: TEST_FORMAT,
  createSource({ options, userSchema }) {
    last.parameters = { ...options };
    last.schema = userSchema;
    const provider = memoryStream('a INT').toFrame().sources[0]!;
    return { ...provider, options };
  },
});
registerSinkFormat({
  name: TEST_FORMAT,
  createSink({ options, partitionBy }) {
    last.sinkParameters = { ...options };
    last.partitionColumns = partitionBy;
    return { ...sinkFormat('noop').createSink({ options: {} }), options };
  },
});

/** Case-insensitive lookup, as Spark's CaseInsensitiveMap of parameters. */
function param(options: Record<string, unknown> | undefined, key: string): unknown {
  const found = Object.entries(options ?? {}).filter(([k]) => k.toLowerCase() === key.toLowerCase());
  expect(found.length, `one '${key}' option`).toBe(1);
  return found[0]![1];
}

const newMetadataDir = async () => mkdtemp(join(tmpdir(), 'sluice-streaming-metadata-'));
const testStreamFrame = (): StreamFrame => readStream().format(TEST_FORMAT).load();

async function startAndStop(frame: StreamFrame, configure: (w: ReturnType<StreamFrame['writeStream']>) => ReturnType<StreamFrame['writeStream']>, path?: string) {
  const query = await configure(frame.writeStream().format(TEST_FORMAT).option('checkpointLocation', await newMetadataDir()).manager(manager)).start(path);
  await query.stop();
  return query;
}

async function rejection(body: () => unknown): Promise<unknown> {
  try {
    await body();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
}

spark.scenario('resolve default source', async () => {
  await startAndStop(testStreamFrame(), (w) => w);
});

spark.scenario('options', async () => {
  const df = readStream().format(TEST_FORMAT).option('opt1', '1').options({ opt2: '2' }).options({ opt3: '3' }).load();
  expect([param(last.parameters, 'opt1'), param(last.parameters, 'opt2'), param(last.parameters, 'opt3')]).toEqual(['1', '2', '3']);
  await startAndStop(df, (w) => w.option('opt1', '5').options({ opt2: '4' }).options({ opt3: '3' }));
  expect([param(last.sinkParameters, 'opt1'), param(last.sinkParameters, 'opt2'), param(last.sinkParameters, 'opt3')]).toEqual(['5', '4', '3']);
});

spark.scenario('SPARK-32832: later option should override earlier options for load()', async () => {
  readStream().format(TEST_FORMAT).option('paTh', '1').option('PATH', '2').option('Path', '3').option('patH', '4').option('path', '5').load();
  expect(param(last.parameters, 'path')).toBe('5');
});

spark.scenario('SPARK-32832: later option should override earlier options for start()', async () => {
  const ds = testStreamFrame();
  await startAndStop(ds, (w) => w.option('paTh', '1').option('PATH', '2').option('Path', '3').option('patH', '4').option('path', '5'));
  expect(param(last.sinkParameters, 'path')).toBe('5');
});

spark.scenario('partitioning', async () => {
  const df = testStreamFrame();
  await startAndStop(df, (w) => w);
  expect(last.partitionColumns ?? []).toEqual([]);
  await startAndStop(df, (w) => w.partitionBy('a'));
  expect(last.partitionColumns).toEqual(['a']);
  // spark.sql.caseSensitive=false (Sluice's only setting): 'A' is the column a.
  await startAndStop(df, (w) => w.partitionBy('A'));
  expect(last.partitionColumns).toEqual(['a']);
  const error = await rejection(() => startAndStop(df, (w) => w.partitionBy('b')));
  expect(isSluiceError(error, 'UNKNOWN_COLUMN'), String(error)).toBe(true);
});

spark.scenario('stream paths', async () => {
  const df = readStream().format(TEST_FORMAT).load('/test');
  expect(param(last.parameters, 'path')).toBe('/test');
  await startAndStop(df, (w) => w, '/test');
  expect(param(last.sinkParameters, 'path')).toBe('/test');
});

spark.scenario('test different data types for options', async () => {
  const df = readStream().format(TEST_FORMAT).option('intOpt', 56).option('boolOpt', false).option('doubleOpt', 6.7).load('/test');
  expect(['intOpt', 'boolOpt', 'doubleOpt'].map((k) => String(param(last.parameters, k)))).toEqual(['56', 'false', '6.7']);
  await startAndStop(df, (w) => w.option('intOpt', 56).option('boolOpt', false).option('doubleOpt', 6.7), '/test');
  expect(['intOpt', 'boolOpt', 'doubleOpt'].map((k) => String(param(last.sinkParameters, k)))).toEqual(['56', 'false', '6.7']);
});

spark.scenario('unique query names', async () => {
  const start = async (name?: string) => {
    let writer = readStream().format(TEST_FORMAT).load('/test').writeStream().format(TEST_FORMAT).option('checkpointLocation', await newMetadataDir()).manager(manager);
    if (name !== undefined) writer = writer.queryName(name);
    return writer.start();
  };
  const activeNames = () => {
    const names = manager.active.map((q) => q.name);
    expect(new Set(names).size, `names of active queries are unique: ${names.join(', ')}`).toBe(names.length);
    return new Set(names);
  };
  const q1 = await start('name');
  expect(isSluiceError(await rejection(() => start('name')), 'DUPLICATE_QUERY_NAME')).toBe(true);
  expect(activeNames()).toEqual(new Set(['name']));
  const q3 = await start('another-name');
  expect(activeNames()).toEqual(new Set(['name', 'another-name']));
  // Without a name: no name to clash (Spark generates one; Sluice's query name is null).
  const q4 = await start();
  expect(manager.active).toContain(q4);
  await q1.stop();
  const q5 = await start('name');
  expect(activeNames().has('name')).toBe(true);
  await Promise.all([q3.stop(), q4.stop(), q5.stop()]);
});

spark.scenario('trigger', async () => {
  const df = readStream().format(TEST_FORMAT).load('/test');
  const plan = (w: ReturnType<StreamFrame['writeStream']>) => w.format(TEST_FORMAT).validate();
  expect(plan(df.writeStream().trigger(processingTime('10 seconds'))).trigger).toBe('ProcessingTime(10000 ms)');
  expect(plan(df.writeStream().trigger(processingTime(100_000))).trigger).toBe('ProcessingTime(100000 ms)');
  await startAndStop(df, (w) => w.trigger(processingTime('10 seconds')));
});

spark.scenario('check foreach() catches null writers', async () => {
  const error = await rejection(() => testStreamFrame().writeStream().foreach(null as never).manager(manager).start());
  expect(String(error).toLowerCase()).toContain('foreach');
  expect(String(error).toLowerCase()).toContain('null');
});

spark.scenario('check foreach() does not support partitioning', async () => {
  const writer = { open: () => false, process: () => {}, close: () => {} };
  const error = await rejection(() => testStreamFrame().writeStream().partitionBy('value').foreach(writer).manager(manager).start());
  for (const s of ['foreach', 'partitioning']) expect(String(error).toLowerCase()).toContain(s);
});

spark.scenario('prevent all column partitioning', async () => {
  const dir = await newMetadataDir();
  const input = memoryInput('id BIGINT');
  const error = await rejection(() => input.frame.writeStream().outputMode('append').partitionBy('id').format('parquet').option('checkpointLocation', join(dir, 'chk')).manager(manager).start(join(dir, 'out')));
  expect(isSluiceError(error), String(error)).toBe(true);
  expect(String(error)).toContain('Cannot use all columns for partition columns');
});

spark.scenario('SPARK-20431: Specify a schema by using a DDL-formatted string', async () => {
  readStream().format(TEST_FORMAT).schema('aa INT').load();
  expect(last.schema?.fields.map((f) => `${f.name} ${String(f.type)}`)).toEqual(['aa Int32']);
});

spark.scenario("SPARK-32516: 'path' cannot coexist with load()'s path parameter", async () => {
  for (const load of [
    () => readStream().option('path', 'tmp1').format('parquet').load('tmp2'),
    () => readStream().option('path', 'tmp1').format('parquet').load(''),
    () => readStream().option('PATH', 'tmp1').format(TEST_FORMAT).load('tmp2'),
  ]) {
    const error = await rejection(load);
    expect(String(error)).toContain('Either remove the path option, or call load() without the parameter');
  }
});

spark.scenario("SPARK-32516: 'path' cannot coexist with start()'s path parameter", async () => {
  const df = readStream().format(TEST_FORMAT).load('tmp1');
  for (const path of ['tmp3', '']) {
    const error = await rejection(async () => df.writeStream().format(TEST_FORMAT).option('path', 'tmp2').option('checkpointLocation', await newMetadataDir()).manager(manager).start(path));
    expect(String(error)).toContain('Either remove the path option, or call start() without the parameter');
  }
});

spark.scenario('SPARK-32853: consecutive load/start calls should be allowed', async () => {
  const dfr = readStream().format(TEST_FORMAT);
  let df = dfr.load('1');
  df = dfr.load('2');
  expect(param(last.parameters, 'path')).toBe('2');
  const dfw = df.writeStream().option('checkpointLocation', await newMetadataDir()).format(TEST_FORMAT).manager(manager);
  let query = await dfw.start('1');
  await query.stop();
  query = await dfw.start('2');
  await query.stop();
  expect(param(last.sinkParameters, 'path')).toBe('2');
});
