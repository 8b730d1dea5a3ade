/* The codec shape shared by every format */
export type { FileFormat, ReadRequest } from './fileFormat.ts';

/* JSON */
export { jsonFormat, readJson, writeJson } from './json/json.ts';
export { jsonReadOptionSpec, jsonReadOptions, jsonWriteOptionSpec, jsonWriteOptions } from './json/options.ts';
export type { JsonReadOptions, JsonWriteOptions } from './json/options.ts';

/* CSV */
export { csvFormat, readCsv, writeCsv } from './csv/csv.ts';
export { csvReadOptionSpec, csvReadOptions, csvWriteOptionSpec, csvWriteOptions } from './csv/options.ts';
export type { CsvReadOptions, CsvWriteOptions } from './csv/options.ts';

/* Text */
export { TEXT_SCHEMA, readText, textFormat, writeText } from './text/text.ts';
export { textReadOptionSpec, textReadOptions, textWriteOptionSpec, textWriteOptions } from './text/options.ts';
export type { TextReadOptions, TextWriteOptions } from './text/options.ts';

/* Parquet */
export { parquetFormat, readParquet, readParquetAsync, writeParquet, writeParquetAsync } from './parquet/parquet.ts';
export { readParquetFile, writeParquetFile } from './parquet/parquetFile.ts';
export { closeParquetWorkers } from './parquet/workers/workerPool.ts';
export { parquetReadOptionSpec, parquetReadOptions, parquetWriteOptionSpec, parquetWriteOptions } from './parquet/options.ts';
export type { ParquetReadOptions, ParquetWriteOptions } from './parquet/options.ts';

/* All codecs by name */
export { fileFormat, fileFormats } from './fileFormats.ts';
export type { FileFormatName } from './fileFormats.ts';

/* Delta statistics and schema inference */
export { columnStats } from './stats/columnStats.ts';
export type { ColumnStats, StatsTree, StatsValue } from './stats/columnStats.ts';
export { inferCsvSchema } from './schema/inferCsvSchema.ts';
export { inferJsonSchema } from './schema/inferJsonSchema.ts';

/* Delta Lake: transaction log, batch reads and writes, maintenance */
export { DeltaLog } from './delta/deltaLog.ts';
export type { DeltaCommitEntry, DeltaCommitRequest, DeltaCommitResult, DeltaLogOptions } from './delta/deltaLog.ts';
export { DeltaSnapshot } from './delta/snapshot.ts';
export { parseLogFileName } from './delta/logStore.ts';
export type { LogFile } from './delta/logStore.ts';
export { latestSnapshotSync } from './delta/latestSnapshotSync.ts';
export { parseDeltaAction, parseDeltaCommit, serializeDeltaAction } from './delta/actions.ts';
export type {
  AddFile, DeletionVectorDescriptor, DeltaAction, DeltaCommitInfo, DeltaMetadata, DeltaProtocol, DeltaTxn, DomainMetadata, RemoveFile,
} from './delta/actions.ts';
export { arrowToDeltaSchema, deltaToArrowSchema, parseSchemaString } from './delta/deltaSchema.ts';
export type { DeltaArrayType, DeltaMapType, DeltaStructField, DeltaStructType, DeltaType } from './delta/deltaSchema.ts';
export { DELTA_READER_FEATURES, checkDeltaReadable, checkDeltaWritable } from './delta/tableFeatures.ts';
export { deltaScanPlan, readDeltaFile } from './delta/scan.ts';
export type { DeltaScanPlan } from './delta/scan.ts';
export { readDelta, readDeltaFiles, readSnapshot, snapshotFor, sortDeltaFiles } from './delta/readDelta.ts';
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
export { deltaCommitTimestamps, deltaVersionAtOrAfter, deltaVersionAtOrBefore } from './delta/timeTravel.ts';

/* Directories of files: listing, partition directories, the file sink manifest, batch reads */
export { readFiles, committedFiles, listInputFiles, partitionOf, readBytes } from './files/readFiles.ts';
export type { ReadFilesOptions } from './files/readFiles.ts';
export { globBase, listDataFiles, isHiddenName, isGlobPath } from './files/listDataFiles.ts';
export type { DataFile, ListOptions } from './files/listDataFiles.ts';
export { planFileRead, readDataFile, readDataFileAsync, inferFileSchema } from './files/fileRead.ts';
export type { FileReadPlan } from './files/fileRead.ts';
export {
  DEFAULT_PARTITION_NAME, checkPartitionType, escapePartitionValue, parsePartitionDirectory, partitionDirectory, unescapePartitionValue,
} from './files/partitionPath.ts';
export type { PartitionValues } from './files/partitionPath.ts';
export { SINK_METADATA_DIR, SPARK_METADATA_DIR, SinkManifest } from './files/sinkManifest.ts';
export type { CommitOptions, ManifestEntry } from './files/sinkManifest.ts';
