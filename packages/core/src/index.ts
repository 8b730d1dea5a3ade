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

/* Schemas and rows */
export { toSchema } from './arrow/schema.ts';
export type { SchemaLike } from './arrow/schema.ts';

export { tableFromRows, tableToRows } from './arrow/tables.ts';

/* Decimals: DECIMAL(p,s) as Arrow Decimal128 over bigint unscaled values */
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
export { progressToJson, statusToJson } from './query/progress.ts';
export type { DurationMs, SinkProgress, SourceProgress, StateOperatorProgress, StreamingQueryProgress, StreamingQueryStatus } from './query/progress.ts';

/* Lifecycle (exported for inspection and model-based tests) */
export type { LifecycleStepEvent } from './lifecycle/queryLifecycle.ts';
export { lifecycleStep } from './lifecycle/lifecycleStep.ts';
export type { LifecycleStepName, StepAction } from './lifecycle/lifecycleStep.ts';
export { lifecycleGraph } from './lifecycle/lifecycleGraph.ts';
export type { LifecycleEdge, LifecycleGraph } from './lifecycle/lifecycleGraph.ts';

/* Checkpoint */
export type { CheckpointStore } from './checkpoint/checkpointStore.ts';
export { FileCheckpointStore } from './checkpoint/fileCheckpointStore.ts';
export { MemoryCheckpointStore, memoryCheckpoint } from './checkpoint/memoryCheckpointStore.ts';

export { dropUncommittedBatch, inspectCheckpoint } from './checkpoint/inspectCheckpoint.ts';
export type { CheckpointReport } from './checkpoint/inspectCheckpoint.ts';

/* State store (the contract stateful operators build on; see state/stateStore.ts) */
export { readState } from './state/readState.ts';
export type { ReadStateOptions } from './state/readState.ts';
export { describeState } from './state/describeState.ts';
export type { OperatorStateDescription } from './state/describeState.ts';

/* Operators and column expressions */
export { select, selectExpr } from './operators/select.ts';
export { filter, where } from './operators/filter.ts';
export { limit, orderBy, sort } from './operators/sort.ts';
export { drop, withColumn, withColumnRenamed } from './operators/withColumn.ts';
export { map, mapBatches, transform } from './operators/map.ts';
export { Column, callFunction, coalesce, col, column, concat, currentTimestamp, length, lit, lower, toJson, udf, upper } from './operators/column.ts';
export type { SortOrder } from './operators/column.ts';
export { fromJson } from './operators/fromJson.ts';
export { withWatermark } from './operators/withWatermark.ts';
export type { WithWatermarkOptions } from './operators/withWatermark.ts';

export type { WatermarkPolicy } from './query/watermarks.ts';
export { groupBy } from './operators/groupBy.ts';
export { dropDuplicates, dropDuplicatesWithinWatermark } from './operators/dedup/dropDuplicates.ts';
export { join } from './operators/join/join.ts';
export type { JoinOn } from './operators/join/join.ts';
export type { JoinHow, JoinType } from './operators/join/joinType.ts';
export { staticTable } from './operators/join/staticSide.ts';
export type { StaticSide } from './operators/join/staticSide.ts';
export { window, WindowSpec } from './operators/window.ts';
export { sessionWindow, SessionWindowSpec } from './operators/sessionWindow.ts';
export { groupByKey } from './operators/groupByKey.ts';
export type { KeyedStream, MapGroupsWithStateOptions } from './operators/groupByKey.ts';
export type { FlatMapGroupsWithStateOptions, GroupsWithStateFunction } from './operators/stateful/flatMapGroupsWithState.ts';
export type { GroupState, GroupStateTimeout } from './operators/stateful/groupState.ts';
export { StatefulProcessor } from './operators/stateful/transformWithState/statefulProcessor.ts';
export type {
  ExpiredTimerInfo, ListState, MapState, MapStateOptions, QueryInfo, StatefulProcessorHandle, StateVariableOptions, TimeMode, TimerValues, TTLConfig, ValueState,
} from './operators/stateful/transformWithState/statefulProcessor.ts';
export type { TransformWithStateOptions } from './operators/stateful/transformWithState/transformWithState.ts';
export { Aggregate, approxCountDistinct, avg, collectList, collectSet, count, countDistinct, first, last, max, maxBy, min, minBy, percentileApprox, sum } from './operators/aggregates.ts';
export type { AggregateOptions } from './operators/aggregates.ts';
export type { AggregateFunction } from './operators/aggregates.ts';
export type { FromJsonOptions } from './operators/fromJson.ts';
export type { ColumnLike } from './operators/column.ts';

