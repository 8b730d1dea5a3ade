import type { PartitionOffsets } from './kafkaOffset.ts';

/**
 * `maxOffsetsPerTrigger` split across partitions in proportion to their lag, by Spark's rule
 * (KafkaMicroBatchStream.rateLimit): a partition's share `limit × lag / total` is floored,
 * except that a share below one offset is rounded up, so a small partition is never starved.
 * Like Spark's, a batch can therefore admit a little less than the limit (the floors) or, with
 * many nearly-caught-up partitions, a little more; it never takes more than a partition has.
 * Spark's KafkaMicroBatchSourceSuite checks exactly these batches.
 *
 * @param from where each partition's batch starts
 * @param until the latest available offset of each partition
 */
export function limitOffsets(limit: number, from: PartitionOffsets, until: PartitionOffsets): PartitionOffsets {
  const lags = new Map<string, number>();
  let total = 0;
  for (const [key, end] of until) {
    const begin = from.get(key);
    if (begin === undefined) continue;
    const lag = end - begin;
    if (lag > 0) {
      lags.set(key, lag);
      total += lag;
    }
  }
  const result = new Map(until);
  if (total < 1) return result;
  for (const [key, lag] of lags) {
    const share = limit * (lag / total);
    const take = share < 1 ? Math.ceil(share) : Math.floor(share);
    result.set(key, Math.min(until.get(key)!, from.get(key)! + take));
  }
  return result;
}
