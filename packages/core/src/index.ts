/**
 * @sluice/core: build, run and watch streaming queries. This entry point is what an application
 * needs; source and sink authors also import `@sluice/core/connector`.
 *
 * @example
 * import { availableNow, col, filter, readStream } from '@sluice/core';
 * import '@sluice/sources';
 * import '@sluice/sinks';
 *
 * const query = await readStream().format('rate-micro-batch').option('rowsPerBatch', 10).load()
 *   .pipe(filter(col('value').mod(3).eq(0)))
 *   .writeStream().format('console').trigger(availableNow()).start();
 * await query.awaitTermination();
 *
 * @packageDocumentation
 */

/* Errors */
export { ERROR_CODES, SluiceError, isSluiceError } from './errors.ts';
export type { ErrorCode, SluiceErrorOptions } from './errors.ts';

/* Logging */
export { createLogger, silentLogger, withLogFields } from './logger.ts';
export type { LogFields, Logger, LogLevel } from './logger.ts';

/* Values queries see and produce */
export type { BatchContext, JsonValue, MicroBatch, Offset, OutputMode, SinkProvider, SourceProvider } from './types.ts';
export { toSchema } from './arrow/schema.ts';
export type { SchemaLike } from './arrow/schema.ts';
export { tableFromRows, tableToRows } from './arrow/tables.ts';
export { DecimalLiteral, decimalLiteral } from './decimal/decimalExpressions.ts';

/* Building queries */
export { readStream, DataStreamReader } from './builders/dataStreamReader.ts';
export { DataStreamWriter } from './builders/dataStreamWriter.ts';
export type { ForeachBatchFunction, ForeachWriter, QueryValidation } from './builders/dataStreamWriter.ts';
export { StreamFrame } from './builders/streamFrame.ts';
export type { Operator, WriteToOptions } from './builders/streamFrame.ts';
export { createStreamingQuery, streamWriter } from './builders/createStreamingQuery.ts';
export type { StreamOptions } from './builders/createStreamingQuery.ts';

/* Triggers */
export { availableNow, once, processingTime } from './triggers/trigger.ts';
export type { Trigger, TriggerLike } from './triggers/trigger.ts';

/* Running queries */
export { StreamingQuery } from './query/streamingQuery.ts';
export type { RestartPolicy, StopOptions } from './query/streamingQuery.ts';
export { QueryManager, defaultQueryManager } from './query/queryManager.ts';
export type { QueryManagerOptions } from './query/queryManager.ts';
export type { QueryIdleEvent, QueryProgressEvent, QueryStartedEvent, QueryTerminatedEvent, StreamingQueryListener } from './query/listener.ts';
export { progressToJson } from './query/progress.ts';
export type { WatermarkPolicy } from './query/watermarks.ts';
export { lifecycleGraph } from './lifecycle/lifecycleGraph.ts';
export type { LifecycleEdge, LifecycleGraph } from './lifecycle/lifecycleGraph.ts';
export type { DurationMs, SinkProgress, SourceProgress, StateOperatorProgress, StreamingQueryProgress, StreamingQueryStatus } from './query/progress.ts';

/* Checkpoints */
export type { CheckpointStore } from './checkpoint/checkpointStore.ts';
export { FileCheckpointStore } from './checkpoint/fileCheckpointStore.ts';
export { MemoryCheckpointStore, memoryCheckpoint } from './checkpoint/memoryCheckpointStore.ts';
export { dropUncommittedBatch, inspectCheckpoint } from './checkpoint/inspectCheckpoint.ts';
export type { CheckpointReport } from './checkpoint/inspectCheckpoint.ts';

/* Operators and column expressions */
export { select } from './operators/select.ts';
export { filter, where } from './operators/filter.ts';
export { drop, withColumn, withColumnRenamed } from './operators/withColumn.ts';
export { map, mapBatches, transform } from './operators/map.ts';
export { Column, coalesce, col, concat, currentTimestamp, length, lit, lower, toJson, udf, upper } from './operators/column.ts';
export type { ColumnLike } from './operators/column.ts';
export { fromJson } from './operators/fromJson.ts';
export type { FromJsonOptions } from './operators/fromJson.ts';
export { withWatermark } from './operators/withWatermark.ts';
export type { WithWatermarkOptions } from './operators/withWatermark.ts';
export { groupBy } from './operators/groupBy.ts';
export { window, WindowSpec } from './operators/window.ts';
export { Aggregate, avg, count, max, min, sum } from './operators/aggregates.ts';
export type { AggregateFunction } from './operators/aggregates.ts';
