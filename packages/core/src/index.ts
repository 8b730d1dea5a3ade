/* Errors and secrets */
export { ERROR_CODES, SluiceError, isSluiceError, describeError } from './errors.ts';
export type { ErrorCode, SluiceErrorOptions } from './errors.ts';
export { REDACTED, isSecretKey, registerSecret, redactOptions, redactString } from './redact.ts';

/* Logging */
export { createLogger, silentLogger } from './logger.ts';
export type { Logger, LogLevel } from './logger.ts';

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
export { concatTables, emptyTable, tableFromColumns, tableFromRows, tableFromVectors, tableToRows } from './arrow/tables.ts';

/* Format registry */
export { registerSinkFormat, registerSourceFormat, registeredFormats, sinkFormat, sourceFormat } from './registry/formatRegistry.ts';
export type { SinkFormat, SinkRequest, SourceFormat, SourceRequest } from './registry/formatRegistry.ts';

/* JSON ⇄ Arrow (from_json / to_json, the json format) */
export { DEFAULT_CORRUPT_RECORD_COLUMN, parseJsonRecords } from './arrow/json/parseJsonRecords.ts';
export type { ParseJsonOptions, ParseMode } from './arrow/json/parseJsonRecords.ts';
export { tableToJsonLines } from './arrow/json/tableToJsonLines.ts';
export { formatIsoDateDays, formatIsoTimestampMs, parseIsoDateDays, parseIsoTimestampMs } from './arrow/json/temporal.ts';
