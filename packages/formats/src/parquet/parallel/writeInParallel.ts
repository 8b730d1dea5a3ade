import { tableToIPC, type Table } from 'apache-arrow';
import type { FileHandle } from 'node:fs/promises';
import { ParquetStitcher, stitchParquet } from '../stitch/stitchParquet.ts';
import { PARQUET_MAGIC as MAGIC } from '../footer.ts';
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
export async function encodeInWorkers(table: Table, settings: WorkerWriteOptions, parts = poolSize()): Promise<Uint8Array> {
  return stitchParquet(await Promise.all(encodeSlices(table, settings, parts)));
}

/**
 * Slices being encoded (see encodeSlices), written to `handle` (an empty file) as one Parquet
 * file: each slice's pages are written where they belong as soon as that slice and those before
 * it are encoded, while later slices are still encoding, and the bytes never gather into one
 * buffer. Returns the file's size.
 */
export async function writeStitched(handle: FileHandle, pieces: readonly Promise<Uint8Array>[]): Promise<number> {
  const stitcher = new ParquetStitcher();
  const writes: Promise<unknown>[] = [handle.write(MAGIC, 0, MAGIC.length, 0)];
  try {
    for (const piece of pieces) {
      const { bytes, position } = stitcher.add(await piece);
      writes.push(handle.write(bytes, 0, bytes.length, position));
    }
    const tail = stitcher.finish();
    writes.push(handle.write(tail.bytes, 0, tail.bytes.length, tail.position));
  } finally {
    // No write may still be running when the caller closes (or removes) the file.
    await Promise.allSettled([...writes, ...pieces]);
  }
  await Promise.all(writes);
  return (await handle.stat()).size;
}


/** The slices' encodings (whole Parquet files), in row order; each slice is serialised and queued while earlier ones encode. */
export function encodeSlices(table: Table, settings: WorkerWriteOptions, parts = poolSize()): Promise<Uint8Array>[] {
  const slices = sliceRows(table.numRows, parts, settings.rowGroupSize);
  // An empty table is still one (empty) file.
  if (slices.length === 0) slices.push([0, 0]);
  return slices.map(([start, end]) => {
    const ipc = tableToIPC(table.slice(start, end), 'stream');
    return runJob('write', { ipc, options: settings }, [ipc.buffer as ArrayBuffer]);
  });
}
