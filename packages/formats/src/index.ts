/* The codec shape shared by every format */
export type { FileFormat, ReadRequest } from './fileFormat.ts';

/* Parquet */
export { parquetFormat, readParquet, writeParquet } from './parquet/parquet.ts';
export { parquetReadOptionSpec, parquetReadOptions, parquetWriteOptionSpec, parquetWriteOptions } from './parquet/options.ts';
export type { ParquetReadOptions, ParquetWriteOptions } from './parquet/options.ts';
