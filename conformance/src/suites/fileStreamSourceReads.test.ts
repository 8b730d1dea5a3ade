/**
 * FileStreamSourceSuite scenarios about what the file source reads (its offsets and Spark 2.1
 * checkpoints are in fileStreamSource.test.ts): real files in a temporary directory, the real file
 * source with its default settle time, Sluice's parquet file sink where Spark's test writes one.
 */
import { expect } from 'vitest';
import { mkdir, mkdtemp, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileCheckpointStore, isSluiceError, once, QueryManager, readStream, silentLogger, tableToRows } from '@sluice/core';
import { readFiles } from '@sluice/formats';
import { memorySink, memoryTableRows } from '@sluice/sinks';
import '@sluice/sources';
import { suite } from '../harness/scenario.ts';

const spark = suite('FileStreamSourceSuite');

async function tempDirs() {
  const root = await mkdtemp(join(tmpdir(), 'sluice-file-source-'));
  const src = join(root, 'src');
  await mkdir(src);
  return { root, src };
}

spark.scenario('SPARK-30669: maxFilesPerTrigger - ignored when using Trigger.Once', async () => {
  const { root, src } = await tempDirs();
  const checkpoint = join(root, 'chk');
  const target = join(root, 'data');
  let lastModified = Math.floor(Date.now() / 1000) - 100;
  const createFile = async (n: number) => {
    const file = join(src, `${n}.txt`);
    await writeFile(file, String(n));
    lastModified += 1;
    await utimes(file, lastModified, lastModified);
  };
  await createFile(1);
  await createFile(2);
  await createFile(3);
  const manager = new QueryManager({ logger: silentLogger });
  const run = async () => {
    const query = await readStream().format('text').option('maxFilesPerTrigger', 1).load(src)
      .writeStream().format('parquet').trigger(once()).option('checkpointLocation', new FileCheckpointStore(checkpoint)).manager(manager).start(target);
    await query.awaitTermination();
    if (query.exception) throw query.exception;
    // Only one trigger ran, and it read every file there (maxFilesPerTrigger is ignored).
    expect(query.recentProgress.filter((p) => p.numInputRows !== 0).length).toBe(1);
  };
  const output = async () => tableToRows(await readFiles(target, { format: 'parquet' })).map((r) => r['value']).sort();
  await run();
  expect(await output()).toEqual(['1', '2', '3']);
  await createFile(4);
  await createFile(5);
  await run();
  expect(await output()).toEqual(['1', '2', '3', '4', '5']);
});

spark.scenario('FileStreamSource schema: path exists (with schema): the text source takes the column name of the user schema', async () => {
  const { src } = await tempDirs();
  await writeFile(join(src, 'a.txt'), 'keep1\ndrop2\n');
  const manager = new QueryManager({ logger: silentLogger });
  const table = `text_schema_${Math.random().toString(36).slice(2)}`;
  const frame = readStream().format('text').schema('line STRING').load(src);
  expect(frame.schema.fields.map((f) => f.name)).toEqual(['line']);
  const query = await frame.writeStream().sink(memorySink({ tableName: table })).manager(manager).start();
  try {
    await query.processAllAvailable();
  } finally {
    await query.stop();
  }
  expect(memoryTableRows(table)).toEqual([{ line: 'keep1' }, { line: 'drop2' }]);
  // Spark's TextFileFormat takes exactly one string column.
  for (const schema of ['a STRING, b STRING', 'a INT']) {
    let error: unknown;
    try {
      readStream().format('text').schema(schema).load(src).schema;
    } catch (e) {
      error = e;
    }
    expect(isSluiceError(error, 'INVALID_SCHEMA'), schema).toBe(true);
  }
});
