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
