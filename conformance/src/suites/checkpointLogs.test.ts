/**
 * OffsetSeqLogSuite and CommitLogSuite, restated: the `offsets/N` and `commits/N` files as Spark
 * writes and reads them, through Sluice's checkpoint (the real log code over a checkpoint store).
 */
import { expect } from 'vitest';
import { isSluiceError, memoryCheckpoint } from '@sluice/core';
import { Checkpoint } from '@sluice/core/internal';
import { intStream } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { addData, assertOnQuery, checkAnswer, testStream } from '../harness/streamTest.ts';

const offsetLog = suite('OffsetSeqLogSuite');
const commitLog = suite('CommitLogSuite');

/** A checkpoint holding `files`, recovered as a query with `sources` sources would. */
async function recoverWith(files: Record<string, string>, sources = 1) {
  const store = memoryCheckpoint();
  for (const [path, text] of Object.entries(files)) await store.write(path, text, { ifAbsent: true });
  return new Checkpoint(store).recover(sources);
}

const metadataOf = async (line: string) => (await recoverWith({ 'offsets/0': `v1\n${line}\n0` })).pending!.seq.metadata;
const SHUFFLE = 'spark.sql.shuffle.partitions';

offsetLog.scenario('OffsetSeqMetadata - deserialization', async () => {
  const expected = (batchWatermarkMs: number, batchTimestampMs: number, partitions?: number) => ({ batchWatermarkMs, batchTimestampMs, conf: partitions === undefined ? {} : { [SHUFFLE]: String(partitions) } });
  // None set
  expect(await metadataOf('{}')).toEqual(expected(0, 0));
  // One set
  expect(await metadataOf('{"batchWatermarkMs":1}')).toEqual(expected(1, 0));
  expect(await metadataOf('{"batchTimestampMs":2}')).toEqual(expected(0, 2));
  expect(await metadataOf(`{"conf": {"${SHUFFLE}":2}}`)).toEqual(expected(0, 0, 2));
  // Two set
  expect(await metadataOf('{"batchWatermarkMs":1,"batchTimestampMs":2}')).toEqual(expected(1, 2));
  expect(await metadataOf(`{"batchWatermarkMs":1,"conf": {"${SHUFFLE}":3}}`)).toEqual(expected(1, 0, 3));
  expect(await metadataOf(`{"batchTimestampMs":2,"conf": {"${SHUFFLE}":3}}`)).toEqual(expected(0, 2, 3));
  // All set
  expect(await metadataOf(`{"batchWatermarkMs":1,"batchTimestampMs":2,"conf": {"${SHUFFLE}":3}}`)).toEqual(expected(1, 2, 3));
  // Unknown fields are dropped
  expect(await metadataOf(`{"batchWatermarkMs":1,"batchTimestampMs":2,"conf": {"${SHUFFLE}":3},"unknown":1}`)).toEqual(expected(1, 2, 3));
});

offsetLog.scenario('OffsetSeqLog - serialization - deserialization', async () => {
  const store = memoryCheckpoint();
  const log = new Checkpoint(store);
  const metadata = { batchWatermarkMs: 0, batchTimestampMs: 0, conf: {} };
  await log.writeOffsets(0, { metadata, offsets: [0, 1, 2] });
  expect((await new Checkpoint(store).recover(3)).pending).toEqual({ batchId: 0, seq: { metadata, offsets: [0, 1, 2] } });
  await log.writeOffsets(1, { metadata, offsets: ['one', 'two', 'three'] });
  const recovered = await new Checkpoint(store).recover(3);
  expect(recovered.pending).toEqual({ batchId: 1, seq: { metadata, offsets: ['one', 'two', 'three'] } });
  expect(recovered.committed).toEqual([0, 1, 2]);
  // Adding the same batch again changes nothing (Sluice also says so: a second writer is an error).
  const before = await store.read('offsets/1');
  await expect(new Checkpoint(store).writeOffsets(1, { metadata, offsets: [3] })).rejects.toThrow(/CHECKPOINT_LOCKED/);
  expect(await store.read('offsets/1')).toBe(before);
  expect((await new Checkpoint(store).recover(3)).pending!.seq.offsets).toEqual(['one', 'two', 'three']);
});

offsetLog.scenario('deserialization log written by future version', async () => {
  let error: unknown;
  try {
    await recoverWith({ 'offsets/0': 'v99999' });
  } catch (e) {
    error = e;
  }
  expect(isSluiceError(error, 'CHECKPOINT_CORRUPT'), String(error)).toBe(true);
  expect(String(error)).toContain('maximum supported log version is v2, but encountered v99999');
  expect(String(error)).toContain('produced by a newer version of Spark and cannot be read by this version');
});

offsetLog.scenario('read Spark 2.1.0 log format', async () => {
  // sql/core/src/test/resources/structured-streaming/offset-log-version-2.1.0/0, transcribed.
  const recovered = await recoverWith({ 'offsets/0': 'v1\n{"batchWatermarkMs":0,"batchTimestampMs":1480981499528}\n{"logOffset":345}\n{"topic-0":{"0":1}}' }, 2);
  expect(recovered.pending!.batchId).toBe(0);
  expect(recovered.pending!.seq.offsets).toEqual([{ logOffset: 345 }, { 'topic-0': { '0': 1 } }]);
  expect(recovered.pending!.seq.metadata).toEqual({ batchWatermarkMs: 0, batchTimestampMs: 1480981499528, conf: {} });
});