/* SQL expression strings and settings */
export { expr } from './sql/expr.ts';
export { conf } from './session/conf.ts';

/* SQL queries over temp views and memory tables */
export { sql } from './sql/sqlQuery.ts';
export { BatchFrame } from './sql/batchFrame.ts';
export { dropTempView, tempViewNames } from './sql/catalog.ts';

/* The function library (each also callable by name in SQL; listFunctions() lists them) */
export { greatest, ifThen, isnan, isnull, least, nanvl, nullif, nvl, nvl2, when } from './functions/conditional/conditional.ts';
export { bitLength, initcap, octetLength } from './functions/string/caseAndLength.ts';
export { concatWs } from './functions/string/concat.ts';
export { left, right, substring } from './functions/string/substring.ts';
export { formatNumber, substringIndex } from './functions/string/textUtilities.ts';
export { lpad, ltrim, repeat, rpad, rtrim, trim } from './functions/string/trimAndPad.ts';
export { instr, locate } from './functions/string/search.ts';
export { replace, reverse, split, translate } from './functions/string/edit.ts';
export { base64, hex, unbase64, unhex } from './functions/string/encoding.ts';
export { formatString } from './functions/string/formatString.ts';
export { regexpCount, regexpExtract, regexpExtractAll, regexpLike, regexpReplace } from './functions/regexp/regexpFunctions.ts';
export { like } from './functions/regexp/like.ts';
export { crc32, hash, md5, sha1, sha2, xxhash64 } from './functions/hash/sparkHash.ts';
export { abs, bround, ceil, exp, floor, log, pmod, pow, round, signum, sqrt } from './functions/math/math.ts';
export { monotonicallyIncreasingId, rand, randn, uuid } from './functions/misc/random.ts';
export { currentDate } from './functions/datetime/current.ts';
export { dayofmonth, dayofweek, dayofyear, hour, minute, month, quarter, second, weekofyear, year } from './functions/datetime/fields.ts';
export { dateFormat, fromUnixtime, toDate, toTimestamp, unixTimestamp } from './functions/datetime/formatting.ts';
export { addMonths, dateAdd, datediff, dateSub, dateTrunc, fromUtcTimestamp, lastDay, monthsBetween, nextDay, toUtcTimestamp, trunc } from './functions/datetime/calendar.ts';
export { array, createMap, elementAt, mapFromArrays, mapKeys, mapValues, namedStruct, size, struct } from './functions/collection/constructors.ts';
export { arrayContains, arrayDistinct, arrayJoin, arrayPosition, arrayRemove, flatten, slice, sortArray } from './functions/collection/arrayFunctions.ts';
export { arrayAggregate, arrayFilter, arraySort, arrayTransform, exists, forall, zipWith } from './functions/collection/higherOrder.ts';
export { explode, explodeOuter, inline, posexplode, posexplodeOuter } from './functions/generator/explode.ts';
export { getJsonObject } from './functions/json/getJsonObject.ts';
export { fromJsonColumn, jsonTuple, schemaOfJson, toJsonColumn } from './functions/json/jsonFunctions.ts';

/* Registering functions (by name, usable in SQL) and writing them */
export { registerFunction } from './functions/registerFunction.ts';
export type { RegisterFunctionOptions } from './functions/registerFunction.ts';
export { dropFunction, listFunctions } from './functions/registry.ts';

