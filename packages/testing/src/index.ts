/**
 * @sluice/testing: what users test their pipelines with, and what Sluice's own sources and
 * sinks are proven with.
 */

/* Marble diagrams on virtual time */
export { sluiceMarbles } from './marbles/sluiceMarbles.ts';
export type { Expectation, MarbleHelpers, MarbleQuery, MarbleQueryOptions } from './marbles/sluiceMarbles.ts';
export { drawMarbles, parseMarbles } from './marbles/marbleText.ts';
export type { MarbleEvent } from './marbles/marbleText.ts';
export { VirtualScheduler, settleMicrotasks } from '@sluice/core';

/* Fault injection */
export { armed, crashAt, describeCrash, isSimulatedCrash, pointRecorder } from './faults/crashAt.ts';
export type { ArmedCrash, CrashSpec } from './faults/crashAt.ts';
export { faultyFileSystem } from './faults/faultyFileSystem.ts';
export type { FaultyFileSystem, FileFault, FileOperation } from './faults/faultyFileSystem.ts';
export { faultySource } from './faults/faultySource.ts';
export type { ReadFault } from './faults/faultySource.ts';
export { FAULT_POINTS, SimulatedCrash } from '@sluice/core';

/* The exactly-once property */
export { assertExactlyOnce, runScenario } from './exactlyOnce/assertExactlyOnce.ts';
export type { ExactlyOnceOptions, SinkUnderTest } from './exactlyOnce/assertExactlyOnce.ts';
export type { Scenario } from './exactlyOnce/scenario.ts';

/* State store providers */
// stateStoreProviderSuite defines vitest tests, so it has its own entry point
// ('@sluice/testing/state-provider-suite'): the barrel must load outside vitest (README snippets, benches).
export { crashingCheckpoint } from './state/crashingCheckpoint.ts';

/* The lifecycle model */
export { declaredTransitions, describePath, lifecyclePaths, transitionCoverage } from './model/lifecycleModel.ts';
export type { ModelPath, Transition } from './model/lifecycleModel.ts';
export { replayPath } from './model/lifecycleReplay.ts';

/* Real services for integration tests */
export { findPostgresBinaries, startPostgresServer } from './postgres/postgresServer.ts';
export type { PostgresServer } from './postgres/postgresServer.ts';

/* Kafka test broker */
export { brokerControlSkipReason, startKafkaBroker, timestampLookupSkipReason, uniqueTopicName } from './kafka/broker.ts';
export type { KafkaBrokerOptions, KafkaTestBroker, KafkaTestTopic } from './kafka/broker.ts';
export { produceRecords } from './kafka/produce.ts';
export type { TestRecord } from './kafka/produce.ts';
export { kcatConsume, kcatProduce, requireKcat } from './kafka/kcat.ts';
export type { KcatCompression, KcatRecord } from './kafka/kcat.ts';
export { storedBatches } from './kafka/rawBatches.ts';
export type { StoredBatch } from './kafka/rawBatches.ts';
