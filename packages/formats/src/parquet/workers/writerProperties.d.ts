import type { WriterProperties } from 'parquet-wasm';
import type { WorkerWriteOptions } from './workerPool.ts';

/** The settings writerProperties.js reads: the write options as plain values (they cross to workers). */
export type WriterSettings = WorkerWriteOptions;

/** parquet-wasm writer properties from Sluice's write settings (see writerProperties.js). */
export function writerProperties(pw: typeof import('parquet-wasm'), settings: WriterSettings): WriterProperties;
