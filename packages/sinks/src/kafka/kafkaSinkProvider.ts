import { registerSinkFormat, type SinkProvider } from '@sluice/core';
import { createKafkajsClient, displayKafkaOptions, type KafkaClientFactory } from '@sluice/sources';
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
 * A Kafka sink provider (what `format('kafka')` builds for writing). Rows need a string or
 * binary `value`, and may have `key`, `topic`, `partition` and `headers` columns. At-least-once.
 *
 * @example
 * const sink = kafkaSink({ 'kafka.bootstrap.servers': 'localhost:9092', topic: 'results' });
 */
export function kafkaSink(options: KafkaSinkOptions, clientFactory: KafkaClientFactory = createKafkajsClient): SinkProvider {
  const raw = options as unknown as Readonly<Record<string, unknown>>;
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

registerSinkFormat({
  name: 'kafka',
  createSink: ({ options }) => kafkaSink(options as unknown as KafkaSinkOptions),
});
