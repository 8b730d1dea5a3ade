/**
 * FileStreamSinkSuite, restated: a query writes files with Sluice's file sink, and the output is
 * read back the way Spark reads a file sink's directory — through `_spark_metadata`, following
 * FileStreamSinkLog's rules (written out below, independently of Sluice's own reader), with
 * DuckDB reading exactly the files the log lists. A file the log does not list is never read.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { readFiles } from '@sluice/formats';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { col, isSluiceError, map, QueryManager, select, silentLogger, tableToRows, type StreamFrame, type StreamingQuery } from '@sluice/core';
import '@sluice/sinks';
import { intStream, memoryInput } from '../harness/memoryInput.ts';
import { windowedCount } from '../harness/queries.ts';
import { suite } from '../harness/scenario.ts';

const spark = suite('FileStreamSinkSuite');
const manager = new QueryManager({ logger: silentLogger });
let db: DuckDBConnection;

beforeAll(async () => {
  db = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(async () => {
  await Promise.all(manager.active.map((q) => q.stop()));
  db?.closeSync();
});

/**
 * The data files of a file sink's output, as Spark's FileStreamSinkLog lists them: batch files
 * `N` and `N.compact` in `_spark_metadata` (anything else ignored); the latest compaction and the
 * batches after it; each file `v1` then one SinkFileStatus JSON per line; a path with a `delete`
 * action anywhere in them is out.
 */
async function sparkSinkLogFiles(outputDir: string): Promise<string[]> {
  const logDir = join(outputDir, '_spark_metadata');
  const batches = (await readdir(logDir))
    .map((name) => /^(\d+)(\.compact)?$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ id: Number(m[1]), name: m[0], compact: m[2] !== undefined }))
    .sort((a, b) => a.id - b.id);
  const lastCompact = batches.filter((b) => b.compact).at(-1);
  const statuses: { path: string; action: string }[] = [];
  for (const batch of batches.filter((b) => lastCompact === undefined || b.id >= lastCompact.id)) {
    const [version, ...lines] = (await readFile(join(logDir, batch.name), 'utf8')).split('\n');
    expect(version, `${batch.name} is a FileStreamSinkLog v1 file`).toBe('v1');
    for (const line of lines.filter((l) => l.trim() !== '')) {
      const status = JSON.parse(line) as Record<string, unknown>;
      // SinkFileStatus: every field Spark's reader needs, with its types.
      expect(Object.keys(status).sort()).toEqual(['action', 'blockReplication', 'blockSize', 'isDir', 'modificationTime', 'path', 'size']);
      expect(status['isDir']).toBe(false);
      statuses.push(status as { path: string; action: string });
    }
  }
  const deleted = new Set(statuses.filter((s) => s.action === 'delete').map((s) => s.path));
  return [...new Set(statuses.filter((s) => !deleted.has(s.path)).map((s) => fileURLToPath(s.path)))];
}

/** DuckDB over exactly the files the log lists (hive partitions as columns when asked). */
async function duckRead(outputDir: string, columns: string, format: 'parquet' | 'json' = 'parquet', hive = false): Promise<unknown[][]> {
  const files = await sparkSinkLogFiles(outputDir);
  if (files.length === 0) return [];
  const list = `[${files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ')}]`;
  const from = format === 'parquet' ? `read_parquet(${list}, hive_partitioning = ${hive})` : `read_json_auto(${list}, hive_partitioning = ${hive})`;
  return (await db.runAndReadAll(`SELECT ${columns} FROM ${from} ORDER BY ALL`)).getRowsJS().map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
}

async function dirs(outputName = 'output') {
  const root = await mkdtemp(join(tmpdir(), 'sluice-file-sink-conf-'));
  return { outputDir: join(root, outputName), checkpointDir: join(root, 'checkpoint') };
}

async function startWriting(frame: StreamFrame, outputDir: string, checkpointDir: string, format?: string, partitionBy?: string[]): Promise<StreamingQuery> {
  let writer = frame.writeStream().option('checkpointLocation', checkpointDir).manager(manager);
  if (format !== undefined) writer = writer.format(format);
  if (partitionBy) writer = writer.partitionBy(...partitionBy);
  return writer.start(outputDir);
}

