import type { PartitionOffsets } from './kafkaOffset.ts';

/**
 * `maxOffsetsPerTrigger` split across partitions in proportion to their lag, as Spark does,
 * but exact: Spark rounds small shares up (so a partition is never starved) and can exceed the
 * limit; here the shares are floored and the remainder handed out one offset at a time to the
 * partitions with the largest fractional share, so a batch admits exactly
 * `min(limit, total lag)` offsets and no partition gets more than its lag.
 *
 * @param from where each partition's batch starts
 * @param until the latest available offset of each partition
 */
export function limitOffsets(limit: number, from: PartitionOffsets, until: PartitionOffsets): PartitionOffsets {
  const lags: [string, number][] = [];
  let total = 0;
  for (const [key, end] of until) {
    const begin = from.get(key);
    if (begin === undefined) continue;
    const lag = end - begin;
    if (lag > 0) {
      lags.push([key, lag]);
      total += lag;
    }
  }
  if (total <= limit) return new Map(until);
  const result = new Map(until);
  const shares = lags.map(([key, lag]) => {
    const exact = (limit * lag) / total;
    return { key, lag, take: Math.floor(exact), fraction: exact - Math.floor(exact) };
  });
  let remainder = limit - shares.reduce((sum, s) => sum + s.take, 0);
  // Largest fraction first; ties go to the larger lag, then to key order, so the split is deterministic.
  const order = [...shares].sort((a, b) => b.fraction - a.fraction || b.lag - a.lag || (a.key < b.key ? -1 : 1));
  for (const share of order) {
    if (remainder === 0) break;
    if (share.take < share.lag) {
      share.take++;
      remainder--;
    }
  }
  for (const share of shares) result.set(share.key, from.get(share.key)! + share.take);
  return result;
}
