import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CArray, CField } from './arrowFromC.ts';
import { parquetWasmEntry } from '../wasm.ts';

/*
 * A small shared pool of Parquet worker threads (see parquetWorker.js), started on first use.
 * Idle workers are unref'd, so they never keep a process alive, and end after a quiet spell,
 * so tests and short scripts leave none behind.
 */

/** The jobs a worker runs, with what each takes and returns. */
export interface ParquetJobs {
  read: { job: { source: ReadSource; batchSize: number; millis: boolean }; result: { schema: CField; batches: CArray[] } | { ipc: Uint8Array } };
  write: { job: { ipc: Uint8Array; options: WorkerWriteOptions }; result: Uint8Array };
}

/** A whole Parquet file, or the bytes [start, end) of one on disk under the footer of a smaller file holding just them. */
export type ReadSource = { readonly bytes: Uint8Array } | { readonly path: string; readonly start: number; readonly end: number; readonly footer: Uint8Array };

/** Writer properties as plain values, for a worker to rebuild (see writerProperties.js). */
export interface WorkerWriteOptions {
  readonly compression: string;
  readonly rowGroupSize: number;
  readonly rowGroupBytes: number;
  readonly pageSize: number;
  readonly dictionary: boolean;
  readonly writerVersion: string;
  readonly createdBy: string;
  readonly plainColumns: readonly string[];
}

interface Queued {
  readonly kind: keyof ParquetJobs;
  readonly job: unknown;
  readonly transfer: ArrayBuffer[];
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Slot {
  readonly worker: Worker;
  /** The job in flight: one at a time, so a worker slowed by a busy core takes fewer jobs. */
  busy: Queued | undefined;
}

/** Workers end after this long without a job (restarting one costs a wasm compile, ~tens of ms). */
const IDLE_MS = 10_000;
const ENTRY = new URL('./parquetWorker.js', import.meta.url);

let slots: Slot[] = [];
const queue: Queued[] = [];
let idleTimer: NodeJS.Timeout | undefined;

/** How many workers the pool runs: one per core, up to four. */
export function poolSize(): number {
  return Math.min(availableParallelism(), 4);
}

/** Queues a job for the next idle worker; the promise rejects with the worker's error text. */
export function runJob<K extends keyof ParquetJobs>(kind: K, job: ParquetJobs[K]['job'], transfer: ArrayBuffer[] = []): Promise<ParquetJobs[K]['result']> {
  return new Promise((resolve, reject) => {
    queue.push({ kind, job, transfer, resolve: resolve as (value: unknown) => void, reject });
    pump();
  });
}

/**
 * Ends every worker now; queued jobs fail (the next job starts new workers).
 *
 * @example
 * await closeParquetWorkers(); // end the worker threads now instead of after 10 s idle
 */
export async function closeParquetWorkers(): Promise<void> {
  const ending = slots;
  slots = [];
  clearIdleTimer();
  for (const queued of queue.splice(0)) queued.reject(new Error('the Parquet workers were closed'));
  await Promise.all(ending.map((slot) => slot.worker.terminate()));
}

/** Hands queued jobs to idle workers, starting workers up to the pool size. */
function pump(): void {
  if (queue.length === 0) return;
  clearIdleTimer();
  while (slots.length < poolSize()) slots.push(startWorker());
  for (const slot of slots) {
    if (slot.busy !== undefined) continue;
    const queued = queue.shift();
    if (queued === undefined) return;
    slot.busy = queued;
    // A worker with a job keeps the process alive until it answers.
    slot.worker.ref();
    slot.worker.postMessage({ kind: queued.kind, job: queued.job }, queued.transfer);
  }
}

function startWorker(): Slot {
  parquetWasmEntry(); // a missing parquet-wasm is MISSING_DEPENDENCY here, not a worker that dies at start
  const worker = new Worker(ENTRY);
  worker.unref();
  const slot: Slot = { worker, busy: undefined };
  worker.on('message', ({ result, error }: { result?: unknown; error?: string }) => {
    const done = slot.busy;
    slot.busy = undefined;
    worker.unref();
    if (error === undefined) done?.resolve(result);
    else done?.reject(new Error(error));
    pump();
    if (slots.every((s) => s.busy === undefined)) startIdleTimer();
  });
  const fail = (error: Error) => {
    slots = slots.filter((s) => s !== slot);
    slot.busy?.reject(error);
    slot.busy = undefined;
    pump();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the Parquet worker thread exited (code ${code})`)));
  return slot;
}

/** Once every worker has been idle a while the pool ends; the timer itself never keeps the process alive. */
function startIdleTimer(): void {
  clearIdleTimer();
  idleTimer = setTimeout(() => void closeParquetWorkers(), IDLE_MS);
  idleTimer.unref();
}

function clearIdleTimer(): void {
  if (idleTimer !== undefined) clearTimeout(idleTimer);
  idleTimer = undefined;
}
