import { RecordBatch, Table, tableFromIPC } from 'apache-arrow';
import type { ParquetFooter } from '../footer.ts';
import { tableFromC } from '../workers/arrowFromC.ts';
import { poolSize, runJob } from '../workers/workerPool.ts';
import { splitEvenly } from './split.ts';

/** Below this many bytes a worker's round trip (copying the file over, the batches back) costs more than it saves. */
const MIN_PARALLEL_BYTES = 4 * 1024 * 1024;

/** Whether `input` is worth splitting: big enough, more than one row group, more than one core. */
export function worthReadingInParallel(input: Uint8Array, footer: ParquetFooter): boolean {
  return input.length >= MIN_PARALLEL_BYTES && footer.rowGroupRows.length > 1 && poolSize() > 1;
}

/**
 * The file's row groups, decoded by the worker pool in contiguous ranges of about equal rows,
 * joined in row-group order. The file is copied once into shared memory, which every worker reads.
 */
export async function decodeInWorkers(input: Uint8Array, footer: ParquetFooter): Promise<Table> {
  const shared = new SharedArrayBuffer(input.length);
  new Uint8Array(shared).set(input);
  const ranges = splitEvenly(footer.rowGroupRows, poolSize());
  const parts = await Promise.all(ranges.map((rowGroups) => {
    const rows = rowGroups.reduce((sum, g) => sum + footer.rowGroupRows[g]!, 0);
    return runJob('read', { file: shared, rowGroups, batchSize: Math.min(Math.max(1, rows), 1 << 20) });
  }));
  const tables = parts.map((part) => ('ipc' in part ? tableFromIPC(part.ipc) : tableFromC(part.schema, part.batches)));
  const schema = tables[0]!.schema;
  return new Table(schema, tables.flatMap((t) => t.batches.map((b) => new RecordBatch(schema, b.data))));
}
