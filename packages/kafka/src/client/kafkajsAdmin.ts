import { firstValueFrom, timer, type SchedulerLike } from 'rxjs';
import { SluiceError } from '@sluice/core';
import { abandon, type KafkajsCluster } from './fetch/kafkajsCluster.ts';
import { kafkaError } from './kafkajsErrors.ts';
import type { KafkaAdmin, PartitionOffsetRange } from './types.ts';

interface TopicMetadata {
  readonly topic: string;
  readonly partitionMetadata: readonly { readonly partitionId: number; readonly leader: number }[];
}

interface ListedOffsets {
  readonly responses: readonly { readonly topic: string; readonly partitions: readonly { readonly partition: number; readonly offset: string }[] }[];
}

/** What the admin asks of a kafkajs broker: fresh Metadata and ListOffsets requests (kafkajs's own encoders). */
interface AdminBroker {
  metadata(topics: string[]): Promise<{ topicMetadata: TopicMetadata[] }>;
  listOffsets(request: { replicaId: number; isolationLevel: number; topics: { topic: string; partitions: { partition: number; timestamp: number }[] }[] }): Promise<ListedOffsets>;
}

const LATEST = -1;
const EARLIEST = -2;
/** Attempts of a look-up the broker refused with a retriable error (a leader moving, a topic being created). */
const ATTEMPTS = 3;

/**
 * Metadata and offset look-ups over a kafkajs cluster's connections. Every call asks the broker
 * afresh — metadata for exactly the topics named, then ListOffsets at each partition's leader —
 * rather than reading kafkajs's shared metadata cache: with the cache, a look-up racing another
 * could find a topic's partitions missing and crash inside kafkajs (the flaky "Cannot destructure
 * property 'partitions'" of an auto-created topic). Offsets are looked up at the reader's isolation
 * level (read_committed by default: latest is the last stable offset). Calls fail fast on an unreachable cluster: waiting an outage out
 * is the caller's policy. Once closed, nothing reconnects.
 */
