// The Parquet worker thread: decodes row groups and encodes row slices with its own
// parquet-wasm instance, so two cores share one file's work.
//
// Plain JavaScript on purpose: a worker thread starts without the TypeScript loader of its
// parent under vitest (vite transforms only the main thread), and Node 20 cannot strip types,
// so this file must run as it is — under vitest, tsx, and plain node alike. It only calls
// parquet-wasm and hands bytes back; everything that needs Sluice's types stays in the main thread.
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import { asMillis, readArray, readSchema } from './cData.js';
import { writerProperties } from './writerProperties.js';

const require = createRequire(import.meta.url);
const entry = require.resolve('parquet-wasm');
let wasm = require(entry);

/** A fresh instance, after a trap (its memory may be half-updated) or a job that grew the heap (wasm memory only grows). */
function reloadWasm() {
  delete require.cache[entry];
  wasm = require(entry);
}
const RuntimeError = globalThis.WebAssembly.RuntimeError;
/** Above this the worker's wasm heap is dropped after a job, as the main thread's is. */
const KEEP_BYTES = 256 * 1024 * 1024;

/**
 * Decodes `rowGroups` of the file into Arrow C Data descriptions (buffers copied out of wasm
 * memory once, then transferred; timestamps turned into milliseconds on the way when `millis`),
 * or into an Arrow IPC stream when cData.js cannot describe a column (a type it does not know,
 * an offset array). Either way the main thread conforms the result to Sluice's types.
 */
function read({ source, batchSize, millis }) {
  const table = wasm.readParquet(fileOf(source), { batchSize });
  const stream = table.toFFI();
  let described;
  try {
    const memory = wasm.wasmMemory();
    const schema = readSchema(memory, stream.schemaAddr());
    if (schema !== undefined) {
      const transfer = [];
      const batches = [];
      for (let i = 0; i < stream.numArrays(); i++) batches.push(readArray(memory, stream.arrayAddr(i), schema, transfer, millis));
      if (!batches.includes(undefined)) described = { result: { schema: millis ? asMillis(schema) : schema, batches }, transfer };
    }
  } finally {
    stream.free();
  }
  if (described !== undefined) {
    table.free();
    return described;
  }
  // Consumes the table.
  const ipc = table.intoIPCStream();
  return { result: { ipc }, transfer: [ipc.buffer] };
}

const MAGIC = [0x50, 0x41, 0x52, 0x31];

/**
 * The Parquet file to decode: given whole, or assembled from a byte range of a file on disk and
 * the footer the main thread wrote for it (see rowGroupSubset.ts), so that each worker reads only
 * its own row groups, in parallel with the others.
 */
function fileOf(source) {
  if (source.bytes !== undefined) return source.bytes;
  const { path, start, end, footer } = source;
  const length = end - start;
  const out = new Uint8Array(4 + length + footer.length + 8);
  out.set(MAGIC, 0);
  const fd = openSync(path, 'r');
  try {
    for (let done = 0; done < length;) {
      const n = readSync(fd, out, 4 + done, length - done, start + done);
      if (n === 0) throw new Error(`${path} ended early (truncated while being read?)`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  out.set(footer, 4 + length);
  new DataView(out.buffer).setUint32(4 + length + footer.length, footer.length, true);
  out.set(MAGIC, out.length - 4);
  return out;
}

/** Encodes one slice (an Arrow IPC stream) as a whole Parquet file, with the same writer properties as an inline encode; the main thread stitches the slices. */
function write({ ipc, options }) {
  const bytes = wasm.writeParquet(wasm.Table.fromIPCStream(ipc), writerProperties(wasm, options));
  return { result: bytes, transfer: [bytes.buffer] };
}

const JOBS = { read, write };

parentPort.on('message', ({ kind, job }) => {
  try {
    const { result, transfer } = JOBS[kind](job);
    parentPort.postMessage({ result }, transfer);
  } catch (e) {
    if (e instanceof RuntimeError) reloadWasm();
    parentPort.postMessage({ error: String(e?.message ?? e) });
  }
  if (wasm.wasmMemory().buffer.byteLength > KEEP_BYTES) reloadWasm();
});
