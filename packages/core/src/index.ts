/* Errors and secrets */
export { ERROR_CODES, SluiceError, isSluiceError, describeError } from './errors.ts';
export type { ErrorCode, SluiceErrorOptions } from './errors.ts';
export { REDACTED, isSecretKey, registerSecret, redactOptions, redactString } from './redact.ts';

/* Logging */
export { createLogger, silentLogger, withLogFields } from './logger.ts';
export type { LogFields, Logger, LogLevel } from './logger.ts';

/* Contracts: sources, sinks, offsets */
export { OUTPUT_MODES, READ_ALL } from './types.ts';
export type {
  BatchContext, JsonValue, MicroBatch, Offset, OutputMode, ReadLimit, Sink, SinkContext, SinkProvider, Source,
  SourceContext, SourceMetadataStore, SourceProvider,
} from './types.ts';

/* Options */
export { defineOptions, OptionSchema } from './options/defineOptions.ts';
export type { OptionParseResult, OptionSchemaConfig, ParsedOptions } from './options/defineOptions.ts';
export { opt, Option } from './options/optionTypes.ts';
export type { OptionType } from './options/optionTypes.ts';
export { parseByteSize, parseDuration } from './options/units.ts';
export { closestName } from './options/closestName.ts';

/* Arrow helpers */
export { sparkTypeName, toDataType, toSchema } from './arrow/schema.ts';
export type { SchemaLike } from './arrow/schema.ts';
export { binaryVector, utf8Vector, vectorFromValues } from './arrow/vectors.ts';
export { takeRows } from './arrow/take.ts';
export { concatTables, emptyTable, tableFromColumns, tableFromRows, tableFromVectors, tableToRows } from './arrow/tables.ts';

/* Decimals: DECIMAL(p,s) as Arrow Decimal128 over bigint unscaled values */
export { DecimalLiteral, decimalLiteral } from './decimal/decimalExpressions.ts';
export { decimalArrowType, decimalSpec, decimalSpecOf, decimalTypeName } from './decimal/decimalType.ts';
export type { DecimalSpec } from './decimal/decimalType.ts';
export { formatDecimal, formatDecimalJava } from './decimal/format.ts';
export { decimalFromText } from './decimal/parse.ts';
export { decimalVector, unscaledAt, unscaledValues } from './decimal/decimalVectors.ts';
export { unscaledFromValue } from './decimal/decimalValues.ts';

/* Format registry */
export { registerSinkFormat, registerSourceFormat, registeredFormats, sinkFormat, sourceFormat } from './registry/formatRegistry.ts';
export type { SinkFormat, SinkRequest, SourceFormat, SourceRequest } from './registry/formatRegistry.ts';

/* JSON ⇄ Arrow (from_json / to_json, the json format) */
export { DEFAULT_CORRUPT_RECORD_COLUMN, parseJsonRecords } from './arrow/json/parseJsonRecords.ts';
export type { ParseJsonOptions, ParseMode } from './arrow/json/parseJsonRecords.ts';
export { tableToJsonLines } from './arrow/json/tableToJsonLines.ts';
export { columnBuilder } from './arrow/json/columnBuilders.ts';
export type { ColumnBuilder } from './arrow/json/columnBuilders.ts';
export { formatIsoDateDays, formatIsoTimestampMs, parseIsoDateDays, parseIsoTimestampMs } from './arrow/json/temporal.ts';

/* Building queries */
export { readStream, DataStreamReader } from './builders/dataStreamReader.ts';
export { DataStreamWriter } from './builders/dataStreamWriter.ts';
export type { ForeachBatchFunction, ForeachWriter, QueryValidation } from './builders/dataStreamWriter.ts';
export { StreamFrame } from './builders/streamFrame.ts';
export type { Operator, WriteToOptions } from './builders/streamFrame.ts';
export { createStreamingQuery, streamWriter } from './builders/createStreamingQuery.ts';
export type { StreamOptions } from './builders/createStreamingQuery.ts';
export { executePlan, planSteps, standaloneOperatorContext } from './builders/plan.ts';
export type { EventTimeStats, OperatorContext, PlanNode, PlanStep, StateMetrics } from './builders/plan.ts';

/* Triggers */
export { availableNow, defaultTrigger, once, processingTime, toTrigger } from './triggers/trigger.ts';
export type { Trigger, TriggerLike } from './triggers/trigger.ts';

/* Running queries */
export { StreamingQuery } from './query/streamingQuery.ts';
export type { RestartPolicy, StopOptions } from './query/streamingQuery.ts';
export { QueryManager, defaultQueryManager } from './query/queryManager.ts';
export type { QueryManagerOptions } from './query/queryManager.ts';
export type { QueryIdleEvent, QueryProgressEvent, QueryStartedEvent, QueryTerminatedEvent, StreamingQueryListener } from './query/listener.ts';
export { progressToJson } from './query/progress.ts';
export type { DurationMs, SinkProgress, SourceProgress, StateOperatorProgress, StreamingQueryProgress, StreamingQueryStatus } from './query/progress.ts';
export { canonicalJson, sameOffset } from './query/canonicalJson.ts';

