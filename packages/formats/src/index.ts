/**
 * @sluice/formats: Arrow tables to and from bytes (JSON, CSV, text, Parquet), directories of
 * files written by Sluice or Spark, and Delta Lake tables in batch (read, write, time travel,
 * history, optimize, vacuum). The streaming file and Delta sources and sinks build on it.
 *
 * @example
 * import { readFiles, readDelta } from '@sluice/formats';
 *
 * const orders = await readFiles('/data/orders', { format: 'parquet' }); // committed files only
 * const lastWeek = await readDelta('/lake/orders', { timestampAsOf: '2026-05-01' });
 *
 * @packageDocumentation
 */

/* Codecs: one Arrow table to and from the bytes of one file */
export type { ReadRequest } from './fileFormat.ts';
export type { FileFormatName } from './fileFormats.ts';
export { readJson, writeJson } from './json/json.ts';
export type { JsonReadOptions, JsonWriteOptions } from './json/options.ts';
export { readCsv, writeCsv } from './csv/csv.ts';
export type { CsvReadOptions, CsvWriteOptions } from './csv/options.ts';
export { TEXT_SCHEMA, readText, writeText } from './text/text.ts';
export type { TextReadOptions, TextWriteOptions } from './text/options.ts';
export { readParquet, readParquetAsync, writeParquet, writeParquetAsync } from './parquet/parquet.ts';
export { readParquetFile, writeParquetFile } from './parquet/parquetFile.ts';
export { closeParquetWorkers } from './parquet/workers/workerPool.ts';
export type { ParquetReadOptions, ParquetWriteOptions } from './parquet/options.ts';

/* Directories of files (a file sink's output honours its manifest) */
export { readFiles } from './files/readFiles.ts';
export type { ReadFilesOptions } from './files/readFiles.ts';

/* Delta Lake: batch reads and writes, time travel, maintenance */
export { readDelta } from './delta/readDelta.ts';
export { staticDelta, staticFiles } from './static/staticSides.ts';
export type { ReadDeltaOptions } from './delta/readDelta.ts';
export { writeDelta } from './delta/writeDelta.ts';
export type { DeltaSaveMode, DeltaWriteResult, WriteDeltaOptions } from './delta/writeDelta.ts';
export type { DeltaFileCompression } from './delta/dataFiles.ts';
export { history } from './delta/history.ts';
export type { DeltaHistoryEntry } from './delta/history.ts';
export { optimize } from './delta/optimize.ts';
export type { OptimizeOptions, OptimizeResult } from './delta/optimize.ts';
export { vacuum } from './delta/vacuum.ts';
export type { VacuumOptions, VacuumResult } from './delta/vacuum.ts';
