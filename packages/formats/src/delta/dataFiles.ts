/**
 * Writing a batch's rows as a table's data files: rows split by partition values (partition
 * columns live in the directory names and the log, not in the files), then into files of at
 * most `maxRecordsPerFile` rows and about `targetFileSize` bytes; each file Parquet with
 * microsecond timestamps (Delta's type), fsynced before it is named in a commit, and described
 * by an `add` action with Delta statistics.
 */
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { RecordBatch, Table } from 'apache-arrow';
import { nodeFileSystem, syncDirectory, takeRows, type FileSystem } from '@sluice/core';
import { writeParquetAsync } from '../parquet/parquet.ts';
import { columnStats, statsJson } from '../stats/columnStats.ts';
import { writeWhole } from './logStore.ts';
import type { AddFile } from './actions.ts';
import { encodeLogPath, partitionDirectory, serializePartitionValue } from './partitionValues.ts';

export type DeltaFileCompression = 'none' | 'uncompressed' | 'snappy' | 'gzip' | 'zstd' | 'lz4' | 'brotli';

export interface DataFileOptions {
  readonly partitionColumns: readonly string[];
  /** At most this many rows per file; 0 = no limit (Spark's `maxRecordsPerFile`). */
  readonly maxRecordsPerFile: number;
  /** Aim for files of about this many bytes (estimated from the in-memory size); 0 = one file per partition. */
  readonly targetFileSize: number;
  readonly compression: DeltaFileCompression;
  /** `add.modificationTime` (ms). */
  readonly now: number;
  /** `add.dataChange` (false for compaction). */
  readonly dataChange: boolean;
  readonly fs?: FileSystem;
}

export interface WrittenFiles {
  readonly adds: AddFile[];
  readonly numOutputRows: number;
  readonly numOutputBytes: number;
}

/** Write `table` (already in the table's column order and types) under `tablePath`. */
export async function writeDataFiles(tablePath: string, table: Table, options: DataFileOptions): Promise<WrittenFiles> {
  if (table.numRows === 0) return { adds: [], numOutputRows: 0, numOutputBytes: 0 };
  const groups = splitByPartition(table, options.partitionColumns);
  const partitionSet = new Set(options.partitionColumns);
  const dataColumns = table.schema.fields.filter((f) => !partitionSet.has(f.name)).map((f) => f.name);
  const fs = options.fs ?? nodeFileSystem;
  const directories = new Set<string>();
  const adds: AddFile[] = [];
  let bytesTotal = 0;
  let fileIndex = 0;
  for (const group of groups) {
    const data = group.table.select(dataColumns);
    const directory = options.partitionColumns.length === 0 ? '' : partitionDirectory(options.partitionColumns, group.values);
    for (const chunk of splitRows(data, options)) {
      const bytes = await writeParquetAsync(chunk, { compression: options.compression, outputTimestampType: 'TIMESTAMP_MICROS' });
      const suffix = options.compression === 'none' || options.compression === 'uncompressed' ? '' : `.${options.compression}`;
      const name = `part-${String(fileIndex++).padStart(5, '0')}-${randomUUID()}-c000${suffix}.parquet`;
      const relative = directory === '' ? name : `${directory}/${name}`;
      const file = join(tablePath, relative);
      await fs.mkdir(dirname(file), { recursive: true });
      // Written in place (no temp file): no commit names it yet, so no reader can see it half-written.
      await writeWhole(fs, file, bytes);
      directories.add(dirname(file));
      bytesTotal += bytes.length;
      adds.push({
        path: encodeLogPath(relative),
        partitionValues: group.values,
        size: bytes.length,
        modificationTime: options.now,
        dataChange: options.dataChange,
        stats: statsJson(columnStats(chunk)),
      });
    }
  }
  // The files' names must survive a power cut before a commit may name them.
  for (const directory of directories) await syncDirectory(fs, directory);
  return { adds, numOutputRows: table.numRows, numOutputBytes: bytesTotal };
}

interface PartitionGroup {
  readonly values: Record<string, string | null>;
  readonly table: Table;
}

/** Rows grouped by their partition values (serialized as the log holds them), in first-seen order. */
export function splitByPartition(table: Table, columns: readonly string[]): PartitionGroup[] {
  if (columns.length === 0) return table.numRows === 0 && table.batches.length === 0 ? [] : [{ values: {}, table }];
  const groups = new Map<string, { values: Record<string, string | null>; batches: RecordBatch[] }>();
  const indexes = columns.map((c) => table.schema.fields.findIndex((f) => f.name === c));
  for (const batch of table.batches) {
    const rowsByKey = new Map<string, number[]>();
    const valuesByKey = new Map<string, Record<string, string | null>>();
    const vectors = indexes.map((k) => batch.getChildAt(k)!);
    for (let i = 0; i < batch.numRows; i++) {
      const values: (string | null)[] = vectors.map((v, k) => serializePartitionValue(v.get(i), table.schema.fields[indexes[k]!]!.type));
      const key = JSON.stringify(values);
      let rows = rowsByKey.get(key);
      if (rows === undefined) {
        rows = [];
        rowsByKey.set(key, rows);
        valuesByKey.set(key, Object.fromEntries(columns.map((c, k) => [c, values[k]!])));
      }
      rows.push(i);
    }
    for (const [key, rows] of rowsByKey) {
      const sub = rows.length === batch.numRows ? batch : takeRows(batch, Int32Array.from(rows));
      const group = groups.get(key) ?? { values: valuesByKey.get(key)!, batches: [] };
      group.batches.push(sub);
      groups.set(key, group);
    }
  }
  return [...groups.values()].map((g) => ({ values: g.values, table: new Table(table.schema, g.batches) }));
}

/** Slices of at most the row limit that the byte target allows. */
function splitRows(table: Table, options: DataFileOptions): Table[] {
  let rowsPerFile = options.maxRecordsPerFile > 0 ? options.maxRecordsPerFile : Infinity;
  if (options.targetFileSize > 0 && table.numRows > 0) {
    // In-memory Arrow bytes overestimate Parquet's (encoded, compressed) size: a conservative split.
    const bytesPerRow = Math.max(1, arrowBytes(table) / table.numRows);
    rowsPerFile = Math.min(rowsPerFile, Math.max(1, Math.floor(options.targetFileSize / bytesPerRow)));
  }
  if (table.numRows <= rowsPerFile) return [table];
  const out: Table[] = [];
  for (let start = 0; start < table.numRows; start += rowsPerFile) out.push(table.slice(start, Math.min(table.numRows, start + rowsPerFile)));
  return out;
}

function arrowBytes(table: Table): number {
  let total = 0;
  for (const batch of table.batches) {
    for (const child of batch.data.children) total += child.byteLength;
  }
  return total;
}
