import { DataType, Field, List, Map_, Schema, Struct, Timestamp, TimeUnit, tableToIPC, type Table } from 'apache-arrow';
import { withDefaults } from '../fileFormat.ts';
import { conformTable } from './conform.ts';
import { highCardinalityColumns } from './dictionaryChoice.ts';
import { parquetWriteOptions, type parquetWriteOptionSpec, type ParquetWriteOptions } from './options.ts';
import type { parquetWasm } from './wasm.ts';
import type { WorkerWriteOptions } from './workers/workerPool.ts';
import { writerProperties } from './workers/writerProperties.js';

/** Spark's compression names → parquet-wasm's enum keys. */
export const COMPRESSION = { none: 'UNCOMPRESSED', uncompressed: 'UNCOMPRESSED', snappy: 'SNAPPY', gzip: 'GZIP', zstd: 'ZSTD', lz4: 'LZ4_RAW', brotli: 'BROTLI' } as const;

type ParquetWasm = ReturnType<typeof parquetWasm>;

/** The table in its written types, and the encoder settings every slice shares. */
export function prepareWrite(table: Table, options: Partial<ParquetWriteOptions> | undefined): { prepared: Table; settings: WorkerWriteOptions } {
  const o = withDefaults<typeof parquetWriteOptionSpec, ParquetWriteOptions>(parquetWriteOptions, options);
  const unit = o.outputTimestampType === 'TIMESTAMP_MICROS' ? TimeUnit.MICROSECOND : TimeUnit.MILLISECOND;
  const schema = new Schema(table.schema.fields.map((f) => new Field(f.name, writeType(f.type, unit), f.nullable, f.metadata)), table.schema.metadata);
  const prepared = conformTable(table, schema, (column) => `'${column}'`);
  const settings: WorkerWriteOptions = {
    compression: COMPRESSION[o.compression],
    rowGroupSize: o.rowGroupSize,
    rowGroupBytes: o['parquet.block.size'],
    pageSize: o['parquet.page.size'],
    dictionary: o['parquet.enable.dictionary'],
    writerVersion: o['parquet.writer.version'],
    createdBy: 'sluice (parquet-rs via parquet-wasm)',
    // Decided once on the whole table, so every slice of a parallel write encodes alike.
    plainColumns: o['parquet.enable.dictionary'] ? highCardinalityColumns(prepared) : [],
  };
  return { prepared, settings };
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


/**
 * The bytes of a Parquet file holding `table`, encoded on this thread. The table crosses into
 * WebAssembly once, as an Arrow IPC stream (no per-row work). Its writer properties come from
 * writerProperties.js, which the workers use too.
 */
export function encodeInline(pw: ParquetWasm, table: Table, settings: WorkerWriteOptions): Uint8Array {
  return pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(table, 'stream')), writerProperties(pw, settings));
}
