import type { KafkaAdmin, TopicPartition } from '@sluice/kafka';
import type { Subscription } from './options.ts';

/**
 * The partitions a subscription covers right now. Asked again at every trigger, so topics that
 * start matching `subscribePattern` and partitions added to a topic are picked up.
 */
export async function subscribedPartitions(subscription: Subscription, admin: KafkaAdmin): Promise<TopicPartition[]> {
  let topics: readonly string[];
  if (subscription.kind === 'subscribe') topics = subscription.topics;
  else if (subscription.kind === 'assign') topics = Object.keys(subscription.partitions);
  else topics = (await admin.listTopics()).filter((t) => subscription.pattern.test(t));
  const existing = await admin.partitions(topics);
  const result: TopicPartition[] = [];
  for (const topic of [...existing.keys()].sort()) {
    const partitions = existing.get(topic)!;
    const wanted = subscription.kind === 'assign' ? partitions.filter((p) => subscription.partitions[topic]!.includes(p)) : partitions;
    for (const partition of wanted) result.push({ topic, partition });
  }
  return result;
}

/** Spark's description of a consumer strategy: `Subscribe[a, b]`, `SubscribePattern[p]`, `Assign[t-0, t-1]`. */
export function describeSubscription(subscription: Subscription): string {
  switch (subscription.kind) {
    case 'subscribe':
      return `Subscribe[${subscription.topics.join(', ')}]`;
    case 'subscribePattern':
      return `SubscribePattern[${subscription.source}]`;
    case 'assign':
      return `Assign[${Object.entries(subscription.partitions).flatMap(([t, ps]) => ps.map((p) => `${t}-${p}`)).join(', ')}]`;
  }
}
