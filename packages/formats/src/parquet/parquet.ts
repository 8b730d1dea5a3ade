import { DataType, Field, Schema, Table, TimeUnit, tableFromIPC } from 'apache-arrow';
import { SluiceError } from '@sluice/core';
import { describeError } from '@sluice/core/connector';
import { describeFile, type FileFormat, type ReadRequest } from '../fileFormat.ts';
import { conformTable, sluiceType } from './conform.ts';
import { encodeInline, prepareWrite } from './encode.ts';
import { readFooter, type ParquetFooter } from './footer.ts';
import { decodeInt96Columns, exposeInt96, type Int96Exposed } from './int96.ts';
import { decodeInWorkers, worthReadingInParallel } from './parallel/readInParallel.ts';
import { encodeInWorkers, worthWritingInParallel } from './parallel/writeInParallel.ts';
import {
  parquetReadOptionSpec, parquetReadOptions, parquetWriteOptionSpec, parquetWriteOptions, type ParquetReadOptions, type ParquetWriteOptions,
} from './options.ts';
import { discardParquetWasm, isWasmTrap, parquetWasm, releaseLargeHeap } from './wasm.ts';
import type { WorkerWriteOptions } from './workers/workerPool.ts';

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
  return readInspected(inspect(bytes, request), request);
}

/** An inspected file decoded on this thread. */
function readInspected(file: Inspected, request: ReadRequest<ParquetReadOptions>): Table {
  let table: Table;
  try {
    table = decodeInline(file.input, file.footer.numRows);
  } catch (e) {
    throw decodeFailed(file, request, e);
  }
  return conformDecoded(table, file.footer.numRows, file.int96, request);
}

/**
 * `readParquet`, with a large file's row groups decoded on worker threads in parallel (one
 * wasm instance per core) and joined in row-group order. Small files are decoded inline, where
 * a worker's round trip would cost more than it saves.
 *
 * @example await readParquetAsync(await readFile(path), { file: path })
 */
export async function readParquetAsync(bytes: Uint8Array, request: ReadRequest<ParquetReadOptions> = {}): Promise<Table> {
  const file = inspect(bytes, request);
  if (!worthReadingInParallel(file.input.length, file.footer)) return readInspected(file, request);
  let table: Table;
  try {
    table = await decodeInWorkers(file.input, file.footer, wantsMillis(request));
  } catch (e) {
    throw decodeFailed(file, request, e);
  }
  return conformDecoded(table, file.footer.numRows, file.int96, request);
}

/** Sluice's timestamps are milliseconds: workers may convert them, unless the schema asks for another unit. */
export function wantsMillis(request: ReadRequest<ParquetReadOptions>): boolean {
  return request.schema === undefined || onlyMillis(request.schema.fields);
}

function onlyMillis(fields: readonly Field[]): boolean {
  return fields.every((f) => (DataType.isTimestamp(f.type) ? f.type.unit === TimeUnit.MILLISECOND : onlyMillis(f.type.children ?? [])));
}

interface Inspected {
  readonly where: string;
  readonly footer: ParquetFooter;
  readonly int96: Int96Exposed | undefined;
  /** The bytes to decode: the file, or its copy with INT96 columns re-declared. */
  readonly input: Uint8Array;
}

/** The footer checked and INT96 columns exposed, before any decoding. */
function inspect(bytes: Uint8Array, request: ReadRequest<ParquetReadOptions>): Inspected {
  const where = describeFile(request.file);
  try {
    const footer = readFooter(bytes);
    const int96 = exposeInt96(bytes);
    return { where, footer, int96, input: int96?.bytes ?? bytes };
  } catch (e) {
    throw corrupt(where, describeError(e), request.file, undefined, e);
  }
}

function decodeInline(input: Uint8Array, numRows: number): Table {
  const pw = parquetWasm();
  try {
    // Batches of up to 1 M rows instead of parquet-rs's default 1024: fewer, larger
    // chunks are what the columnar operators downstream want.
    const batchSize = Math.min(Math.max(1, numRows), 1 << 20);
    return tableFromIPC(pw.readParquet(input, { batchSize }).intoIPCStream());
  } catch (e) {
    if (isWasmTrap(e)) discardParquetWasm();
    throw e;
  } finally {
    releaseLargeHeap();
  }
}

function decodeFailed(file: Inspected, request: ReadRequest<ParquetReadOptions>, e: unknown): SluiceError {
  return corrupt(file.where, describeError(e), request.file, locateBadRowGroup(file.input, file.footer.rowGroupRows.length), e);
}

/** INT96 columns decoded, the row count checked, columns in Sluice's types (or the requested schema). */
export function conformDecoded(decoded: Table, numRows: number, int96: Int96Exposed | undefined, request: ReadRequest<ParquetReadOptions>): Table {
  const where = describeFile(request.file);
  const table = int96 === undefined ? decoded : decodeInt96Columns(decoded, int96.columns);
  if (table.numRows !== numRows) {
    throw corrupt(where, `it declares ${numRows} rows but ${table.numRows} were decoded`, request.file, undefined);
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


/**
 * The bytes of a Parquet file holding `table`. The table crosses into WebAssembly once, as an
 * Arrow IPC stream (no per-row work). Timestamps are written UTC-adjusted (Spark's TIMESTAMP) in
 * the unit `outputTimestampType` names.
 *
 * @example writeParquet(table, { compression: 'zstd', rowGroupSize: 100_000 })
 */
export function writeParquet(table: Table, options?: Partial<ParquetWriteOptions>): Uint8Array {
  const { prepared, settings } = prepareWrite(table, options);
  return writePrepared(prepared, settings);
}

/** A table already in its written types (see prepareWrite), encoded on this thread. */
export function writePrepared(prepared: Table, settings: WorkerWriteOptions): Uint8Array {
  const pw = parquetWasm();
  try {
    return encodeInline(pw, prepared, settings);
  } catch (e) {
    if (isWasmTrap(e)) discardParquetWasm();
    throw writeFailed(e);
  } finally {
    releaseLargeHeap();
  }
}

/**
 * `writeParquet`, with a large table cut into row slices encoded on worker threads in parallel
 * and stitched into one file (their row groups in order, one footer). Small tables are encoded
 * inline.
 *
 * @example await writeFile(path, await writeParquetAsync(table, { compression: 'zstd' }))
 */
export async function writeParquetAsync(table: Table, options?: Partial<ParquetWriteOptions>): Promise<Uint8Array> {
  const { prepared, settings } = prepareWrite(table, options);
  if (!worthWritingInParallel(prepared)) return writePrepared(prepared, settings);
  try {
    return await encodeInWorkers(prepared, settings);
  } catch (e) {
    throw writeFailed(e);
  }
}

export function writeFailed(e: unknown): SluiceError {
  return new SluiceError('SINK_FAILED', `Cannot write the table as Parquet: ${describeError(e)}.`, { cause: e });
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
  readAsync: readParquetAsync,
  writeAsync: writeParquetAsync,
};
