import { DataType, Field, Schema, Table, Timestamp, TimeUnit, tableFromIPC, tableToIPC, List, Map_, Struct } from 'apache-arrow';
import { SluiceError, describeError } from '@sluice/core';
import { describeFile, withDefaults, type FileFormat, type ReadRequest } from '../fileFormat.ts';
import { conformTable, sluiceType } from './conform.ts';
import { highCardinalityColumns } from './dictionaryChoice.ts';
import { readFooter } from './footer.ts';
import { decodeInt96Columns, exposeInt96 } from './int96.ts';
import {
  parquetReadOptionSpec, parquetReadOptions, parquetWriteOptionSpec, parquetWriteOptions, type ParquetReadOptions, type ParquetWriteOptions,
} from './options.ts';
import { discardParquetWasm, isWasmTrap, parquetWasm, releaseLargeHeap } from './wasm.ts';

/**
 * An Arrow table from the bytes of a Parquet file (parquet-rs in WebAssembly: snappy, zstd, gzip,
 * lz4, brotli; dictionary and v2 pages; nested types; Spark's INT96 timestamps, any year). Columns come out in Sluice's types:
 * timestamps of any unit as Timestamp(ms), dictionaries decoded. With `schema`, columns are
 * matched by name (case-insensitively as Spark does), widened where lossless, and absent ones are
 * nulls; an incompatible type is `SCHEMA_MISMATCH`. A damaged file is `FILE_CORRUPT` naming the
 * file and, when it can be told, the row group.
 *
 * @example readParquet(await readFile('/in/part-0.parquet'), { file: '/in/part-0.parquet' })
 */
export function readParquet(bytes: Uint8Array, request: ReadRequest<ParquetReadOptions> = {}): Table {
  const where = describeFile(request.file);
  let footer;
  let int96;
  try {
    footer = readFooter(bytes);
    int96 = exposeInt96(bytes);
  } catch (e) {
    throw corrupt(where, describeError(e), request.file, undefined, e);
  }
  const input = int96?.bytes ?? bytes;
  let table: Table;
  const pw = parquetWasm();
  try {
    // Batches of up to 1 M rows instead of parquet-rs's default 1024: fewer, larger
    // chunks are what the columnar operators downstream want.
    const batchSize = Math.min(Math.max(1, footer.numRows), 1 << 20);
    table = tableFromIPC(pw.readParquet(input, { batchSize }).intoIPCStream());
  } catch (e) {
    if (isWasmTrap(e)) discardParquetWasm();
    throw corrupt(where, describeError(e), request.file, locateBadRowGroup(input, footer.rowGroupRows.length), e);
  } finally {
    releaseLargeHeap();
  }
  if (int96 !== undefined) table = decodeInt96Columns(table, int96.columns);
  if (table.numRows !== footer.numRows) {
    throw corrupt(where, `it declares ${footer.numRows} rows but ${table.numRows} were decoded`, request.file, undefined);
  }
  const target = request.schema ?? new Schema(table.schema.fields.map((f) => new Field(f.name, sluiceType(f.type), true, f.metadata)));
  return conformTable(table, target, (column) => `'${column}' of ${where}`);
}

/** The first row group that fails to decode on its own, if any does. Runs only after a failure. */
function locateBadRowGroup(bytes: Uint8Array, count: number): number | undefined {
  for (let g = 0; g < count; g++) {
    try {
      parquetWasm().readParquet(bytes, { rowGroups: [g] }).free();
    } catch (e) {
      if (isWasmTrap(e)) discardParquetWasm();
      return g;
    }
  }
  return undefined;
}

function corrupt(where: string, reason: string, file: string | undefined, rowGroup: number | undefined, cause?: unknown): SluiceError {
  const group = rowGroup === undefined ? '' : ` (row group ${rowGroup})`;
  return new SluiceError(
    'FILE_CORRUPT',
    `Cannot read Parquet ${where}${group}: ${reason.replace(/^Error: /, '')}. The file is damaged or not Parquet; replace it, or move it out of the input path.`,
    { cause, details: { ...(file === undefined ? {} : { file }), ...(rowGroup === undefined ? {} : { rowGroup }) } },
  );
}

