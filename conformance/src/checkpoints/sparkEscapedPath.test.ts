/**
 * Spark's fixture `escaped-path-2.4.0` (StreamingQuerySuite :: detect escaped path and report the
 * migration guide): Spark 2.4 wrote the checkpoint of `chk %@#chk` at a thrice-escaped path and the
 * `_spark_metadata` of `output %@#output` at a once-escaped one (SPARK-26824). Sluice, as Spark 3+,
 * refuses both — a batch read of the output, and the streaming query — naming both directories,
 * changing nothing; once the user moves them, the query resumes the checkpoint (its query id) and
 * the output reads through the log.
 *
 * Restated: `metadata`, `offsets/0` and `_spark_metadata/0` are transcribed (TEMPDIR replaced as
 * Spark's test does); the Parquet file is generated (values 1, 2, 3 under Spark's file name).
 */
import { mkdir, mkdtemp, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSluiceError, QueryManager, silentLogger, tableFromRows, tableToRows, toSchema } from '@sluice/core';
import { readFiles, writeParquet } from '@sluice/formats';
import '@sluice/sinks';
import { intStream } from '../harness/memoryInput.ts';
import { hashDirectory } from '../fixtures/fixtureFiles.ts';

const manager = new QueryManager({ logger: silentLogger });
afterAll(async () => {
  await Promise.all(manager.active.map((q) => q.stop()));
});

const PART = 'part-00000-97f675a2-bb82-4201-8245-05f3dae4c372-c000.snappy.parquet';

async function setUp2dot4dot0Checkpoint(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-escaped-path-'));
  const chk = join(dir, 'chk%252520%252525@%252523chk');
  await mkdir(join(chk, 'offsets'), { recursive: true });
  await writeFile(join(chk, 'metadata'), '{"id":"09be7fb3-49d8-48a6-840d-e9c2ad92a898"}');
  await writeFile(join(chk, 'offsets/0'), 'v1\n{"batchWatermarkMs":0,"batchTimestampMs":1549649384149,"conf":{"spark.sql.streaming.stateStore.providerClass":"org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider","spark.sql.streaming.flatMapGroupsWithState.stateFormatVersion":"2","spark.sql.streaming.multipleWatermarkPolicy":"min","spark.sql.streaming.aggregation.stateFormatVersion":"2","spark.sql.shuffle.partitions":"200"}}\n0');
  await mkdir(join(dir, 'output %@#output'), { recursive: true });
  await writeFile(join(dir, 'output %@#output', PART), writeParquet(tableFromRows(toSchema('value INT'), [{ value: 1 }, { value: 2 }, { value: 3 }])));
  await mkdir(join(dir, 'output%20%25@%23output/_spark_metadata'), { recursive: true });
  await writeFile(
    join(dir, 'output%20%25@%23output/_spark_metadata/0'),
    `v1\n{"path":"file://${dir}/output%20%25@%23output/${PART}","size":404,"isDir":false,"modificationTime":1549649385000,"blockReplication":1,"blockSize":33554432,"action":"add"}\n`,
  );
  return dir;
}

describe('escaped-path-2.4.0 (StreamingQuerySuite :: detect escaped path and report the migration guide)', () => {
  it('refuses the batch read and the query naming both directories, changes nothing, and resumes once the user moved them', async () => {
    const dir = await setUp2dot4dot0Checkpoint();
    const outputDir = join(dir, 'output %@#output');
    const checkpointDir = join(dir, 'chk %@#chk');
    const sparkMetadataDir = join(outputDir, '_spark_metadata');
    const legacySparkMetadataDir = join(dir, 'output%20%25@%23output/_spark_metadata');
    const legacyCheckpointDir = join(dir, 'chk%252520%252525@%252523chk');
    const before = await hashDirectory(dir);
    const input = intStream();
    const start = () => input.frame.writeStream().format('parquet').option('checkpointLocation', checkpointDir).manager(manager).start(outputDir);
    const migrationError = async (attempt: Promise<unknown>, path: string, legacyPath: string) => {
      const error = await attempt.then(() => undefined, (e: unknown) => e as Error);
      expect(isSluiceError(error, 'CHECKPOINT_MISMATCH'), String(error)).toBe(true);
      expect(error!.message).toContain(path);
      expect(error!.message).toContain(legacyPath);
    };

    // A batch read of the output finds the escaped _spark_metadata.
    await migrationError(readFiles(outputDir, { format: 'parquet' }), sparkMetadataDir, legacySparkMetadataDir);
    // The streaming query finds the checkpoint's escaped twin (Sluice resolves the checkpoint
    // before it opens the sink; Spark reports the sink's first — either way both are refused).
    await migrationError(start(), checkpointDir, legacyCheckpointDir);
    expect(await hashDirectory(dir)).toBe(before);

    // Moving the checkpoint; then the sink's escaped _spark_metadata is found.
    await rename(legacyCheckpointDir, checkpointDir);
    const moved = await hashDirectory(dir);
    await migrationError(start(), sparkMetadataDir, legacySparkMetadataDir);
    expect(await hashDirectory(dir)).toBe(moved);

    // Moving _spark_metadata fixes the query: it resumes Spark's checkpoint (its query id), and
    // batch 0 is already in the log, so the output still reads 1, 2, 3.
    await rename(legacySparkMetadataDir, sparkMetadataDir);
    // Sluice's MemoryStream refuses to replay an offset it never had (Spark's replays nothing), so
    // batch 0's offset is given a row: the sink skips the batch, already in the log, so 99 is never written.
    input.add(99);
    const query = await start();
    await query.processAllAvailable();
    expect(query.id).toBe('09be7fb3-49d8-48a6-840d-e9c2ad92a898');
    await query.stop();
    expect(tableToRows(await readFiles(outputDir, { format: 'parquet' })).map((r) => r['value']).sort()).toEqual([1, 2, 3]);
  });
});
