/* Kafka test broker */
export { brokerControlSkipReason, startKafkaBroker, timestampLookupSkipReason, uniqueTopicName } from './kafka/broker.ts';
export type { KafkaBrokerOptions, KafkaTestBroker, KafkaTestTopic } from './kafka/broker.ts';
export { produceRecords } from './kafka/produce.ts';
export type { TestRecord } from './kafka/produce.ts';
