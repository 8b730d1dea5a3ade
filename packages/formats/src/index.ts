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
export { parquetFormat, readParquet, writeParquet } from './parquet/parquet.ts';
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

/* Directories of files: listing, partition directories, the file sink manifest, batch reads */
export { readFiles, committedFiles, listInputFiles, partitionOf, readBytes } from './files/readFiles.ts';
export type { ReadFilesOptions } from './files/readFiles.ts';
export { globBase, listDataFiles, isHiddenName, isGlobPath } from './files/listDataFiles.ts';
export type { DataFile, ListOptions } from './files/listDataFiles.ts';
export { planFileRead, readDataFile, inferFileSchema } from './files/fileRead.ts';
export type { FileReadPlan } from './files/fileRead.ts';
export {
  DEFAULT_PARTITION_NAME, checkPartitionType, escapePartitionValue, parsePartitionDirectory, partitionDirectory, unescapePartitionValue,
} from './files/partitionPath.ts';
export type { PartitionValues } from './files/partitionPath.ts';
export { SINK_METADATA_DIR, SPARK_METADATA_DIR, SinkManifest } from './files/sinkManifest.ts';
export type { CommitOptions, ManifestEntry } from './files/sinkManifest.ts';
