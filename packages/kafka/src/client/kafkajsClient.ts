import type { logCreator } from 'kafkajs';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { silentLogger, type Logger } from '@sluice/core';
import type { KafkaClientSettings } from './clientSettings.ts';
import { KafkajsAdmin } from './kafkajsAdmin.ts';
import { RecordProducer } from './produce/recordProducer.ts';
import { FetchingRangeReader } from './fetchReader.ts';
import { kafkajs } from './kafkajsModule.ts';
import { clusterOf } from './fetch/kafkajsCluster.ts';
import type { KafkaClient, KafkaProducerOptions, KafkaReaderOptions } from './types.ts';

/** What the kafka source or sink hands a client factory besides the settings. */
export interface KafkajsClientOptions {
  readonly log?: Logger;
  /** Timers for read time-outs; the query's scheduler. */
  readonly scheduler?: SchedulerLike;
  /** Decode record headers (only needed with `includeHeaders`). */
  readonly decodeHeaders?: boolean;
}

/**
 * The kafkajs implementation of `KafkaClient`. One `Kafka` instance per client; the admin
 * connection is opened on first use.
 *
 * @example
 * // the default client factory of kafkaSource/kafkaSink; wrap it to customise the client
 * const source = kafkaSource({ 'kafka.bootstrap.servers': 'localhost:9092', subscribe: 'events' }, (settings, options) => createKafkajsClient(settings, options));
 */
export function createKafkajsClient(settings: KafkaClientSettings, options: KafkajsClientOptions = {}): KafkaClient {
  const log = options.log ?? silentLogger;
  const { Kafka, logLevel } = kafkajs();
  const kafka = new Kafka({
    brokers: [...settings.brokers],
    clientId: settings.clientId,
    ssl: settings.ssl,
    ...(settings.sasl ? { sasl: { ...settings.sasl } as never } : {}),
    connectionTimeout: settings.connectionTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    // Fail fast: the source and sink decide how long to wait out an outage.
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
    logLevel: process.env.KJS_DEBUG ? logLevel.DEBUG : logLevel.WARN,
    logCreator: forwardTo(log),
  });
  const scheduler = options.scheduler ?? asyncScheduler;
  const admin = new KafkajsAdmin(clusterOf(kafka), settings.brokers, scheduler, settings.consumer.isolationLevel);
  const closers: (() => Promise<void>)[] = [];
  return {
    admin,
    createReader(readerOptions: KafkaReaderOptions) {
      const reader = new FetchingRangeReader(kafka, admin, settings, {
        ...readerOptions,
        scheduler,
        decodeHeaders: options.decodeHeaders ?? false,
        log,
      });
      closers.push(() => reader.close());
      return reader;
    },
    createProducer(_producerOptions: KafkaProducerOptions) {
      // Asking for a topic's metadata creates it where the brokers allow (Java's producer does the same).
      const producer = new RecordProducer(clusterOf(kafka, { allowAutoTopicCreation: true }), settings, scheduler);
      closers.push(() => producer.close());
      return producer;
    },
    async close() {
      await Promise.all([...closers.splice(0).map((close) => close()), admin.close()]);
    },
  };
}

/** kafkajs log lines go to the query's logger at debug level: they are noisy during outages, which Sluice reports itself. */
function forwardTo(log: Logger): logCreator {
  return () => ({ namespace, log: entry }) => {
    const { message, ...extra } = entry as { message: string } & Record<string, unknown>;
    delete extra['timestamp'];
    delete extra['logger'];
    log.debug(`kafkajs ${namespace}: ${message} ${JSON.stringify(extra)}`);
  };
}

/** Builds the client a Kafka source or sink talks through; replace it to use another Kafka library. */
export type KafkaClientFactory = (settings: KafkaClientSettings, options: KafkajsClientOptions) => KafkaClient;
