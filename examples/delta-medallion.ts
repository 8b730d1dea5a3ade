/**
 * The medallion pattern on Delta tables: raw events land in a bronze table as they arrive;
 * a second streaming query reads bronze as a stream and keeps a silver table of parsed, typed,
 * cleaned rows. Each query has its own checkpoint, each table commit carries its query's
 * transaction id: kill either at any moment and restart, and silver still holds every bronze
 * event exactly once. In PySpark:
 *
 *     raw.writeStream.format("delta").option("checkpointLocation", ck_bronze).start(bronze)
 *     (spark.readStream.format("delta").load(bronze)
 *        .select(from_json("raw", schema).alias("e")).select("e.*").where("event_type != 'test'")
 *        .writeStream.format("delta").partitionBy("event_type")
 *        .option("checkpointLocation", ck_silver).start(silver))
 *
 *   pnpm tsx examples/delta-medallion.ts     # DATA (default /tmp/sluice-medallion), DURATION_SECONDS (default 5)
 *
 * In production bronze is fed from Kafka: see examples/kafka-to-delta.ts.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  col, currentTimestamp, filter, fromJson, map, processingTime, readStream, select, withColumn, type StreamingQuery, type TriggerLike,
} from '@sluice/core';
import { firstValueFrom } from 'rxjs';
import { history, optimize, readDelta } from '@sluice/formats';
import '@sluice/sources';
import '@sluice/sinks';

const EVENT_TYPES = ['click', 'view', 'purchase', 'test'];

export interface MedallionOptions {
  /** Tables and checkpoints go under this directory. */
  readonly root: string;
  readonly rowsPerBatch?: number;
  readonly trigger?: TriggerLike;
}

export interface Medallion {
  readonly bronze: StreamingQuery;
  readonly silver: StreamingQuery;
  readonly paths: { readonly bronze: string; readonly silver: string };
}

/** Start bronze (generated raw JSON events → Delta) and silver (bronze as a stream → parsed → Delta). */
export async function startMedallion(options: MedallionOptions): Promise<Medallion> {
  const paths = { bronze: join(options.root, 'bronze'), silver: join(options.root, 'silver') };
  const trigger = options.trigger ?? processingTime('1 second');

  // Bronze: the events as they came, one JSON string each (every 97th is malformed, as real feeds are).
  const bronze = await readStream().format('rate-micro-batch').option('rowsPerBatch', options.rowsPerBatch ?? 500).load()
    .pipe(
      map((row: { value: bigint }) => {
        const n = Number(row.value);
        const event = { user_id: n % 50, event_type: EVENT_TYPES[n % EVENT_TYPES.length], amount: (n % 13) * 2.5, seq: n };
        return { raw: n % 97 === 96 ? `{"user_id": ${n % 50}, "event_type": ` : JSON.stringify(event) };
      }, 'raw STRING'),
      withColumn('ingestion_time', currentTimestamp()),
    )
    .writeStream().format('delta').outputMode('append')
    .option('checkpointLocation', join(options.root, 'checkpoints', 'bronze'))
    .trigger(trigger).queryName('bronze').start(paths.bronze);
  await firstValueFrom(bronze.progress$); // the silver stream needs the bronze table to exist: its first commit

  // Silver: parsed and typed, test events and malformed lines dropped, partitioned by type.
  const silver = await readStream().format('delta').option('maxFilesPerTrigger', 10).load(paths.bronze)
    .pipe(
      fromJson('raw', 'user_id INT, event_type STRING, amount DOUBLE, seq LONG', { mode: 'DROPMALFORMED' }),
      filter(col('event_type').neq('test')),
      select('seq', 'user_id', 'event_type', 'amount', 'ingestion_time'),
    )
    .writeStream().format('delta').outputMode('append').partitionBy('event_type')
    .option('checkpointLocation', join(options.root, 'checkpoints', 'silver'))
    .trigger(trigger).queryName('silver').start(paths.silver);
  return { bronze, silver, paths };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = process.env['DATA'] ?? '/tmp/sluice-medallion';
  const { bronze, silver, paths } = await startMedallion({ root });
  await new Promise((resolve) => setTimeout(resolve, Number(process.env['DURATION_SECONDS'] ?? 5) * 1000));
  await bronze.stop();
  await silver.processAllAvailable();
  await silver.stop();
  const [b, s] = [await readDelta(paths.bronze), await readDelta(paths.silver)];
  console.log(`bronze: ${b.numRows} raw events; silver: ${s.numRows} clean events (run it again: still no duplicates)`);
  console.log('silver history:', (await history(paths.silver, { limit: 3 })).map((h) => `v${h.version} ${h.operation} epoch ${String(h.operationParameters['epochId'])}`).join(', '));
  const compacted = await optimize(paths.bronze, { targetFileSize: '128m' });
  console.log(`optimize bronze: ${compacted.numFilesRemoved} small files → ${compacted.numFilesAdded}`);
}
