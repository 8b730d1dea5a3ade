/**
 * Kafka → Delta, the pipeline users run most. The Spark original:
 *
 *     events = (spark.readStream.format("kafka").option("kafka.bootstrap.servers", servers)
 *         .option("subscribe", "events").load()
 *         .select(from_json(col("value").cast("string"), schema).alias("e")).select("e.*")
 *         .withColumn("ingestion_time", current_timestamp())
 *         .where("event_type != 'test'"))
 *     query = (events.writeStream.format("delta").outputMode("append")
 *         .option("checkpointLocation", "s3://bucket/ck/events/")
 *         .option("path", "s3://bucket/data/events/")
 *         .trigger(processingTime="30 seconds").start())
 *
 * Each trigger reads the new Kafka offsets, and the batch lands as one Delta commit whose `txn`
 * (query id, batch id) makes a replay after a crash a no-op: every event lands exactly once.
 *
 *   pnpm tsx examples/kafka-to-delta.ts    # local mock broker with sample events; DEMO_SECONDS (20), TRIGGER ("5 seconds"), DATA
 *   KAFKA_BOOTSTRAP_SERVERS=broker:9092 pnpm tsx examples/kafka-to-delta.ts
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  col, currentTimestamp, filter, fromJson, processingTime, readStream, withColumn, type StreamingQuery, type TriggerLike,
} from '@sluice/core';
import { history, readDelta } from '@sluice/formats';
import '@sluice/sources';
import '@sluice/sinks';
import { produceRecords } from '@sluice/testing';
import { demoKafka } from './kafka-demo-broker.ts';

export const EVENT_SCHEMA = 'user_id LONG, event_type STRING, ts TIMESTAMP';

export interface KafkaToDeltaOptions {
  readonly bootstrapServers: string;
  readonly topic: string;
  /** The Delta table (Spark's `path` option). */
  readonly path: string;
  readonly checkpointLocation: string;
  /** Default every 30 seconds, as in the Spark original. */
  readonly trigger?: TriggerLike;
  readonly startingOffsets?: string;
}

/** Start the query: parse, stamp, drop test events, append to the Delta table. */
export function startKafkaToDelta(options: KafkaToDeltaOptions): Promise<StreamingQuery> {
  return readStream()
    .format('kafka')
    .option('kafka.bootstrap.servers', options.bootstrapServers)
    .option('subscribe', options.topic)
    .option('startingOffsets', options.startingOffsets ?? 'earliest')
    .load()
    .pipe(
      fromJson('value', EVENT_SCHEMA, { mode: 'DROPMALFORMED' }),
      withColumn('ingestion_time', currentTimestamp()),
      filter(col('event_type').neq('test')),
    )
    .writeStream()
    .format('delta')
    .outputMode('append')
    .option('checkpointLocation', options.checkpointLocation)
    .option('path', options.path)
    .trigger(options.trigger ?? processingTime('30 seconds'))
    .queryName('kafka_to_delta')
    .start();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const data = process.env['DATA'] ?? '/tmp/sluice-kafka-to-delta';
  const kafka = await demoKafka(['events']);
  await kafka.produceEvents('events', 200);
  const query = await startKafkaToDelta({
    bootstrapServers: kafka.bootstrapServers,
    topic: 'events',
    path: join(data, 'events'),
    checkpointLocation: join(data, 'checkpoint'),
    trigger: processingTime(process.env['TRIGGER'] ?? '5 seconds'),
  });
  // Sample events, and a few from a test client that the pipeline drops.
  const testEvents = () => produceRecords(kafka.bootstrapServers, 'events', Array.from({ length: 5 }, (_, i) => ({ value: JSON.stringify({ user_id: i, event_type: 'test', ts: new Date().toISOString() }) })));
  const producing = setInterval(() => void kafka.produceEvents('events', 50).then(testEvents), 1_000);
  query.progress$.subscribe((p) => console.log(`batch ${p.batchId}: ${p.numInputRows} events in, ${p.sink.numOutputRows} rows committed`));
  await new Promise((resolve) => setTimeout(resolve, Number(process.env['DEMO_SECONDS'] ?? 20) * 1000));
  clearInterval(producing);
  await query.stop();
  const table = await readDelta(join(data, 'events'));
  console.log(`the table holds ${table.numRows} events; latest commits:`);
  for (const h of await history(join(data, 'events'), { limit: 3 })) console.log(`  v${h.version} ${h.operation} (epoch ${String(h.operationParameters['epochId'])}) ${JSON.stringify(h.operationMetrics)}`);
  await kafka.stop();
}
