import type { Admin } from 'kafkajs';
import { kafkaError } from './kafkajsErrors.ts';
import type { KafkaAdmin, PartitionOffsetRange } from './types.ts';

/**
 * Metadata and offset look-ups through one kafkajs admin connection. Calls fail fast (kafkajs
 * retries only briefly): waiting out a broker outage is the caller's policy, not the client's.
 */
export class KafkajsAdmin implements KafkaAdmin {
  private connected: Promise<void> | undefined;

  constructor(
    private readonly admin: Admin,
    private readonly brokers: readonly string[],
  ) {}

  async listTopics(): Promise<string[]> {
    const topics = await this.call('listing topics', (admin) => admin.listTopics());
    return topics.filter((t) => !t.startsWith('__')).sort();
  }

  async partitions(topics: readonly string[]): Promise<Map<string, number[]>> {
    const result = new Map<string, number[]>();
    if (topics.length === 0) return result;
    // One Metadata request for every topic: asking for a missing topic by name would fail (or create it).
    const metadata = await this.call('reading topic metadata', (admin) => admin.fetchTopicMetadata());
    const wanted = new Set(topics);
    for (const topic of metadata.topics) {
      if (wanted.has(topic.name)) result.set(topic.name, topic.partitions.map((p) => p.partitionId).sort((a, b) => a - b));
    }
    return result;
  }

  async offsetRanges(topics: readonly string[]): Promise<PartitionOffsetRange[]> {
    const perTopic = await Promise.all(
      topics.map(async (topic) => {
        const offsets = await this.call(`listing offsets of topic '${topic}'`, (admin) => admin.fetchTopicOffsets(topic));
        return offsets.map((o) => ({ topic, partition: o.partition, earliest: Number(o.low), latest: Number(o.high) }));
      }),
    );
    return perTopic.flat();
  }

  async offsetsForTimestamp(topic: string, timestampMs: number): Promise<{ partition: number; offset: number | null }[]> {
    const [ranges, byTime] = await Promise.all([
      this.offsetRanges([topic]),
      this.call(`looking up offsets by timestamp in topic '${topic}'`, (admin) => admin.fetchTopicOffsetsByTimestamp(topic, timestampMs)),
    ]);
    // kafkajs answers "no record that late" with the log end; a real match is always below it.
    return byTime.map(({ partition, offset }) => {
      const latest = ranges.find((r) => r.partition === partition)?.latest;
      const value = Number(offset);
      return { partition, offset: latest !== undefined && value >= latest ? null : value };
    });
  }

  async close(): Promise<void> {
    if (this.connected) await this.admin.disconnect().catch(() => {});
    this.connected = undefined;
  }

  private async call<T>(action: string, work: (admin: Admin) => Promise<T>): Promise<T> {
    try {
      this.connected ??= this.admin.connect().catch((error: unknown) => {
        this.connected = undefined;
        throw error;
      });
      await this.connected;
      return await work(this.admin);
    } catch (error) {
      throw kafkaError(error, action, this.brokers);
    }
  }
}
