import { expect, test } from 'vitest';
import { asyncScheduler } from 'rxjs';
import { KafkajsAdmin } from './kafkajsAdmin.ts';
import type { KafkajsCluster } from './fetch/kafkajsCluster.ts';

/** A cluster of one broker leading partition t-0, recording the ListOffsets requests it answers. */
function recordingCluster(requests: { isolationLevel: number; timestamp: number }[]): KafkajsCluster {
  const broker = {
    listOffsets: async (request: { isolationLevel: number; topics: { topic: string; partitions: { partition: number; timestamp: number }[] }[] }) => {
      requests.push({ isolationLevel: request.isolationLevel, timestamp: request.topics[0]!.partitions[0]!.timestamp });
      return { responses: [{ topic: 't', partitions: [{ partition: 0, offset: request.topics[0]!.partitions[0]!.timestamp === -1 ? '10' : '0' }] }] };
    },
  };
  return {
    connect: async () => {},
    disconnect: async () => {},
    refreshMetadata: async () => {},
    metadata: async () => ({ topicMetadata: [{ topic: 't', partitionMetadata: [{ partitionId: 0, leader: 1 }] }] }),
    addMultipleTargetTopics: async () => {},
    findTopicPartitionMetadata: () => [],
    findBroker: async () => broker as never,
  };
}

test.each([
  [undefined, 1],
  [1, 1],
  [0, 0],
] as const)('offsets are listed at the isolation level given (%s → %s: 1 read_committed, 0 read_uncommitted)', async (level, sent) => {
  const requests: { isolationLevel: number; timestamp: number }[] = [];
  const admin = level === undefined ? new KafkajsAdmin(recordingCluster(requests), ['b:1'], asyncScheduler) : new KafkajsAdmin(recordingCluster(requests), ['b:1'], asyncScheduler, level);
  expect(await admin.offsetRanges(['t'])).toEqual([{ topic: 't', partition: 0, earliest: 0, latest: 10 }]);
  expect(requests.map((r) => r.isolationLevel)).toEqual([sent, sent]);
  await admin.close();
});
