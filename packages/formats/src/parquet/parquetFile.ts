import { open, readFile, rm, writeFile } from 'node:fs/promises';
import type { Table } from 'apache-arrow';
import type { ReadRequest } from '../fileFormat.ts';
import { readFooter, type ParquetFooter } from './footer.ts';
import { exposeInt96 } from './int96.ts';
import type { ParquetReadOptions, ParquetWriteOptions } from './options.ts';
import { prepareWrite } from './encode.ts';
import { encodeSlices, worthWritingInParallel, writeStitched } from './parallel/writeInParallel.ts';
import { decodeFileInWorkers, MIN_PARALLEL_BYTES, worthReadingInParallel, type FooterFrame } from './parallel/readInParallel.ts';
import { conformDecoded, readParquetAsync, wantsMillis, writeFailed, writePrepared } from './parquet.ts';

/**
 * The Arrow table of the Parquet file at `path`. A large file is read by the worker pool, each
 * worker reading and decoding only its own row groups, so neither the disk reads nor the
 * decoding wait on one thread; the main thread reads just the footer. Anything unusual (a small
 * file, one row group, INT96 columns, a read or decode failure) goes through readParquetAsync
 * on the whole file, which also names the damaged row group of a corrupt one.
 *
 * @example await readParquetFile('/in/part-0.parquet')
 */
export async function readParquetFile(path: string, request: ReadRequest<ParquetReadOptions> = {}): Promise<Table> {
  const named = { ...request, file: request.file ?? path };
  const frame = await footerOf(path).catch(() => undefined);
  const footer = frame === undefined ? undefined : parallelFooter(frame);
  if (frame !== undefined && footer !== undefined) {
    const decoded = await decodeFileInWorkers(path, frame, footer, wantsMillis(request)).catch(() => undefined);
    if (decoded !== undefined) return conformDecoded(decoded, footer.numRows, undefined, named);
  }
  return readParquetAsync(await readFile(path), named);
}

/** The footer facts when the file is worth reading in parallel; undefined otherwise, or when the footer is damaged (the whole-file path reports that). */
function parallelFooter(frame: Frame): ParquetFooter | undefined {
  try {
    const footer = readFooter(frame.file);
    return worthReadingInParallel(frame.size, footer) && exposeInt96(frame.file) === undefined ? footer : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes `table` as the Parquet file at `path` (replacing it) and returns its size in bytes. A
 * large table is encoded in slices on the worker pool, and each slice's pages are written to
 * the file as soon as they and those before them are ready (see writeStitched). The
 * file is not synced; a partly written file is removed when writing fails.
 *
 * @example await writeParquetFile('/out/part-0.parquet', table, { compression: 'zstd' })
 */
export async function writeParquetFile(path: string, table: Table, options?: Partial<ParquetWriteOptions>): Promise<number> {
  const { prepared, settings } = prepareWrite(table, options);
  if (!worthWritingInParallel(prepared)) {
    const bytes = writePrepared(prepared, settings);
    await writeFile(path, bytes);
    return bytes.length;
  }
  // The workers start encoding before the file is opened (truncating an old file takes a while).
  const pieces = encodeSlices(prepared, settings);
  const handle = await open(path, 'w').catch(async (e: unknown) => {
    await Promise.allSettled(pieces);
    throw e;
  });
  let size: number;
  try {
    size = await writeStitched(handle, pieces);
  } catch (e) {
    await handle.close();
    await rm(path, { force: true });
    throw writeFailed(e);
  }
  await handle.close();
  return size;
}

interface Frame extends FooterFrame {
  readonly size: number;
  /** "PAR1", the footer, its length, "PAR1": a file without row-group bytes, for the footer checks. */
  readonly file: Uint8Array;
}

/** The footer frame of a large file (checked by readFooter); undefined for a small one. */
async function footerOf(path: string): Promise<Frame | undefined> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size < MIN_PARALLEL_BYTES) return undefined;
    const head = new Uint8Array(4);
    const tail = new Uint8Array(8);
    await handle.read(head, 0, 4, 0);
    await handle.read(tail, 0, 8, size - 8);
    const length = new DataView(tail.buffer).getUint32(0, true);
    // Only the allocation is guarded here: readFooter checks the magic at both ends.
    if (length > size - 12) return undefined;
    const file = new Uint8Array(4 + length + 8);
    file.set(head, 0);
    await handle.read(file, 4, length, size - 8 - length);
    file.set(tail, 4 + length);
    return { size, file, bytes: file.subarray(4, 4 + length), start: size - 8 - length };
  } finally {
    await handle.close();
  }
}
