import { tableToIPC, type Table } from 'apache-arrow';
import { stitchParquet } from '../stitch/stitchParquet.ts';
import { poolSize, runJob, type WorkerWriteOptions } from '../workers/workerPool.ts';
import { sliceRows } from './split.ts';

/** Below this many rows a worker's round trip costs more than the split saves. */
const MIN_PARALLEL_ROWS = 100_000;

/** Whether `table` is worth encoding in slices: enough rows, more than one core. */
export function worthWritingInParallel(table: Table): boolean {
  return table.numRows >= MIN_PARALLEL_ROWS && poolSize() > 1;
}

/**
 * `table` cut into one row slice per worker (whole row groups each), encoded in parallel and
 * stitched into one file. Each slice crosses to its worker as an Arrow IPC stream whose buffer is
 * transferred, not copied; the next slice is serialised while the first is encoding.
 */
export async function encodeInWorkers(table: Table, settings: WorkerWriteOptions): Promise<Uint8Array> {
  const slices = sliceRows(table.numRows, poolSize(), settings.rowGroupSize);
  // An empty table is still one (empty) file.
  if (slices.length === 0) slices.push([0, 0]);
  const pieces = slices.map(([start, end]) => {
    const ipc = tableToIPC(table.slice(start, end), 'stream');
    return runJob('write', { ipc, options: settings }, [ipc.buffer as ArrayBuffer]);
  });
  return stitchParquet(await Promise.all(pieces));
}