spark.scenario('unpartitioned writing and batch reading', async () => {
  const input = intStream();
  const { outputDir, checkpointDir } = await dirs();
  const query = await startWriting(input.frame, outputDir, checkpointDir, 'parquet');
  input.add(1, 2, 3);
  await query.processAllAvailable();
  // A file no batch committed (a crashed writer's, another process's): Spark's reader skips it.
  await writeFile(join(outputDir, 'part-99999-uncommitted.c000.snappy.parquet'), 'not committed');
  expect(await duckRead(outputDir, 'value')).toEqual([[1], [2], [3]]);
  // Past a compaction (every 10th log file), the log still lists every committed file once.
  for (let i = 0; i < 11; i++) {
    input.add(10 + i);
    await query.processAllAvailable();
  }
  await query.stop();
  expect((await readdir(join(outputDir, '_spark_metadata'))).some((n) => n.endsWith('.compact'))).toBe(true);
  expect((await duckRead(outputDir, 'value')).map((r) => r[0])).toEqual([1, 2, 3, ...Array.from({ length: 11 }, (_, i) => 10 + i)]);
});

spark.scenario('partitioned writing and batch reading', async () => {
  const input = intStream();
  const { outputDir, checkpointDir } = await dirs();
  const frame = input.frame.pipe(select(col('value').alias('id'), col('value').multiply(1000).alias('value')));
  const query = await startWriting(frame, outputDir, checkpointDir, 'parquet', ['id']);
  input.add(1, 2, 3);
  await query.processAllAvailable();
  await query.stop();
  expect((await readdir(outputDir)).sort()).toEqual(['_spark_metadata', 'id=1', 'id=2', 'id=3']);
  expect(await duckRead(outputDir, 'value, id', 'parquet', true)).toEqual([[1000, 1], [2000, 2], [3000, 3]]);
});

spark.scenario('writing with aggregation', async () => {
  const input = memoryInput('value BIGINT');
  const { outputDir, checkpointDir } = await dirs();
  const query = await startWriting(windowedCount(input).pipe(select(col('start'), col('start').plus(5).alias('end'), col('count'))), outputDir, checkpointDir, 'parquet');
  const addTimestamp = async (...seconds: number[]) => {
    input.add(...seconds);
    await query.processAllAvailable();
  };
  const check = async (...expected: [number, number, number][]) => expect(await duckRead(outputDir, 'start, "end", count')).toEqual(expected);
  await addTimestamp(100); // watermark 90 after this
  await check(); // nothing emitted yet
  await addTimestamp(104, 123); // watermark 113 after this
  await check([100, 105, 2]); // the no-data batch emits 100-105
  await addTimestamp(140); // watermark 130 after this
  await check([100, 105, 2], [120, 125, 1]); // the no-data batch emits 120-125
  await query.stop();
});

spark.scenario('parquet', async () => {
  // No format: Spark's default source format, parquet.
  for (const format of [undefined, 'parquet']) {
    const input = intStream();
    const { outputDir, checkpointDir } = await dirs();
    const query = await startWriting(input.frame.pipe(select(col('value').alias('id'), col('value').multiply(1000).alias('value'))), outputDir, checkpointDir, format);
    input.add(1, 2);
    await query.processAllAvailable();
    await query.stop();
    expect(query.exception ?? undefined).toBeUndefined();
    expect(await duckRead(outputDir, 'id, value')).toEqual([[1, 1000], [2, 2000]]);
  }
});

spark.scenario('json', async () => {
  const input = intStream();
  const { outputDir, checkpointDir } = await dirs();
  const query = await startWriting(input.frame.pipe(select(col('value').alias('id'), col('value').multiply(1000).alias('value'))), outputDir, checkpointDir, 'json');
  input.add(1, 2);
  await query.processAllAvailable();
  await query.stop();
  expect(await duckRead(outputDir, 'id, value', 'json')).toEqual([[1, 1000], [2, 2000]]);
});

spark.scenario('text', async () => {
  // Spark's test starts and stops the query: a text sink of a frame, started without data.
  const input = intStream();
  const { outputDir, checkpointDir } = await dirs();
  const query = await startWriting(input.frame.pipe(select(col('value').cast('string').alias('value'))), outputDir, checkpointDir, 'text');
  input.add(7);
  await query.processAllAvailable();
  await query.stop();
  const files = await sparkSinkLogFiles(outputDir);
  expect(await Promise.all(files.map((f) => readFile(f, 'utf8')))).toEqual(['7\n']);
});

it('(Sluice) start() with neither a format nor a path is refused, saying how to name a sink', async () => {
  const input = intStream();
  await expect(input.frame.writeStream().manager(manager).start()).rejects.toThrow(/INVALID_QUERY.*needs a sink/);
});

