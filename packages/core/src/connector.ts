/**
 * @sluice/core/connector: what a source or sink author builds on. The contracts a source and a
 * sink implement, the format registry that makes them available by name, option parsing,
 * secret redaction, Arrow helpers and durable file writes.
 *
 * @example
 * import { StreamFrame, type SourceProvider } from '@sluice/core';
 * import { defineOptions, opt, registerSourceFormat } from '@sluice/core/connector';
 *
 * const counterOptions = defineOptions('counter', { rowsPerBatch: opt.positiveInt().default(10) });
 * function counterProvider(raw: Record<string, unknown>): SourceProvider {
 *   const { rowsPerBatch } = counterOptions.parse(raw).options; // unknown keys fail with the valid list
 *   return { format: 'counter', schema, options: raw, open: async (context) => new CounterSource(rowsPerBatch, context) };
 * }
 * registerSourceFormat({ name: 'counter', createSource: ({ options }) => counterProvider(options) }); // readStream().format('counter')
 * export const counterSource = (options: { rowsPerBatch?: number } = {}) => StreamFrame.fromSource(counterProvider(options)); // typed
 *
 * @packageDocumentation
 */

/* Contracts: sources, sinks, offsets */
export { OUTPUT_MODES, READ_ALL } from './types.ts';
export type {
  BatchContext, JsonValue, MicroBatch, Offset, OutputMode, ReadLimit, Sink, SinkContext, SinkProvider, Source,
  SourceContext, SourceMetadataStore, SourceProvider,
} from './types.ts';

/* Format registry */
export { registerSinkFormat, registerSourceFormat, registeredFormats, sinkFormat, sourceFormat } from './registry/formatRegistry.ts';
export type { SinkFormat, SinkRequest, SourceFormat, SourceRequest } from './registry/formatRegistry.ts';

/* Errors and secrets */
export { describeError } from './errors.ts';
export { REDACTED, isSecretKey, registerSecret, redactOptions, redactString } from './redact.ts';

/* Options */
export { defineOptions, OptionSchema } from './options/defineOptions.ts';
export type { OptionParseResult, OptionSchemaConfig, OptionsInput, ParsedOptions } from './options/defineOptions.ts';
export { opt, Option } from './options/optionTypes.ts';
export type { OptionType } from './options/optionTypes.ts';
export { parseByteSize, parseDuration } from './options/units.ts';
export { closestName } from './options/closestName.ts';

/* Arrow helpers */
export { sparkTypeName, toDataType } from './arrow/schema.ts';
export { binaryVector, utf8Vector, vectorFromValues } from './arrow/vectors.ts';
export { takeRows } from './arrow/take.ts';
export { formatCell, formatTimestamp, showString } from './arrow/showString.ts';
export { registerTableView } from './sql/catalog.ts';
export type { TableView } from './sql/catalog.ts';
export { concatTables, emptyTable, tableFromColumns, tableFromVectors } from './arrow/tables.ts';

/* Decimals: DECIMAL(p,s) as Arrow Decimal128 over bigint unscaled values */
export { decimalArrowType, decimalSpec, decimalSpecOf, decimalTypeName } from './decimal/decimalType.ts';
export type { DecimalSpec } from './decimal/decimalType.ts';
export { formatDecimal, formatDecimalJava } from './decimal/format.ts';
export { decimalFromText } from './decimal/parse.ts';
export { decimalVector, unscaledAt, unscaledValues } from './decimal/decimalVectors.ts';

/* State store (the contract stateful operators and store providers build on; see state/stateStore.ts) */
export type {
  KeyRange, KeySpace, KeySpaceSpec, LoadOptions, ScanOptions, StateEntry, StateProviderContext, StateSchema, StateStore, StateStoreMetrics,
  StateStoreProvider, StateStoreProviderFactory, StateStoreSettings, WritableStateStore,
} from './state/stateStore.ts';
export { OperatorState } from './state/operatorState.ts';
export type { KeySpaceCodecs } from './state/operatorState.ts';
export { RowCodec } from './state/codec/rowCodec.ts';
export { registerStateStoreProvider, stateStoreProvider } from './state/providerRegistry.ts';
export { memoryStateProviderFactory } from './state/memory/memoryStateProvider.ts';

/* Durable files */
export { nodeFileSystem } from './checkpoint/fileSystem.ts';
export type { FileSystem, SyncFileOps } from './checkpoint/fileSystem.ts';
export { syncDirectory, writeDurably } from './checkpoint/durableWrite.ts';
export { refuseLegacyEscapedPath, sparkLegacyEscapedPath } from './checkpoint/legacyEscapedPath.ts';

/* Crash points (sinks declare their own with BatchContext.fault; a simulated crash must propagate) */
export { FAULT_POINTS, SimulatedCrash, isSimulatedCrash } from './lifecycle/faults.ts';
export type { FaultInjector, FaultPhase, FaultPoint, LifecyclePoint } from './lifecycle/faults.ts';

/* Optional dependencies (connector libraries loaded on first use) */
export { requireOptional, resolveOptional } from './dependencies/optionalDependency.ts';
export type { OptionalDependency } from './dependencies/optionalDependency.ts';

/* Functions: what a function or UDF author builds on (see registerFunction) */
export { unscaledFromValue } from './decimal/decimalValues.ts';
export type { AggregateFunctionDefinition, BoundGenerator, BoundLambda, CallContext, FunctionDefinition, FunctionDoc, FunctionFamily, GeneratorFunctionDefinition, ScalarFunctionDefinition } from './functions/registry.ts';
export { argAs, constantArg, expectArg } from './functions/arguments.ts';
export { rowFunction } from './functions/rowFunction.ts';
export type { RowFunctionOptions } from './functions/rowFunction.ts';
export type { BoundExpression } from './expressions/bound.ts';
export { fromRowValues, rowValues } from './expressions/kernels/rows.ts';
