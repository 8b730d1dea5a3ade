import { firstValueFrom, timer } from 'rxjs';
import type { Schema, Table } from 'apache-arrow';
import { isSluiceError, SluiceError, type BatchContext, type OutputMode } from '@sluice/core';
import { type Sink, type SinkContext } from '@sluice/core/connector';
import type { KafkaClient, KafkaProducerClient } from '@sluice/kafka';
import type { KafkaSinkConfig } from './options.ts';
import { recordLayout, tableToColumns, tableToRecords, type RecordLayout } from './rowsToRecords.ts';

export const KAFKA_SINK_OUTPUT_MODES: ReadonlySet<OutputMode> = new Set<OutputMode>(['append', 'update', 'complete']);

/**
 * The running Kafka sink (Spark's KafkaWriter). At-least-once, as Spark's: `addBatch` resolves
 * only after the broker acknowledged every record of the batch, and a send that fails because
 * the cluster is unreachable is retried with backoff until `kafka.delivery.timeout.ms`; a batch
 * replayed after a crash, or a send retried after a lost acknowledgement, can write records
 * twice. Consumers that need exactly-once deduplicate on a key.
 */
export class KafkaSink implements Sink {
  readonly description: string;
  readonly guarantee = 'at-least-once' as const;
  readonly outputModes = KAFKA_SINK_OUTPUT_MODES;

  private readonly producer: KafkaProducerClient;
  private layout: { schema: Schema; layout: RecordLayout } | undefined;
  private written = 0;

  constructor(
    private readonly config: KafkaSinkConfig,
    private readonly client: KafkaClient,
    private readonly context: SinkContext,
  ) {
    this.description = `KafkaSink[${config.topic ? `topic=${config.topic}` : 'topic column'}]`;
    this.producer = client.createProducer({ deliveryTimeoutMs: config.client.producer.deliveryTimeoutMs });
  }

  async addBatch(batchId: number, table: Table, batch: BatchContext): Promise<void> {
    if (!this.layout || this.layout.schema !== table.schema) this.layout = { schema: table.schema, layout: recordLayout(table.schema, this.config.topic) };
    // One send: the producer checks every record's partition before writing any, then cuts
    // batches (batch.size) and requests per leader itself. A producer that takes columns gets
    // the Arrow buffers as they are (no object per record) when rows carry no headers or topic.
    const columns = this.producer.sendColumns ? tableToColumns(table, this.layout.layout, this.config.topic) : undefined;
    const records = columns ? undefined : tableToRecords(table, this.layout.layout, this.config.topic);
    await this.sendWithRetry(batchId, (signal) => (columns ? this.producer.sendColumns!(columns, signal) : this.producer.send(records!, signal)), batch.signal);
    // A crash here leaves the batch in Kafka uncommitted: the replay writes it again (at-least-once).
    await batch.fault('kafka-records-sent');
    this.written = table.numRows;
  }

  lastBatchOutputRows(): number {
    return this.written;
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async sendWithRetry(batchId: number, send: (signal: AbortSignal) => Promise<void>, signal: AbortSignal): Promise<void> {
    const { scheduler, log } = this.context;
    const deadline = scheduler.now() + this.config.client.producer.deliveryTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        await send(signal);
        if (attempt > 0) log.info(`Kafka sink: batch ${batchId} delivered after ${attempt} retries.`);
        return;
      } catch (error) {
        if (!isSluiceError(error, 'KAFKA_UNREACHABLE') || signal.aborted) throw error;
        if (scheduler.now() >= deadline) {
          throw new SluiceError(
            'KAFKA_UNREACHABLE',
            `The Kafka sink could not deliver batch ${batchId} within ${this.config.client.producer.deliveryTimeoutMs} ms ('kafka.delivery.timeout.ms'): ${error.message}`,
            { cause: error, details: { batchId, brokers: [...this.config.client.brokers] } },
          );
        }
        if (attempt === 0) log.warn(`Kafka sink: cannot reach Kafka while writing batch ${batchId}; retrying until it is back (at-least-once: some records may be written twice).`);
        await firstValueFrom(timer(Math.min(2_000, 100 * 2 ** attempt, Math.max(0, deadline - scheduler.now())), scheduler));
      }
    }
  }
}
