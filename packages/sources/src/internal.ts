/**
 * @sluice/sources/internal: source providers from raw options and the helpers Sluice's own
 * tests and benchmarks use. No stability promise: names here change without notice and are
 * absent from the API reference.
 *
 * @packageDocumentation
 */
export { rateProvider, valueAtSecond } from './rate/rateSource.ts';
export { RATE_SCHEMA } from './rate/rateSchema.ts';
export { int64Sequence } from './rate/int64Columns.ts';
export { rateMicroBatchProvider } from './rateMicroBatch/rateMicroBatchSource.ts';
export type { RatePerMicroBatchOffset } from './rateMicroBatch/rateMicroBatchSource.ts';
export { DEFAULT_MAX_FILES_PER_TRIGGER, deltaSourceProvider } from './delta/deltaSource.ts';
export type { DeltaSourceOffset } from './delta/deltaOffset.ts';
export type { DeltaSourceOptions } from './delta/options.ts';
export { fileSourceProvider } from './file/fileSource.ts';
export type { FileSourceOffset } from './file/fileSource.ts';
export { SeenFiles } from './file/seenFiles.ts';
export { kafkaProvider } from './kafka/kafkaSourceProvider.ts';
export type { KafkaOffset } from './kafka/kafkaOffset.ts';
export { kafkaSourceSchema } from './kafka/recordTable.ts';
