import { defineOptions, opt } from '@sluice/core/connector';
import { SluiceError } from '@sluice/core';
import { parseKafkaClientSettings } from '@sluice/kafka/internal';
import { type KafkaClientSettings } from '@sluice/kafka';

/** The Kafka sink's options: Spark's `topic`, plus `kafka.*` passed to the producer. */
export const kafkaSinkOptions = defineOptions(
  'kafka',
  {
    topic: opt.nonEmptyString().describe("topic for every row; overrides a 'topic' column"),
  },
  { passthroughPrefixes: ['kafka.'] },
);

export interface KafkaSinkConfig {
  /** When set, every row goes here whatever its `topic` column says (Spark's rule). */
  readonly topic: string | undefined;
  readonly client: KafkaClientSettings;
}

export function parseKafkaSinkOptions(raw: Readonly<Record<string, unknown>>): KafkaSinkConfig {
  const { options, passthrough } = kafkaSinkOptions.parse(raw);
  const bootstrap = passthrough['bootstrap.servers'];
  if (typeof bootstrap !== 'string' || bootstrap.trim() === '') {
    throw new SluiceError('MISSING_OPTION', "Format 'kafka' requires option 'kafka.bootstrap.servers' (host:port,host:port) to write.", { details: { option: 'kafka.bootstrap.servers' } });
  }
  return { topic: options.topic, client: parseKafkaClientSettings(bootstrap, passthrough, 'sink') };
}
