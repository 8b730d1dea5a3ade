import type { IHeaders, Message, Producer, TopicMessages } from 'kafkajs';
import { SluiceError } from '@sluice/core';
import type { KafkaClientSettings } from './clientSettings.ts';
import { kafkaError } from './kafkajsErrors.ts';
import type { KafkaProducerClient, OutgoingRecord } from './types.ts';

/** Sends records through one kafkajs producer; `send` resolves only when all are acknowledged. */
export class KafkajsProducer implements KafkaProducerClient {
  private connected: Promise<void> | undefined;

  constructor(
    private readonly producer: Producer,
    private readonly settings: KafkaClientSettings,
  ) {}

  async send(records: readonly OutgoingRecord[], signal?: AbortSignal): Promise<void> {
    if (records.length === 0) return;
    if (signal?.aborted) throw new SluiceError('KAFKA_ERROR', 'The Kafka send was aborted: the query is stopping.');
    try {
      this.connected ??= this.producer.connect().catch((error: unknown) => {
        this.connected = undefined;
        throw error;
      });
      await this.connected;
      await this.producer.sendBatch({ topicMessages: groupByTopic(records), acks: this.settings.producer.acks, timeout: this.settings.requestTimeoutMs });
    } catch (error) {
      throw kafkaError(error, `writing ${records.length} records`, this.settings.brokers);
    }
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect().catch(() => {});
    this.connected = undefined;
  }
}

function groupByTopic(records: readonly OutgoingRecord[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const record of records) {
    let messages = byTopic.get(record.topic);
    if (!messages) byTopic.set(record.topic, (messages = []));
    const message: Message = { key: toBuffer(record.key), value: toBuffer(record.value) };
    if (record.partition !== null) message.partition = record.partition;
    if (record.headers && record.headers.length > 0) message.headers = toHeaders(record.headers);
    messages.push(message);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

function toBuffer(value: Uint8Array | string | null): Buffer | string | null {
  if (value === null || typeof value === 'string' || Buffer.isBuffer(value)) return value;
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function toHeaders(headers: NonNullable<OutgoingRecord['headers']>): IHeaders {
  const out: Record<string, Buffer[]> = {};
  for (const { key, value } of headers) (out[key] ??= []).push(value === null ? Buffer.alloc(0) : (toBuffer(value) as Buffer));
  const folded: IHeaders = {};
  for (const [key, values] of Object.entries(out)) folded[key] = values.length === 1 ? values[0]! : values;
  return folded;
}
