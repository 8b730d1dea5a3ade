/**
 * Kafka → console, the Spark way: subscribe to two topics, parse the JSON values with a schema,
 * and print each micro-batch as a Spark-style table.
 *
 *   pnpm tsx examples/kafka-to-console.ts     # local mock broker with sample events, runs 15 s
 *   KAFKA_BOOTSTRAP_SERVERS=broker:9092 pnpm tsx examples/kafka-to-console.ts
 *
 * The Spark original:
 *   events = spark.readStream.format("kafka").option("kafka.bootstrap.servers", "broker1:9092,broker2:9092")
 *       .option("subscribe", "user-events,page-views").option("startingOffsets", "latest").load()
 *   parsed = events.select(from_json(col("value").cast("string"), schema).alias("data")).select("data.*")
 */
import { fileURLToPath } from 'node:url';
import { col, fromJson, readStream, select, type StreamingQuery } from '@sluice/core';
import '@sluice/sources';
import '@sluice/sinks';
import { demoKafka } from './kafka-demo-broker.ts';

export const EVENT_SCHEMA = 'user_id LONG, event_type STRING, ts TIMESTAMP';

/** Start the query: events of `topics` parsed into columns, printed through `write`. */
export function startKafkaToConsole(options: { bootstrapServers: string; topics: readonly string[]; write?: (text: string) => void; startingOffsets?: string }): Promise<StreamingQuery> {
  return readStream()
    .format('kafka')
    .option('kafka.bootstrap.servers', options.bootstrapServers)
    .option('subscribe', options.topics.join(','))
    .option('startingOffsets', options.startingOffsets ?? 'latest')
    .load()
    .pipe(
      fromJson('value', EVENT_SCHEMA),
      select('topic', 'partition', 'offset', 'user_id', 'event_type', 'ts', col('_corrupt_record').alias('malformed')),
    )
    .writeStream()
    .format('console')
    .option('truncate', false)
    .option('write', options.write ?? ((text: string) => process.stdout.write(text)))
    .queryName('kafka_to_console')
    .start();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const topics = ['user-events', 'page-views'];
  const kafka = await demoKafka(topics);
  const query = await startKafkaToConsole({ bootstrapServers: kafka.bootstrapServers, topics });
  const producing = setInterval(() => void kafka.produceEvents(topics[sequenceOf()]!, 8), 1_000);
  const seconds = Number(process.env['DEMO_SECONDS'] ?? 15);
  const stop = async () => {
    clearInterval(producing);
    await query.stop();
    console.error(JSON.stringify(query.lastProgress, null, 2));
    await kafka.stop();
  };
  process.once('SIGINT', () => void stop());
  if (seconds > 0) setTimeout(() => void stop(), seconds * 1000);
  await query.awaitTermination();
}

function sequenceOf(): number {
  return Math.floor(Date.now() / 1000) % 2;
}
