/**
 * @sluice/formats/internal: what Sluice's file and Delta sources and sinks share with this
 * package. No stability promise: names here change without notice and are absent from the API
 * reference.
 *
 * @packageDocumentation
 */

/* The codec shape shared by every format, and each format's option specs */
export type { FileFormat } from './fileFormat.ts';
export { fileFormat, fileFormats } from './fileFormats.ts';
export { jsonFormat } from './json/json.ts';
export { jsonReadOptionSpec, jsonReadOptions, jsonWriteOptionSpec, jsonWriteOptions } from './json/options.ts';
export { csvFormat } from './csv/csv.ts';
export { csvReadOptionSpec, csvReadOptions, csvWriteOptionSpec, csvWriteOptions } from './csv/options.ts';
export { textFormat } from './text/text.ts';
export { textReadOptionSpec, textReadOptions, textWriteOptionSpec, textWriteOptions } from './text/options.ts';
export { parquetFormat } from './parquet/parquet.ts';
export { parquetReadOptionSpec, parquetReadOptions, parquetWriteOptionSpec, parquetWriteOptions } from './parquet/options.ts';

/* Statistics and schema inference */
export { columnStats } from './stats/columnStats.ts';
export type { ColumnStats, StatsTree, StatsValue } from './stats/columnStats.ts';
export { inferCsvSchema } from './schema/inferCsvSchema.ts';
export { inferJsonSchema } from './schema/inferJsonSchema.ts';

/* Delta Lake: the transaction log */
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
export { readDeltaFiles, readSnapshot, snapshotFor, sortDeltaFiles } from './delta/readDelta.ts';
export { deltaCommitTimestamps, deltaVersionAtOrAfter, deltaVersionAtOrBefore } from './delta/timeTravel.ts';

/* Directories of files: listing, partition directories, the file sink manifest */
export { committedFiles, listInputFiles, partitionOf, readBytes } from './files/readFiles.ts';
export { globBase, listDataFiles, isHiddenName, isGlobPath } from './files/listDataFiles.ts';
export type { DataFile, ListOptions } from './files/listDataFiles.ts';
export { planFileRead, readDataFile, readDataFileAsync, inferFileSchema } from './files/fileRead.ts';
export type { FileReadPlan } from './files/fileRead.ts';
export {
  DEFAULT_PARTITION_NAME, checkPartitionType, escapePartitionValue, parsePartitionDirectory, partitionDirectory, unescapePartitionValue,
} from './files/partitionPath.ts';
export type { PartitionValues } from './files/partitionPath.ts';
export { SINK_METADATA_DIR, SLUICE_METADATA_DIR, SPARK_METADATA_DIR, SinkManifest } from './files/sinkManifest.ts';
export type { CommitOptions, ManifestEntry } from './files/sinkManifest.ts';
