import type { Schema } from 'apache-arrow';
import { SluiceError, StreamFrame, type SourceProvider } from '@sluice/core';
import { createKafkajsClient, type KafkaClient, type KafkaClientFactory, type KafkaClientSettings, type KafkajsClientOptions } from '@sluice/kafka';
import { displayKafkaOptions } from '@sluice/kafka/internal';
import { KafkaSource } from './kafkaSource.ts';
import { parseKafkaSourceOptions } from './options.ts';
import { kafkaSourceSchema } from './recordTable.ts';

type PerPartition<T> = Readonly<Record<string, Readonly<Record<string, T>>>>;

/**
 * Options of `kafkaSource({...})`: Spark's option names, with typed values where Spark takes
 * strings. Any `kafka.*` key goes to the client (`kafka.client.id`, `kafka.security.protocol`,
 * `kafka.sasl.jaas.config`, …).
 */
export interface KafkaSourceOptions {
  readonly 'kafka.bootstrap.servers': string;
  readonly subscribe?: string | readonly string[];
  readonly subscribePattern?: string;
  readonly assign?: string | Readonly<Record<string, readonly number[]>>;
  readonly startingOffsets?: 'earliest' | 'latest' | string | PerPartition<number>;
  readonly startingOffsetsByTimestamp?: string | PerPartition<number>;
  readonly startingTimestamp?: number | string;
  readonly startingOffsetsByTimestampStrategy?: 'error' | 'latest';
  readonly failOnDataLoss?: boolean;
  readonly maxOffsetsPerTrigger?: number;
  readonly minOffsetsPerTrigger?: number;
  readonly maxTriggerDelay?: number | string;
  /** Accepted as in Spark (a positive integer); one reader reads each batch, so it changes no rows. */
  readonly minPartitions?: number | string;
  readonly includeHeaders?: boolean;
  readonly groupIdPrefix?: string;
  readonly 'kafkaConsumer.pollTimeoutMs'?: number | string;
  readonly 'fetchOffset.numRetries'?: number;
  readonly 'fetchOffset.retryIntervalMs'?: number | string;
  readonly [kafkaSetting: `kafka.${string}`]: unknown;
}

/**
 * Spark's `kafka` source as a typed stream: options are checked here, at definition time, so a
 * typo fails before the query starts. `clientFactory` swaps the Kafka client (kafkajs by default).
 *
 * @example
 * const events = kafkaSource({ 'kafka.bootstrap.servers': 'localhost:9092', subscribe: 'events', startingOffsets: 'earliest' });
 * const query = await events.pipe(select('value')).writeTo(consoleSink());
 */
export function kafkaSource(options: KafkaSourceOptions, clientFactory: KafkaClientFactory = createKafkajsClient): StreamFrame {
  return StreamFrame.fromSource(kafkaProvider(options as unknown as Readonly<Record<string, unknown>>, undefined, clientFactory));
}

/** The Kafka source provider from raw options (what `readStream().format('kafka')` builds). */
export function kafkaProvider(raw: Readonly<Record<string, unknown>>, userSchema?: Schema, clientFactory: KafkaClientFactory = createKafkajsClient): SourceProvider {
  if (userSchema) {
    throw new SluiceError('INVALID_QUERY', 'The Kafka source has a fixed schema (key, value, topic, partition, offset, timestamp, timestampType[, headers]); remove .schema(...) and parse the value column instead, e.g. with fromJson.');
  }
  const options: Record<string, unknown> = { ...raw };
  // Spark takes JSON strings; typed callers may pass the objects themselves.
  for (const key of Object.keys(options)) {
    if (/^(startingOffsets|startingOffsetsByTimestamp|assign)$/i.test(key) && options[key] !== null && typeof options[key] === 'object') options[key] = JSON.stringify(options[key]);
  }
  const config = parseKafkaSourceOptions(options);
  return {
    format: 'kafka',
    schema: kafkaSourceSchema(config.includeHeaders),
    options: displayKafkaOptions(raw),
    async open(context) {
      const client = clientFactory(config.client, { log: context.log, scheduler: context.scheduler, decodeHeaders: config.includeHeaders });
      return new KafkaSource(config, client, context);
    },
  };
}
