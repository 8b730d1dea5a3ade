import type { SinkProvider } from '@sluice/core';
import { createKafkajsClient, type KafkaClientFactory } from '@sluice/kafka';
import { displayKafkaOptions } from '@sluice/kafka/internal';
import { KAFKA_SINK_OUTPUT_MODES, KafkaSink } from './kafkaSink.ts';
import { parseKafkaSinkOptions } from './options.ts';

/** Options of `kafkaSink({...})`: Spark's names; any `kafka.*` key goes to the producer (`kafka.acks`, `kafka.client.id`, …). */
export interface KafkaSinkOptions {
  readonly 'kafka.bootstrap.servers': string;
  /** Every row goes to this topic; without it each row's `topic` column decides. */
  readonly topic?: string;
  readonly [kafkaSetting: `kafka.${string}`]: unknown;
}

/**
 * Spark's `kafka` sink. Rows need a string or binary `value`, and may have `key`, `topic`,
 * `partition` and `headers` columns. At-least-once. `clientFactory` swaps the Kafka client.
 *
 * @example
 * const query = await events.writeTo(kafkaSink({ 'kafka.bootstrap.servers': 'localhost:9092', topic: 'results' }), { checkpointLocation: './ckpt' });
 */
export function kafkaSink(options: KafkaSinkOptions, clientFactory: KafkaClientFactory = createKafkajsClient): SinkProvider {
  return kafkaSinkProvider(options as unknown as Readonly<Record<string, unknown>>, clientFactory);
}

/** The Kafka sink provider from raw options (what `writeStream().format('kafka')` builds). */
export function kafkaSinkProvider(raw: Readonly<Record<string, unknown>>, clientFactory: KafkaClientFactory = createKafkajsClient): SinkProvider {
  const config = parseKafkaSinkOptions(raw);
  return {
    format: 'kafka',
    guarantee: 'at-least-once',
    outputModes: KAFKA_SINK_OUTPUT_MODES,
    options: displayKafkaOptions(raw),
    allowsTemporaryCheckpoint: false,
    async open(context) {
      return new KafkaSink(config, clientFactory(config.client, { log: context.log, scheduler: context.scheduler }), context);
    },
  };
}
