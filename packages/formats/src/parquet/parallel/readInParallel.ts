import { RecordBatch, Table, tableFromIPC } from 'apache-arrow';
import type { ParquetFooter } from '../footer.ts';
import { rowGroupSubset, subsetFile } from '../subset/rowGroupSubset.ts';
import { tableFromC } from '../workers/arrowFromC.ts';
import { poolSize, runJob, type ReadSource } from '../workers/workerPool.ts';
import { splitEvenly } from './split.ts';

/** Below this many bytes a worker's round trip (the bytes over, the batches back) costs more than it saves. */
export const MIN_PARALLEL_BYTES = 4 * 1024 * 1024;

/** Whether a file of `size` bytes is worth splitting: big enough, more than one row group, more than one core. */
export function worthReadingInParallel(size: number, footer: ParquetFooter): boolean {
  return size >= MIN_PARALLEL_BYTES && footer.rowGroupRows.length > 1 && poolSize() > 1;
}

/** The footer (Thrift FileMetaData) of a file, and where it starts. */
export interface FooterFrame {
  readonly bytes: Uint8Array;
  readonly start: number;
}

/** The footer frame of a whole file in memory. */
export function footerFrame(file: Uint8Array): FooterFrame {
  const length = new DataView(file.buffer, file.byteOffset, file.byteLength).getUint32(file.length - 8, true);
  return { bytes: file.subarray(file.length - 8 - length, file.length - 8), start: file.length - 8 - length };
}

/**
 * The row groups of a file in memory, decoded by the worker pool in contiguous ranges of about
 * equal rows and joined in row-group order. Each worker gets a small file of just its row groups
 * (transferred, not copied). With `millis`, the workers turn timestamps into milliseconds (for a
 * caller that would anyway).
 */
export function decodeInWorkers(input: Uint8Array, footer: ParquetFooter, millis = false, parts = poolSize()): Promise<Table> {
  const frame = footerFrame(input);
  return decode(footer, millis, parts, (groups) => {
    const bytes = subsetFile(input, rowGroupSubset(frame.bytes, frame.start, groups));
    return { source: { bytes }, transfer: [bytes.buffer as ArrayBuffer] };
  });
}

/** As decodeInWorkers, for a file on disk: each worker reads its own row groups' bytes. */
export function decodeFileInWorkers(path: string, frame: FooterFrame, footer: ParquetFooter, millis = false, parts = poolSize()): Promise<Table> {
  return decode(footer, millis, parts, (groups) => ({ source: { path, ...rowGroupSubset(frame.bytes, frame.start, groups) }, transfer: [] }));
}

async function decode(footer: ParquetFooter, millis: boolean, parts: number, sourceOf: (groups: number[]) => { source: ReadSource; transfer: ArrayBuffer[] }): Promise<Table> {
  const ranges = splitEvenly(footer.rowGroupRows, parts);
  const results = await Promise.all(ranges.map((groups) => {
    const rows = groups.reduce((sum, g) => sum + footer.rowGroupRows[g]!, 0);
    const { source, transfer } = sourceOf(groups);
    return runJob('read', { source, batchSize: Math.min(Math.max(1, rows), 1 << 20), millis }, transfer);
  }));
  const tables = results.map((part) => ('ipc' in part ? tableFromIPC(part.ipc) : tableFromC(part.schema, part.batches)));
  const schema = tables[0]!.schema;
  return new Table(schema, tables.flatMap((t) => t.batches.map((b) => new RecordBatch(schema, b.data))));
}
