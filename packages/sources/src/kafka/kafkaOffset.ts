import { SluiceError, type Offset } from '@sluice/core';

/**
 * A Kafka source offset in Spark's JSON form, `{"topic":{"0":42,"1":7}}`: per partition, the
 * next offset to read. Written verbatim into the checkpoint's offset log and progress JSON.
 */
export type KafkaOffset = { readonly [topic: string]: { readonly [partition: string]: number } };

/** Offsets keyed `topic\0partition` while computing; turned back into `KafkaOffset` at the edge. */
export type PartitionOffsets = Map<string, number>;

export const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export function splitKey(key: string): { topic: string; partition: number } {
  const at = key.lastIndexOf('\u0000');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}

/** The offsets of a `KafkaOffset`, checking its shape (it may come from a checkpoint written by anything). */
export function toPartitionOffsets(offset: Offset, what = 'Kafka source offset'): PartitionOffsets {
  const result: PartitionOffsets = new Map();
  if (offset === null || typeof offset !== 'object' || Array.isArray(offset)) throw badOffset(offset, what);
  for (const [topic, partitions] of Object.entries(offset)) {
    if (partitions === null || typeof partitions !== 'object' || Array.isArray(partitions)) throw badOffset(offset, what);
    for (const [partition, value] of Object.entries(partitions)) {
      if (!/^\d+$/.test(partition) || typeof value !== 'number' || !Number.isSafeInteger(value)) throw badOffset(offset, what);
      result.set(partitionKey(topic, Number(partition)), value);
    }
  }
  return result;
}

/** Spark's JSON form, topics and partitions in a stable order so equal offsets print alike. */
export function toKafkaOffset(offsets: PartitionOffsets): KafkaOffset {
  const byTopic = new Map<string, [number, number][]>();
  for (const [key, value] of offsets) {
    const { topic, partition } = splitKey(key);
    let list = byTopic.get(topic);
    if (!list) byTopic.set(topic, (list = []));
    list.push([partition, value]);
  }
  const result: Record<string, Record<string, number>> = {};
  for (const topic of [...byTopic.keys()].sort()) {
    const partitions: Record<string, number> = {};
    for (const [partition, value] of byTopic.get(topic)!.sort((a, b) => a[0] - b[0])) partitions[String(partition)] = value;
    result[topic] = partitions;
  }
  return result;
}

function badOffset(offset: Offset, what: string): SluiceError {
  return new SluiceError(
    'CHECKPOINT_MISMATCH',
    `${what} ${JSON.stringify(offset)} is not in Kafka's form {"topic":{"0":42}}: the checkpoint was written by a different source. Use a new checkpointLocation for this query.`,
    { details: { offset } },
  );
}

/** The version of `sources/<i>/0` (Spark's KafkaSourceInitialOffsetWriter.VERSION). */
const INITIAL_OFFSET_VERSION = 1;

/**
 * `sources/<i>/0` as Spark writes it (SPARK-19517): a zero byte, then `v1`, a newline and the
 * offsets' JSON. The zero byte is what Spark 2.1.0's reader skipped, so every Spark since writes it.
 */
export function serializeInitialOffset(offset: KafkaOffset): string {
  return `\u0000v${INITIAL_OFFSET_VERSION}\n${JSON.stringify(offset)}`;
}

/**
 * Read `sources/<i>/0` in any form Spark or Sluice wrote: Spark's (a zero byte, `v1`, JSON),
 * Spark 2.1.0's (a length byte, then the JSON alone) and an earlier Sluice's (`v1`, JSON, no
 * leading byte). A newer version is refused with CHECKPOINT_CORRUPT naming the file, as Spark
 * refuses it.
 */
export function parseInitialOffset(text: string, file: string): KafkaOffset {
  // Spark skips the first byte whatever it is; only an earlier Sluice's file starts with its version.
  const content = /^v\d+\n/.test(text) ? text : text.slice(1);
  let json = content;
  if (content.startsWith('v')) {
    const newline = content.indexOf('\n');
    const version = /^v(\d+)$/.exec(newline > 0 ? content.slice(0, newline) : '');
    if (!version) throw initialOffsetCorrupt(file, 'its version line is missing or malformed (expected "v1")');
    if (Number(version[1]) > INITIAL_OFFSET_VERSION) {
      throw initialOffsetCorrupt(file, `the maximum supported log version is v${INITIAL_OFFSET_VERSION}, but encountered v${version[1]}: it was written by a newer Spark or Sluice; upgrade Sluice`);
    }
    json = content.slice(newline + 1);
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw initialOffsetCorrupt(file, 'its offsets are not JSON');
  }
  toPartitionOffsets(value as Offset, `The initial offsets in ${file},`);
  return value as KafkaOffset;
}

function initialOffsetCorrupt(file: string, why: string): SluiceError {
  return new SluiceError('CHECKPOINT_CORRUPT', `Cannot read the Kafka source's initial offsets ${file}: ${why}. Restore the file from a backup, or start the query on a new checkpointLocation.`, { details: { file } });
}
