/**
 * @sluice/sinks: streaming sinks. Importing this package registers each sink by name for
 * `writeStream().format(name)`.
 */
import { registerSinkFormat } from '@sluice/core/connector';
import { consoleProvider } from './console/consoleSink.ts';
import { deltaProvider } from './delta/deltaSink.ts';
import { foreachProvider } from './foreach/foreachSink.ts';
import { foreachBatchProvider } from './foreachBatch/foreachBatchSink.ts';
import { memoryProvider } from './memory/memorySink.ts';
import { noopProvider } from './noop/noopSink.ts';
import { postgresProvider } from './postgres/postgresSink.ts';
import { kafkaSinkProvider } from './kafka/kafkaSinkProvider.ts';
import { fileSinkProvider } from './file/fileSink.ts';
import { FILE_SINK_FORMATS } from './file/options.ts';

export { consoleSink } from './console/consoleSink.ts';
export type { ConsoleOptions } from './console/consoleSink.ts';
export { noopSink } from './noop/noopSink.ts';
export { memorySink } from './memory/memorySink.ts';
export { dropMemoryTable, memoryTable, memoryTableBatches, memoryTableRows } from './memory/memoryTables.ts';
export { foreachSink } from './foreach/foreachSink.ts';
export { foreachBatchSink } from './foreachBatch/foreachBatchSink.ts';
export { observableSink } from './observable/observableSink.ts';
export type { CommittedBatch, ObservableSinkProvider } from './observable/observableSink.ts';
export { postgresSink } from './postgres/postgresSink.ts';
export type { PostgresSinkConfig } from './postgres/postgresSink.ts';
export { idempotentBatch } from './postgres/idempotentBatch.ts';
export type { BatchIdentity, IdempotentBatchOptions, IdempotentBatchResult } from './postgres/idempotentBatch.ts';
export { fileSink } from './file/fileSink.ts';
export type { FileSinkConfig } from './file/fileSink.ts';
export { postgresTableWriter } from './postgres/postgresTableWriter.ts';
export { staticPostgres } from './postgres/staticPostgres.ts';
export type { PostgresStaticSide, StaticPostgresConfig } from './postgres/staticPostgres.ts';
export { deltaSink } from './delta/deltaSink.ts';
export type { DeltaSinkConfig } from './delta/deltaSink.ts';
export { deltaForeachBatch } from './delta/deltaForeachBatch.ts';
export type { DeltaForeachBatchOptions } from './delta/deltaForeachBatch.ts';
export type { PostgresTableWriter, PostgresTableWriterConfig } from './postgres/postgresTableWriter.ts';
/* Kafka */
export { kafkaSink } from './kafka/kafkaSinkProvider.ts';
export type { KafkaSinkOptions } from './kafka/kafkaSinkProvider.ts';

registerSinkFormat({ name: 'noop', createSink: ({ options }) => noopProvider(options) });
registerSinkFormat({ name: 'console', createSink: ({ options }) => consoleProvider(options) });
registerSinkFormat({ name: 'memory', createSink: ({ options }) => memoryProvider(options) });
registerSinkFormat({ name: 'foreach', createSink: ({ options }) => foreachProvider(options) });
registerSinkFormat({ name: 'foreachBatch', createSink: ({ options }) => foreachBatchProvider(options) });
registerSinkFormat({ name: 'postgres', createSink: ({ options, partitionBy }) => postgresProvider(options, partitionBy) });
registerSinkFormat({ name: 'delta', createSink: ({ options, partitionBy }) => deltaProvider(options, partitionBy) });
registerSinkFormat({ name: 'kafka', createSink: ({ options }) => kafkaSinkProvider(options) });
for (const name of FILE_SINK_FORMATS) registerSinkFormat({ name, createSink: ({ options, partitionBy }) => fileSinkProvider(name, options, partitionBy) });
