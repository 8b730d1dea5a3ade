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
