import { SluiceError } from '@sluice/core';
import type { KafkaAdmin, PartitionOffsetRange, TopicPartition } from '@sluice/kafka';
import type { DataLossPolicy } from './dataLoss.ts';
import { partitionKey, type PartitionOffsets } from './kafkaOffset.ts';
import type { KafkaSourceConfig } from './options.ts';

/**
 * Turn `startingOffsets` / `startingOffsetsByTimestamp` / `startingTimestamp` into concrete
 * offsets for the partitions subscribed now. Run once per checkpoint: the result is persisted,
 * so a restart before batch 0 commits reads the same range instead of re-resolving `latest`.
 */
export async function resolveStartingOffsets(
  config: KafkaSourceConfig,
  partitions: readonly TopicPartition[],
  ranges: readonly PartitionOffsetRange[],
  admin: KafkaAdmin,
  dataLoss: DataLossPolicy,
): Promise<PartitionOffsets> {
  const range = new Map(ranges.map((r) => [partitionKey(r.topic, r.partition), r]));
  const result: PartitionOffsets = new Map();
  const start = config.startingOffsets;
  for (const tp of partitions) {
    const k = partitionKey(tp.topic, tp.partition);
    const r = range.get(k);
    if (!r) continue;
    if (start.kind === 'earliest') result.set(k, r.earliest);
    else if (start.kind === 'latest') result.set(k, r.latest);
  }
  if (start.kind === 'offsets') {
    // A topic given as "earliest"/"latest" covers all its partitions; the others must be listed one by one.
    const listed = partitions.filter((tp) => start.topics[tp.topic] === undefined);
    requireEveryPartition('startingOffsets', start.offsets, listed);
    for (const tp of partitions) {
      const r = range.get(partitionKey(tp.topic, tp.partition))!;
      const level = start.topics[tp.topic];
      const wanted = level === 'earliest' ? -2 : level === 'latest' ? -1 : start.offsets[tp.topic]![String(tp.partition)]!;
      const offset = wanted === -2 ? r.earliest : wanted === -1 ? r.latest : wanted;
      if (offset < r.earliest) {
        dataLoss.report(tp.topic, tp.partition, offset, r.earliest, `startingOffsets asks for offset ${offset}, but the partition now starts at ${r.earliest}`);
        result.set(partitionKey(tp.topic, tp.partition), r.earliest);
      } else if (offset > r.latest) {
        dataLoss.report(tp.topic, tp.partition, r.latest, offset, `startingOffsets asks for offset ${offset}, beyond the end of the partition (${r.latest})`);
        result.set(partitionKey(tp.topic, tp.partition), r.latest);
      } else result.set(partitionKey(tp.topic, tp.partition), offset);
    }
  }
  if (start.kind === 'timestamp' || start.kind === 'timestamps') {
    if (start.kind === 'timestamps') requireEveryPartition('startingOffsetsByTimestamp', start.timestamps, partitions);
    const topics = [...new Set(partitions.map((p) => p.topic))];
    for (const topic of topics) {
      const timestamps = new Set(partitions.filter((p) => p.topic === topic).map((p) => timestampFor(start, p)));
      for (const timestampMs of timestamps) {
        const found = await admin.offsetsForTimestamp(topic, timestampMs);
        for (const { partition, offset } of found) {
          if (!partitions.some((p) => p.topic === topic && p.partition === partition) || timestampFor(start, { topic, partition }) !== timestampMs) continue;
          const k = partitionKey(topic, partition);
          if (offset !== null) result.set(k, offset);
          else if (config.timestampStrategy === 'latest') result.set(k, range.get(k)!.latest);
          else {
            throw new SluiceError(
              'INVALID_OPTION',
              `No record in ${topic}-${partition} has a timestamp at or after ${timestampMs} (${new Date(timestampMs).toISOString()}). ` +
                "Set 'startingOffsetsByTimestampStrategy' to 'latest' to start at the end of such partitions instead.",
              { details: { topic, partition, timestampMs } },
            );
          }
        }
      }
    }
  }
  return result;
}

function timestampFor(start: { kind: 'timestamp'; timestampMs: number } | { kind: 'timestamps'; timestamps: Readonly<Record<string, Readonly<Record<string, number>>>> }, tp: TopicPartition): number {
  return start.kind === 'timestamp' ? start.timestampMs : start.timestamps[tp.topic]![String(tp.partition)]!;
}

/** Spark's rule: specific offsets or timestamps must name exactly the partitions being read. */
function requireEveryPartition(option: string, given: Readonly<Record<string, Readonly<Record<string, number>>>>, partitions: readonly TopicPartition[]): void {
  const specified = Object.entries(given).flatMap(([t, ps]) => Object.keys(ps).map((p) => `${t}-${p}`)).sort();
  const assigned = partitions.map((p) => `${p.topic}-${p.partition}`).sort();
  if (specified.join(',') !== assigned.join(',')) {
    throw new SluiceError(
      'INVALID_OPTION',
      `If ${option} contains specific offsets, you must specify all TopicPartitions: option '${option}' must give every partition being read, no more and no less (use -1 for latest, -2 for earliest). ` +
        `Given: ${specified.join(', ') || '(none)'}; partitions: ${assigned.join(', ') || '(none)'}.`,
      { details: { option, specified, assigned } },
    );
  }
}
