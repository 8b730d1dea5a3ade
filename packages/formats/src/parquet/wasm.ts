import { createRequire } from 'node:module';
import { resolveOptional } from '@sluice/core/connector';

type ParquetWasm = typeof import('parquet-wasm');

const require = createRequire(import.meta.url);
let entry: string | undefined;
let instance: ParquetWasm | undefined;

/**
 * Where parquet-wasm resolves from: an optional peer, so only apps that read or write Parquet (or
 * Delta) install it; the others get MISSING_DEPENDENCY naming it when they first do.
 */
export function parquetWasmEntry(): string {
  entry ??= resolveOptional(require, { name: 'parquet-wasm', range: '^0.8.0', usedBy: 'Reading and writing Parquet (and Delta tables)' });
  return entry;
}

/**
 * The parquet-wasm module (parquet-rs compiled to WebAssembly). Its Node build instantiates the
 * wasm synchronously when first required.
 */
export function parquetWasm(): ParquetWasm {
  instance ??= require(parquetWasmEntry()) as ParquetWasm;
  return instance;
}

/**
 * Drop the wasm instance after a trap (a Rust panic surfaces as `WebAssembly.RuntimeError`):
 * its memory may hold half-updated state, so the next call loads a fresh instance.
 */
export function discardParquetWasm(): void {
  instance = undefined;
  if (entry !== undefined) delete require.cache[entry];
}

const RuntimeError = (globalThis as unknown as { WebAssembly: { RuntimeError: new () => Error } }).WebAssembly.RuntimeError;

/** Whether `error` is a wasm trap (a Rust panic), after which the instance is discarded. */
export function isWasmTrap(error: unknown): boolean {
  return error instanceof RuntimeError;
}

/** Above this, the wasm heap is dropped after a call: wasm memory only grows, and one huge file should not pin it. */
const KEEP_BYTES = 256 * 1024 * 1024;

/** Lets a heap grown by a large file be collected (the next call loads a fresh, small instance). */
export function releaseLargeHeap(): void {
  if (instance !== undefined && instance.wasmMemory().buffer.byteLength > KEEP_BYTES) discardParquetWasm();
}