/* Lifecycle (exported for inspection and model-based tests) */
export { queryLifecycleMachine } from './lifecycle/queryLifecycle.ts';
export type { LifecycleContext, LifecycleEvent, LifecycleInput, LifecycleStateName, LifecycleStepEvent } from './lifecycle/queryLifecycle.ts';
export { lifecycleStep } from './lifecycle/lifecycleStep.ts';
export type { LifecycleStepName, StepAction } from './lifecycle/lifecycleStep.ts';
export { lifecycleGraph } from './lifecycle/lifecycleGraph.ts';
export type { LifecycleEdge, LifecycleGraph } from './lifecycle/lifecycleGraph.ts';
export { statusOf } from './lifecycle/status.ts';
export { FAULT_POINTS, SimulatedCrash, isSimulatedCrash } from './lifecycle/faults.ts';
export type { FaultInjector, FaultPhase, FaultPoint, LifecyclePoint } from './lifecycle/faults.ts';

/* Time */
export { schedulerClock } from './time/schedulerClock.ts';
export { VirtualScheduler, settleMicrotasks } from './time/virtualScheduler.ts';

/* Checkpoint */
export type { CheckpointLock, CheckpointStore, LockOwner, WriteOptions } from './checkpoint/checkpointStore.ts';
export { FileCheckpointStore, checkpointPath } from './checkpoint/fileCheckpointStore.ts';
export { MemoryCheckpointStore, memoryCheckpoint } from './checkpoint/memoryCheckpointStore.ts';
export { nodeFileSystem } from './checkpoint/fileSystem.ts';
export { syncDirectory, writeDurably } from './checkpoint/durableWrite.ts';
export type { FileSystem, SyncFileOps } from './checkpoint/fileSystem.ts';
export { Checkpoint } from './checkpoint/checkpoint.ts';
export type { Recovery } from './checkpoint/checkpoint.ts';
export type { CommitMetadata, OffsetSeq, OffsetSeqMetadata } from './checkpoint/logEntries.ts';
export { dropUncommittedBatch, inspectCheckpoint } from './checkpoint/inspectCheckpoint.ts';
export type { CheckpointReport } from './checkpoint/inspectCheckpoint.ts';

/* State store (the contract stateful operators build on; see state/stateStore.ts) */
export type {
  KeyRange, KeySpace, KeySpaceSpec, LoadOptions, ScanOptions, StateEntry, StateProviderContext, StateSchema, StateStore, StateStoreMetrics,
  StateStoreProvider, StateStoreProviderFactory, StateStoreSettings, WritableStateStore,
} from './state/stateStore.ts';
export { OperatorState } from './state/operatorState.ts';
export type { KeySpaceCodecs } from './state/operatorState.ts';
export { RowCodec } from './state/codec/rowCodec.ts';
export { registerStateStoreProvider, stateStoreProvider } from './state/providerRegistry.ts';
export { memoryStateProviderFactory } from './state/memory/memoryStateProvider.ts';
export { readState } from './state/readState.ts';
export type { ReadStateOptions } from './state/readState.ts';
export { describeState } from './state/describeState.ts';
export type { OperatorStateDescription } from './state/describeState.ts';

/* Operators and column expressions */
export { select, selectExpr } from './operators/select.ts';
export { filter, where } from './operators/filter.ts';
export { drop, withColumn, withColumnRenamed } from './operators/withColumn.ts';
export { map, mapBatches, transform } from './operators/map.ts';
export { Column, callFunction, coalesce, col, column, concat, currentTimestamp, length, lit, lower, toJson, udf, upper } from './operators/column.ts';
export type { SortOrder } from './operators/column.ts';
export { fromJson } from './operators/fromJson.ts';
export { withWatermark } from './operators/withWatermark.ts';
export type { WithWatermarkOptions } from './operators/withWatermark.ts';
export { formatInterval, intervalToMs, parseInterval } from './time/interval.ts';
export type { Interval } from './time/interval.ts';
export { fromIntervalString, isNegativeInterval, toMs } from './time/intervalString.ts';
export type { WatermarkPolicy } from './query/watermarks.ts';
export { groupBy } from './operators/groupBy.ts';
export { dropDuplicates, dropDuplicatesWithinWatermark } from './operators/dedup/dropDuplicates.ts';
export { window, WindowSpec } from './operators/window.ts';
export { Aggregate, avg, count, max, min, sum } from './operators/aggregates.ts';
export type { AggregateFunction } from './operators/aggregates.ts';
export type { FromJsonOptions } from './operators/fromJson.ts';
export type { ColumnLike } from './operators/column.ts';

/* SQL expression strings and settings */
export { expr } from './sql/expr.ts';
export { conf } from './session/conf.ts';

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
export type {
  AggregateFunctionDefinition, BoundGenerator, BoundLambda, CallContext, FunctionDefinition, FunctionDoc, FunctionFamily,
  GeneratorFunctionDefinition, ScalarFunctionDefinition,
} from './functions/registry.ts';
export { argAs, constantArg, expectArg } from './functions/arguments.ts';
export { rowFunction } from './functions/rowFunction.ts';
export type { RowFunctionOptions } from './functions/rowFunction.ts';
export type { BoundExpression } from './expressions/bound.ts';
export { fromRowValues, rowValues } from './expressions/kernels/rows.ts';
