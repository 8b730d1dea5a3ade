/**
 * @sluice/kafka: the Kafka client behind Sluice's kafka source and sink, kept behind a small
 * interface of our own (`KafkaClient`) so that another client library can replace kafkajs.
 */
export { createKafkajsClient } from './client/kafkajsClient.ts';
export type { KafkaClientFactory, KafkajsClientOptions } from './client/kafkajsClient.ts';
export type { KafkaClientSettings, SaslSettings } from './client/clientSettings.ts';
export { ByteColumn, RecordColumns } from './client/recordColumns.ts';
export { registerKafkaCodec } from './codecs/codec.ts';
export type { KafkaCodec, KafkaCompression } from './codecs/codec.ts';
export type {
  KafkaAdmin, KafkaClient, KafkaHeader, KafkaProducerClient, KafkaProducerOptions, KafkaRangeReader, KafkaReaderOptions, KafkaRecord,
  OffsetRangeRequest, OutgoingBytes, OutgoingColumns, OutgoingRecord, PartitionOffsetRange, RecordChunk, TopicPartition,
} from './client/types.ts';
