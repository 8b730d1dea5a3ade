/**
 * FileStreamSourceSuite: the offset formats Spark 2.1.0 wrote (`offsets/N` holding a bare log
 * offset such as `345`, or `{"logOffset":345}`), run end to end: a checkpoint in that form on
 * disk, the real file source, a restart that must continue where Spark left off.
 */
import { expect, it } from 'vitest';
import { mkdir, mkdtemp, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileCheckpointStore, QueryManager, readStream, silentLogger } from '@sluice/core';
import { memorySink, memoryTableRows } from '@sluice/sinks';
import '@sluice/sources';
import { suite } from '../harness/scenario.ts';
import { hashDirectory } from '../fixtures/fixtureFiles.ts';

const spark = suite('FileStreamSourceSuite');

/**
 * A checkpoint as Spark 2.1 left it after batch `last`: one file per log batch in
 * `sources/0/<n>` (Spark's FileStreamSourceLog lines), `offsets/<n>` with `offset(n)` as the
 * source's offset, no commit log (2.1 had none). Returns the input and checkpoint directories.
 */
async function spark21Checkpoint(last: number, offset: (n: number) => string) {
  const root = await mkdtemp(join(tmpdir(), 'sluice-file-offset-'));
  const input = join(root, 'in');
  const checkpoint = join(root, 'checkpoint');
  await mkdir(input);
  await mkdir(join(checkpoint, 'sources/0'), { recursive: true });
  await mkdir(join(checkpoint, 'offsets'));
  await writeFile(join(checkpoint, 'metadata'), '{"id":"8f9c1a2e-3b4d-4e5f-8a6b-7c8d9e0f1a2b"}');
  for (let n = 0; n <= last; n++) {
    const file = join(input, `${n}.json`);
    await writeFile(file, `{"value":${n}}\n`);
    // The log records each file's modification time, as Spark's FileEntry does.
    const timestamp = Math.floor(Date.now() / 1000) * 1000 - 60_000 + n * 1000;
    await utimes(file, timestamp / 1000, timestamp / 1000);
    await writeFile(join(checkpoint, 'sources/0', String(n)), `v1\n${JSON.stringify({ path: pathToFileURL(file).href, timestamp, batchId: n })}`);
    await writeFile(join(checkpoint, 'offsets', String(n)), `v1\n{"batchWatermarkMs":0,"batchTimestampMs":${1489085905815 + n}}\n${offset(n)}`);
  }
  return { input, checkpoint };
}

async function resume(input: string, checkpoint: string): Promise<number[]> {
  const manager = new QueryManager({ logger: silentLogger });
  const table = `file_offset_${Math.random().toString(36).slice(2)}`;
  const query = await readStream().format('json').schema('value INT').option('fileSettleTime', 0).load(input)
    .writeStream().sink(memorySink({ tableName: table })).option('checkpointLocation', new FileCheckpointStore(checkpoint)).manager(manager).start();
  try {
    await query.processAllAvailable();
    await writeFile(join(input, 'new.json'), '{"value":100}\n');
    await query.processAllAvailable();
  } finally {
    await query.stop();
  }
  if (query.exception) throw query.exception;
  return memoryTableRows(table).map((r) => r['value'] as number);
}

spark.scenario('FileStreamSource offset - read Spark 2.1.0 offset long format', async () => {
  const { input, checkpoint } = await spark21Checkpoint(2, (n) => String(n));
  // Batch 2 has no commit (Spark 2.1 had no commit log): it runs again, then the new file is batch 3.
  expect(await resume(input, checkpoint)).toEqual([2, 100]);
});

spark.scenario('FileStreamSource offset - read Spark 2.1.0 offset json format', async () => {
  const { input, checkpoint } = await spark21Checkpoint(2, (n) => `{"logOffset":${n}}`);
  expect(await resume(input, checkpoint)).toEqual([2, 100]);
});

it('(Sluice) a file source offset in neither form is refused with CHECKPOINT_CORRUPT; the checkpoint is left as it was', async () => {
  const { input, checkpoint } = await spark21Checkpoint(1, (n) => `{"partition":${n}}`);
  const before = await hashDirectory(checkpoint);
  await expect(resume(input, checkpoint)).rejects.toThrow(/CHECKPOINT_CORRUPT|logOffset/);
  expect(await hashDirectory(checkpoint)).toBe(before);
});