const COMPRESSION = { none: 'UNCOMPRESSED', uncompressed: 'UNCOMPRESSED', snappy: 'SNAPPY', gzip: 'GZIP', zstd: 'ZSTD', lz4: 'LZ4_RAW', brotli: 'BROTLI' } as const;

/**
 * The bytes of a Parquet file holding `table`. The table crosses into WebAssembly once, as an
 * Arrow IPC stream (no per-row work). Timestamps are written UTC-adjusted (Spark's TIMESTAMP) in
 * the unit `outputTimestampType` names.
 *
 * @example writeParquet(table, { compression: 'zstd', rowGroupSize: 100_000 })
 */
export function writeParquet(table: Table, options?: Partial<ParquetWriteOptions>): Uint8Array {
  const o = withDefaults<typeof parquetWriteOptionSpec, ParquetWriteOptions>(parquetWriteOptions, options);
  const pw = parquetWasm();
  const unit = o.outputTimestampType === 'TIMESTAMP_MICROS' ? TimeUnit.MICROSECOND : TimeUnit.MILLISECOND;
  const schema = new Schema(table.schema.fields.map((f) => new Field(f.name, writeType(f.type, unit), f.nullable, f.metadata)), table.schema.metadata);
  const prepared = conformTable(table, schema, (column) => `'${column}'`);
  let builder = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression[COMPRESSION[o.compression]])
    .setMaxRowGroupSize(o.rowGroupSize)
    .setMaxRowGroupBytes(o['parquet.block.size'])
    .setDataPageSizeLimit(o['parquet.page.size'])
    .setDictionaryEnabled(o['parquet.enable.dictionary'])
    .setWriterVersion(o['parquet.writer.version'] === 'v2' ? pw.WriterVersion.V2 : pw.WriterVersion.V1)
    .setCreatedBy('sluice (parquet-rs via parquet-wasm)');
  if (o['parquet.enable.dictionary']) {
    // The wasm builder is consumed by each call and returns its successor.
    for (const column of highCardinalityColumns(prepared)) builder = builder.setColumnDictionaryEnabled(column, false);
  }
  try {
    const wasmTable = pw.Table.fromIPCStream(tableToIPC(prepared, 'stream'));
    return pw.writeParquet(wasmTable, builder.build());
  } catch (e) {
    if (isWasmTrap(e)) discardParquetWasm();
    throw new SluiceError('SINK_FAILED', `Cannot write the table as Parquet: ${describeError(e)}.`, { cause: e });
  } finally {
    releaseLargeHeap();
  }
}

/** Timestamps become UTC-adjusted in the output unit; everything else is written as it is. */
function writeType(type: DataType, unit: TimeUnit): DataType {
  if (DataType.isTimestamp(type)) return new Timestamp(unit, 'UTC');
  if (DataType.isList(type)) return new List(retype(type.children[0]!, unit));
  if (DataType.isMap(type)) {
    const entry = type.children[0]!.type as Struct;
    return new Map_(new Field(type.children[0]!.name, new Struct(entry.children.map((f) => retype(f, unit))), false) as never, type.keysSorted);
  }
  if (DataType.isStruct(type)) return new Struct(type.children.map((f) => retype(f, unit)));
  return type;
}

function retype(field: Field, unit: TimeUnit): Field {
  return new Field(field.name, writeType(field.type, unit), field.nullable, field.metadata);
}

/** The Parquet codec, for the file source and sink. */
export const parquetFormat: FileFormat<typeof parquetReadOptionSpec, typeof parquetWriteOptionSpec, ParquetReadOptions, ParquetWriteOptions> = {
  name: 'parquet',
  extension: '.parquet',
  readOptionSpec: parquetReadOptionSpec,
  writeOptionSpec: parquetWriteOptionSpec,
  readOptions: parquetReadOptions,
  writeOptions: parquetWriteOptions,
  read: readParquet,
  write: writeParquet,
};