offsetLog.scenario('STREAMING_OFFSET_LOG_FORMAT_VERSION config - default VERSION_1', () => {
  const input = intStream();
  return testStream(input.frame, {},
    addData(input, 1, 2, 3),
    checkAnswer(1, 2, 3),
    assertOnQuery(async ({ checkpoint }) => {
      const [version, metadata, offset] = (await checkpoint.read('offsets/0'))!.split('\n');
      expect(version).toBe('v1');
      expect(Object.keys(JSON.parse(metadata!))).toEqual(expect.arrayContaining(['batchWatermarkMs', 'batchTimestampMs', 'conf']));
      expect(JSON.parse(offset!)).toBe(0);
      return true;
    }));
});

commitLog.scenario('Basic Commit Log V1 SerDe', async () => {
  const store = memoryCheckpoint();
  const log = new Checkpoint(store);
  await log.writeOffsets(0, { metadata: { batchWatermarkMs: 0, batchTimestampMs: 0, conf: {} }, offsets: [0] });
  await log.writeCommit(0, { nextBatchWatermarkMs: 1 });
  expect(await store.read('commits/0')).toBe('v1\n{"nextBatchWatermarkMs":1}');
  expect((await new Checkpoint(store).recover(1)).watermarkMs).toBe(1);
});

commitLog.scenario('Cross-version V1 SerDe', async () => {
  const recovered = await recoverWith({ 'offsets/0': 'v1\n{}\n0', 'commits/0': 'v1\n{"nextBatchWatermarkMs":233}' });
  expect(recovered.watermarkMs).toBe(233);
  expect(recovered.nextBatchId).toBe(1);
});

commitLog.scenario('v1 Serde backward compatibility', async () => {
  // A commit written by a newer Spark under v1 (with stateUniqueIds): the watermark is read, the rest ignored.
  const recovered = await recoverWith({ 'offsets/0': 'v1\n{}\n0', 'commits/0': 'v1\n{"nextBatchWatermarkMs":1,"stateUniqueIds":{}}' });
  expect(recovered.watermarkMs).toBe(1);
});

commitLog.scenario('Cross-version V2 SerDe', async () => {
  // sql/core/src/test/resources/structured-streaming/testCommitLogV2/testCommitLog, transcribed.
  // Spark's test also compares stateUniqueIds; Sluice reads no Spark state, so only the watermark is kept.
  const recovered = await recoverWith({
    'offsets/0': 'v1\n{}\n0',
    'commits/0': 'v2\n{"nextBatchWatermarkMs":0,"stateUniqueIds":{"0":[["unique_id1","unique_id2"],["unique_id3","unique_id4"]],"1":[["unique_id5","unique_id6"],["unique_id7","unique_id8"]]}}',
  });
  expect(recovered.watermarkMs).toBe(0);
  expect(recovered.nextBatchId).toBe(1);
});

/** The metadata line of Spark's offset-map fixture (sql/core/src/test/resources/structured-streaming/offset-map), its conf cut to the shuffle partitions. */
const OFFSET_MAP_METADATA = '{"batchWatermarkMs":0,"batchTimestampMs":1758651405232,"conf":{"spark.sql.shuffle.partitions":"5"}}';

offsetLog.scenario('OffsetMap golden file compatibility test - VERSION_2 format', async () => {
  // offset-map/0 … 3, transcribed: Spark 4's v2 entries (`0:<offset>`, a final line break).
  const files = Object.fromEntries([0, 1, 2, 3].map((b) => [`offsets/${b}`, `v2\n${OFFSET_MAP_METADATA}\n0:${b}\n`]));
  const recovered = await recoverWith(files);
  expect(recovered.pending!.batchId).toBe(3);
  expect(recovered.pending!.seq.offsets).toEqual([3]);
  expect(recovered.pending!.seq.metadata.batchWatermarkMs).toBe(0);
  expect(recovered.pending!.seq.metadata.batchTimestampMs).toBe(1758651405232);
});

offsetLog.scenario('checkpoint version wins on restart (v2 to v1)', async () => {
  // The first run (Spark 4 with the v2 offset log) read 1, 2; the restart reads 3, 4 and keeps v2.
  const input = intStream();
  input.add(1, 2);
  const checkpoint = memoryCheckpoint();
  await checkpoint.write('offsets/0', `v2\n${OFFSET_MAP_METADATA}\n0:0`, { ifAbsent: true });
  await checkpoint.write('commits/0', 'v1\n{"nextBatchWatermarkMs":0}', { ifAbsent: true });
  await testStream(input.frame, { checkpoint },
    addData(input, 3, 4),
    checkAnswer(3, 4),
    assertOnQuery(async ({ checkpoint: store }) => {
      const [version, , offset] = (await store.read('offsets/1'))!.split('\n');
      expect(version).toBe('v2');
      expect(offset).toBe('0:1');
      return true;
    }));
});

offsetLog.scenario('OffsetMap golden file compatibility test - VERSION_2 format (a source the map does not name starts from its initial offset)', async () => {
  // Spark pairs a v2 entry's offsets with the query's sources by id; a source without an entry
  // (here the second side of a union) has no offset yet and is read from its start.
  const left = intStream('left');
  const right = intStream('right');
  left.add(1, 2);
  right.add(10, 20);
  const checkpoint = memoryCheckpoint();
  await checkpoint.write('offsets/0', `v2\n${OFFSET_MAP_METADATA}\n0:0`, { ifAbsent: true });
  await checkpoint.write('commits/0', 'v1\n{"nextBatchWatermarkMs":0}', { ifAbsent: true });
  await testStream(left.frame.union(right.frame), { checkpoint },
    addData(left, 3),
    checkAnswer(3, 10, 20));
});
