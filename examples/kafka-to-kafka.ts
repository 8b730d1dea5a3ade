/**
 * Kafka → Kafka with keyed JSON: parse user events, keep the well-formed ones, and write each
 * as JSON keyed by user — Spark's `select(col("user_id").cast("string").alias("key"),
 * to_json(struct("*")).alias("value"))` before `writeStream.format("kafka")`. At-least-once,
 * as in Spark: a replayed batch may write a record twice, so consumers dedupe on the key.
 *
 *   pnpm tsx examples/kafka-to-kafka.ts      # local mock broker with sample events, runs 15 s
 *   KAFKA_BOOTSTRAP_SERVERS=broker:9092 pnpm tsx examples/kafka-to-kafka.ts
 */
import { fileURLToPath } from 'node:url';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { col, filter, fromJson, readStream, select, toJson, type StreamingQuery } from '@sluice/core';
import '@sluice/sources';
import '@sluice/sinks';
import { demoKafka } from './kafka-demo-broker.ts';

export interface KafkaToKafkaOptions {
  readonly bootstrapServers: string;
  readonly inputTopic: string;
  readonly outputTopic: string;
  readonly checkpointLocation: string;
  readonly startingOffsets?: string;
}

/** Start the query: `inputTopic` JSON events → `outputTopic`, keyed by user id, malformed ones dropped. */
export function startKafkaToKafka(options: KafkaToKafkaOptions): Promise<StreamingQuery> {
  return readStream()
    .format('kafka')
    .option('kafka.bootstrap.servers', options.bootstrapServers)
    .option('subscribe', options.inputTopic)
    .option('startingOffsets', options.startingOffsets ?? 'earliest')
    .load()
    .pipe(
      fromJson('value', 'user_id LONG, event_type STRING, ts TIMESTAMP', { mode: 'DROPMALFORMED' }),
      filter(col('user_id').isNotNull()),
      select(col('user_id').cast('string').alias('key'), toJson('user_id', 'event_type', 'ts').alias('value')),
    )
    .writeStream()
    .format('kafka')
    .option('kafka.bootstrap.servers', options.bootstrapServers)
    .option('topic', options.outputTopic)
    .option('checkpointLocation', options.checkpointLocation)
    .queryName('kafka_to_kafka')
    .start();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const kafka = await demoKafka(['user-events', 'user-events-keyed']);
  const checkpointLocation = process.env['CHECKPOINT'] ?? (await mkdtemp(join(tmpdir(), 'kafka-to-kafka-')));
  const query = await startKafkaToKafka({ bootstrapServers: kafka.bootstrapServers, inputTopic: 'user-events', outputTopic: 'user-events-keyed', checkpointLocation });
  const producing = setInterval(() => void kafka.produceEvents('user-events', 50), 500);
  query.progress$.subscribe((p) => console.error(`batch ${p.batchId}: ${p.numInputRows} in, ${p.sink.numOutputRows} written to user-events-keyed`));
  const seconds = Number(process.env['DEMO_SECONDS'] ?? 15);
  const stop = async () => {
    clearInterval(producing);
    await query.stop();
    console.error(`checkpoint: ${checkpointLocation}`);
    await kafka.stop();
  };
  process.once('SIGINT', () => void stop());
  if (seconds > 0) setTimeout(() => void stop(), seconds * 1000);
  await query.awaitTermination();
}