spark.scenario('Update and Complete output mode not supported', async () => {
  for (const mode of ['update', 'complete'] as const) {
    const { outputDir, checkpointDir } = await dirs();
    const frame = intStream().frame.pipe(select(col('value')));
    let error: unknown;
    try {
      await frame.writeStream().format('parquet').outputMode(mode).option('checkpointLocation', checkpointDir).manager(manager).start(outputDir);
    } catch (e) {
      error = e;
    }
    expect(isSluiceError(error, 'UNSUPPORTED_OUTPUT_MODE'), String(error)).toBe(true);
    expect(String(error)).toContain(mode);
  }
});

spark.scenario('special characters in output path', async () => {
  const input = intStream();
  input.add(1, 2, 3);
  const { outputDir, checkpointDir } = await dirs('output @#output');
  const query = await startWriting(input.frame, outputDir, checkpointDir, 'parquet');
  await query.processAllAvailable();
  await query.stop();
  expect(await readdir(outputDir)).toContain('_spark_metadata');
  expect(await duckRead(outputDir, 'value')).toEqual([[1], [2], [3]]);
});

spark.scenario('cleanup incomplete output for aborted task', async () => {
  const input = intStream();
  input.add(1, 2, 3);
  const { outputDir, checkpointDir } = await dirs();
  const failing = input.frame.pipe(map<{ value: number }>(({ value }) => {
    if (value !== 0) throw new Error('/ by zero');
    return { value };
  }, 'value INT'));
  const query = await startWriting(failing, outputDir, checkpointDir, 'parquet');
  await expect(query.processAllAvailable()).rejects.toThrow();
  await query.stop();
  const parquet = (await readdir(outputDir, { recursive: true }).catch(() => [] as string[])).filter((f) => String(f).endsWith('.parquet'));
  expect(parquet, 'incomplete files should be cleaned up').toEqual([]);
});

spark.scenario('Handle FileStreamSink metadata correctly for empty partition', async () => {
  for (const format of ['parquet', 'text', 'json'] as const) {
    const input = memoryInput('value STRING');
    const { outputDir, checkpointDir } = await dirs();
    const query = await startWriting(input.frame, outputDir, checkpointDir, format);
    input.add('1', '2', '3');
    input.add('4', '5');
    await query.processAllAvailable();
    await query.stop();
    const files = await sparkSinkLogFiles(outputDir);
    // Only files with rows are logged, and every logged file exists.
    expect(files.length).toBeGreaterThan(0);
    expect(files.length).toBeLessThan(10);
    const rows = tableToRows(await readFiles(outputDir, { format, ...(format === 'parquet' ? {} : { schema: 'value STRING' }) }));
    expect(rows.map((r) => Number(r['value'])).sort()).toEqual([1, 2, 3, 4, 5]);
  }
});

spark.scenario('SPARK-35565: Ignore metadata directory when reading sink output', async () => {
  const input = memoryInput('value STRING');
  const { outputDir, checkpointDir } = await dirs();
  const query = await startWriting(input.frame, outputDir, checkpointDir, 'text');
  input.add('1', '2', '3');
  input.add('4', '5');
  await query.processAllAvailable();
  await query.stop();
  await writeFile(join(outputDir, 'additional.txt'), '6');
  // Through the metadata log (Sluice's reader and Spark's rules agree): the added file is not output.
  const viaLog = tableToRows(await readFiles(outputDir, { format: 'text' })).map((r) => Number(r['value'])).sort();
  expect(viaLog).toEqual([1, 2, 3, 4, 5]);
  const logged = await sparkSinkLogFiles(outputDir);
  expect((await Promise.all(logged.map((f) => readFile(f, 'utf8')))).join('').split('\n').filter(Boolean).map(Number).sort()).toEqual([1, 2, 3, 4, 5]);
  // Ignoring the log (spark.sql.streaming.fileSink.log.ignoreMetadata, a plain directory read): every file.
  const all = (await readdir(outputDir)).filter((f) => !f.startsWith('_') && !f.startsWith('.'));
  expect((await Promise.all(all.map((f) => readFile(join(outputDir, f), 'utf8')))).join('\n').split('\n').filter(Boolean).map(Number).sort()).toEqual([1, 2, 3, 4, 5, 6]);
});

spark.scenario('SPARK-23288 writing and checking output metrics', async () => {
  for (const format of ['parquet', 'text', 'json']) {
    const input = memoryInput('value STRING');
    const { outputDir, checkpointDir } = await dirs();
    const query = await startWriting(input.frame, outputDir, checkpointDir, format);
    input.add('1', '2', '3');
    input.add('4', '5');
    await query.processAllAvailable();
    await query.stop();
    expect(query.recentProgress.reduce((n, p) => n + p.sink.numOutputRows, 0), format).toBe(5);
  }
});
