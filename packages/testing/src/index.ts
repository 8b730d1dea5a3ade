/**
 * @sluice/testing: what users test their pipelines with, and what Sluice's own sources and
 * sinks are proven with.
 */
export { VirtualScheduler, settleMicrotasks } from '@sluice/core';
export { findPostgresBinaries, startPostgresServer } from './postgres/postgresServer.ts';
export type { PostgresServer } from './postgres/postgresServer.ts';

/* Kafka test broker */
export { brokerControlSkipReason, startKafkaBroker, timestampLookupSkipReason, uniqueTopicName } from './kafka/broker.ts';
export type { KafkaBrokerOptions, KafkaTestBroker, KafkaTestTopic } from './kafka/broker.ts';
export { produceRecords } from './kafka/produce.ts';
export type { TestRecord } from './kafka/produce.ts';
