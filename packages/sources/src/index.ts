/* Kafka */
export { kafkaSource } from './kafka/kafkaSourceProvider.ts';
export type { KafkaClientFactory, KafkaSourceOptions } from './kafka/kafkaSourceProvider.ts';
export type { KafkaOffset } from './kafka/kafkaOffset.ts';
export { kafkaSourceSchema } from './kafka/recordTable.ts';
export { createKafkajsClient } from './kafka/client/kafkajsClient.ts';
export type { KafkajsClientOptions } from './kafka/client/kafkajsClient.ts';
export { parseKafkaClientSettings } from './kafka/client/clientSettings.ts';
export type { KafkaClientSettings, SaslSettings } from './kafka/client/clientSettings.ts';
export { displayKafkaOptions } from './kafka/client/displayOptions.ts';
export type {
  KafkaAdmin, KafkaClient, KafkaHeader, KafkaProducerClient, KafkaProducerOptions, KafkaRangeReader, KafkaReaderOptions, KafkaRecord,
  OffsetRangeRequest, OutgoingRecord, PartitionOffsetRange, RecordChunk, TopicPartition,
} from './kafka/client/types.ts';