export class KafkajsAdmin implements KafkaAdmin {
  private connecting: Promise<void> | undefined;
  private readonly running = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly cluster: KafkajsCluster,
    private readonly brokers: readonly string[],
    private readonly scheduler: SchedulerLike,
    /** ListOffsets' isolation level: 1 read_committed (latest = the last stable offset), 0 read_uncommitted (the high watermark). */
    private readonly isolationLevel: 0 | 1 = 1,
  ) {}

  async listTopics(): Promise<string[]> {
    const metadata = await this.call('listing topics', () => this.metadata([]));
    return metadata.map((t) => t.topic).filter((t) => !t.startsWith('__')).sort();
  }

  async partitions(topics: readonly string[]): Promise<Map<string, number[]>> {
    const result = new Map<string, number[]>();
    if (topics.length === 0) return result;
    // One Metadata request for every topic: asking for a missing topic by name would fail.
    const metadata = await this.call('reading topic metadata', () => this.metadata([]));
    const wanted = new Set(topics);
    for (const topic of metadata) {
      if (wanted.has(topic.topic)) result.set(topic.topic, topic.partitionMetadata.map((p) => p.partitionId).sort((a, b) => a - b));
    }
    return result;
  }

  async offsetRanges(topics: readonly string[]): Promise<PartitionOffsetRange[]> {
    if (topics.length === 0) return [];
    return this.call(`listing offsets of topic${topics.length > 1 ? 's' : ''} '${topics.join("', '")}'`, async () => {
      const metadata = await this.metadata([...new Set(topics)]);
      const [latest, earliest] = await Promise.all([this.listOffsets(metadata, LATEST), this.listOffsets(metadata, EARLIEST)]);
      return metadata.flatMap((t) =>
        t.partitionMetadata.map((p) => {
          const k = `${t.topic}\u0000${p.partitionId}`;
          return { topic: t.topic, partition: p.partitionId, earliest: earliest.get(k)!, latest: latest.get(k)! };
        }),
      );
    });
  }

  async offsetsForTimestamp(topic: string, timestampMs: number): Promise<{ partition: number; offset: number | null }[]> {
    return this.call(`looking up offsets by timestamp in topic '${topic}'`, async () => {
      const metadata = await this.metadata([topic]);
      const [byTime, latest] = await Promise.all([this.listOffsets(metadata, timestampMs), this.listOffsets(metadata, LATEST)]);
      // Kafka answers "no record that late" with -1; some brokers with the log end. A real match is always below the end.
      return metadata[0]!.partitionMetadata.map(({ partitionId }) => {
        const k = `${topic}\u0000${partitionId}`;
        const offset = byTime.get(k)!;
        return { partition: partitionId, offset: offset < 0 || offset >= latest.get(k)! ? null : offset };
      });
    });
  }

  /** Closes the connections; a look-up under way fails, and none starts again. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await abandon(this.cluster);
    await Promise.all([...this.running]);
    // A connect that landed meanwhile is closed too.
    await abandon(this.cluster);
  }

  private async metadata(topics: string[]): Promise<TopicMetadata[]> {
    const { topicMetadata } = (await this.cluster.metadata({ topics })) as { topicMetadata: TopicMetadata[] };
    for (const topic of topics) {
      const found = topicMetadata.find((t) => t.topic === topic);
      if (!found || found.partitionMetadata.length === 0) throw retriable(`the cluster's metadata has no partitions for topic '${topic}' yet`);
    }
    return topicMetadata;
  }

  /** Offsets at `timestamp` (-1 latest, -2 earliest) of every partition in `metadata`, asked of each partition's leader. */
  private async listOffsets(metadata: readonly TopicMetadata[], timestamp: number): Promise<Map<string, number>> {
    const byLeader = new Map<number, Map<string, { partition: number; timestamp: number }[]>>();
    for (const t of metadata) {
      for (const p of t.partitionMetadata) {
        if (p.leader < 0) throw retriable(`partition ${t.topic}-${p.partitionId} has no leader`);
        const topics = byLeader.get(p.leader) ?? new Map<string, { partition: number; timestamp: number }[]>();
        byLeader.set(p.leader, topics);
        topics.set(t.topic, [...(topics.get(t.topic) ?? []), { partition: p.partitionId, timestamp }]);
      }
    }
    const offsets = new Map<string, number>();
    await Promise.all(
      [...byLeader].map(async ([nodeId, topics]) => {
        const broker = (await this.cluster.findBroker({ nodeId })) as unknown as AdminBroker;
        const listed = await broker.listOffsets({ replicaId: -1, isolationLevel: this.isolationLevel, topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) });
        for (const r of listed.responses) for (const p of r.partitions) offsets.set(`${r.topic}\u0000${p.partition}`, Number(p.offset));
      }),
    );
    return offsets;
  }

  /** Runs a look-up: connecting first, retrying what the broker calls retriable a few times, every failure a SluiceError. */
  private async call<T>(action: string, work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new SluiceError('KAFKA_ERROR', `The Kafka client is closed (while ${action}).`);
    const attempt = async (): Promise<T> => {
      for (let n = 1; ; n++) {
        try {
          this.connecting ??= this.cluster.connect().catch((error: unknown) => {
            this.connecting = undefined;
            throw error;
          });
          await this.connecting;
          return await work();
        } catch (error) {
          if (this.closed || n >= ATTEMPTS || (error as { retriable?: boolean }).retriable !== true) throw error;
          // A leader moved or a topic is being created: look again with fresh metadata.
          await this.cluster.refreshMetadata().catch(() => {});
          await firstValueFrom(timer(50 * 2 ** n, this.scheduler));
        }
      }
    };
    const running = attempt();
    const settled = running.catch(() => {});
    this.running.add(settled);
    try {
      return await running;
    } catch (error) {
      throw kafkaError(error, action, this.brokers);
    } finally {
      this.running.delete(settled);
    }
  }
}

function retriable(message: string): Error {
  return Object.assign(new Error(message), { retriable: true, type: 'LEADER_NOT_AVAILABLE' });
}
