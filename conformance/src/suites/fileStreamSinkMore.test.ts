/**
 * More FileStreamSinkSuite scenarios (and FileStreamSourceSuite's reads of a sink's output that
 * ignore its log): Sluice's file sink writes, Sluice's readers read back.
 */
import { expect } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { col, conf, filter, isSluiceError, length, QueryManager, readStream, select, silentLogger, tableToRows } from '@sluice/core';
import { readFiles } from '@sluice/formats';
import '@sluice/sinks';
import '@sluice/sources';
import { memoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { checkAnswer, execute, testStream } from '../harness/streamTest.ts';

const sink = suite('FileStreamSinkSuite');
const source = suite('FileStreamSourceSuite');
const manager = new QueryManager({ logger: silentLogger });

async function dirs() {
  const root = await mkdtemp(join(tmpdir(), 'sluice-file-sink-more-'));
  return { root, outputDir: join(root, 'output'), checkpointDir: join(root, 'checkpoint') };
}

async function withIgnoreMetadata(value: boolean, body: () => Promise<void>): Promise<void> {
  conf.set('spark.sql.streaming.fileStreamSink.ignoreMetadata', value);
  try {
    await body();
  } finally {
    conf.unset('spark.sql.streaming.fileStreamSink.ignoreMetadata');
  }
}

sink.scenario('SPARK-21167: encode and decode path correctly', async () => {
  const input = memoryInput('value STRING');
  const { outputDir, checkpointDir } = await dirs();
  const frame = input.frame.pipe(select(col('value'), length(col('value')).alias('len')));
  const query = await frame.writeStream().partitionBy('value').option('checkpointLocation', checkpointDir).format('parquet').manager(manager).start(outputDir);
  try {
    // The partition value has a space: it is in the file's path.
    input.add('hello world');
    await query.processAllAvailable();
  } finally {
    await query.stop();
  }
  const rows = tableToRows(await readFiles(outputDir, { format: 'parquet' }));
  expect(rows.map((r) => [r['len'], r['value']])).toEqual([['hello world'.length, 'hello world']]);
});

sink.scenario('SPARK-35565: Ignore metadata directory when reading sink output (spark.sql.streaming.fileStreamSink.ignoreMetadata)', async () => {
  for (const ignoreMetadata of [true, false]) {
    await withIgnoreMetadata(ignoreMetadata, async () => {
      const input = memoryInput('value STRING');
      const { outputDir, checkpointDir } = await dirs();
      const query = await input.frame.writeStream().option('checkpointLocation', checkpointDir).format('text').manager(manager).start(outputDir);
      try {
        input.add('1', '2', '3');
        input.add('4', '5');
        await query.processAllAvailable();
      } finally {
        await query.stop();
      }
      await writeFile(join(outputDir, 'additional.txt'), '6');
      const values = tableToRows(await readFiles(outputDir, { format: 'text' })).map((r) => Number(r['value'])).sort();
      expect(values).toEqual(ignoreMetadata ? [1, 2, 3, 4, 5, 6] : [1, 2, 3, 4, 5]);
    });
  }
});

sink.scenario('SPARK-20460 Check name duplication in schema', async () => {
  const input = memoryInput('_1 INT, _2 INT');
  const { outputDir, checkpointDir } = await dirs();
  const query = await input.frame.writeStream().option('checkpointLocation', checkpointDir).format('json').manager(manager).start(outputDir);
  try {
    input.add([1, 1]);
    await query.processAllAvailable();
  } finally {
    await query.stop();
  }
  // spark.sql.caseSensitive is false: 'aA' and 'Aa' are the same column too.
  for (const [c0, c1] of [['a', 'a'], ['aA', 'Aa']]) {
    const error = await readFiles(outputDir, { format: 'json', schema: `${c0} INT, ${c1} INT` }).then(() => undefined, (e: unknown) => e);
    expect(String(error)).toContain(`\`${c1!.toLowerCase()}\``);
    expect(isSluiceError(error), String(error)).toBe(true);
  }
});

source.scenario('SPARK-35565: read data from outputs of another streaming query but ignore its metadata', async () => {
  await withIgnoreMetadata(true, async () => {
    const { root, outputDir } = await dirs();
    const q0Source = memoryInput('value STRING');
    const q0 = await q0Source.frame.writeStream().option('checkpointLocation', join(root, 'chk0')).format('text').manager(manager).start(outputDir);
    q0Source.add('keep0');
    await q0.processAllAvailable();
    await q0.stop();
    await rm(join(outputDir, '_spark_metadata'), { recursive: true });
    const q1Source = memoryInput('value STRING');
    const q1 = await q1Source.frame.writeStream().option('checkpointLocation', join(root, 'chk1')).option('compactInterval', 3).format('text').manager(manager).start(outputDir);
    const q1AddData = (...data: string[]) => execute(async () => {
      q1Source.add(...data);
      await q1.processAllAvailable();
    });
    try {
      await testStream(readStream().format('text').load(outputDir).pipe(filter("contains(value, 'keep')")), {},
        q1AddData('drop1', 'keep2'),
        checkAnswer('keep0', 'keep2'),
        q1AddData('keep3'),
        checkAnswer('keep0', 'keep2', 'keep3'),
        q1AddData('keep4'),
        checkAnswer('keep0', 'keep2', 'keep3', 'keep4'));
    } finally {
      await q1.stop();
    }
  });
});
