import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CArray, CField } from './arrowFromC.ts';

/**
 * A small shared pool of Parquet worker threads (see parquetWorker.js), started on first use.
 * Idle workers are unref'd, so they never keep a process alive, and end after a quiet spell,
 * so tests and short scripts leave none behind.
 */
export interface ParquetJobs {
  read: { job: { source: ReadSource; batchSize: number; millis: boolean }; result: { schema: CField; batches: CArray[] } | { ipc: Uint8Array } };
  write: { job: { ipc: Uint8Array; options: WorkerWriteOptions }; result: Uint8Array };
}

/** A whole Parquet file, or the bytes [start, end) of one on disk under the footer of a smaller file holding just them. */
export type ReadSource = { readonly bytes: Uint8Array } | { readonly path: string; readonly start: number; readonly end: number; readonly footer: Uint8Array };

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

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

/** Workers end after this long without a job (restarting one costs a wasm compile, ~tens of ms). */
const IDLE_MS = 10_000;
const ENTRY = new URL('./parquetWorker.js', import.meta.url);

let slots: Slot[] = [];
let next = 0;
let ids = 0;
let idleTimer: NodeJS.Timeout | undefined;

/** How many workers the pool runs: one per core, up to four. */
export function poolSize(): number {
  return Math.min(availableParallelism(), 4);
}

/** Runs a job on the next worker (round robin); the promise rejects with the worker's error text. */
export function runJob<K extends keyof ParquetJobs>(kind: K, job: ParquetJobs[K]['job'], transfer: ArrayBuffer[] = []): Promise<ParquetJobs[K]['result']> {
  if (idleTimer !== undefined) clearTimeout(idleTimer);
  idleTimer = undefined;
  while (slots.length < poolSize()) slots.push(startWorker());
  const slot = slots[next++ % slots.length]!;
  const id = ids++;
  return new Promise((resolve, reject) => {
    if (slot.pending.size === 0) slot.worker.ref();
    slot.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    slot.worker.postMessage({ id, kind, job }, transfer);
  });
}

/** Ends every worker now (the next job starts new ones). */
export async function closeParquetWorkers(): Promise<void> {
  const ending = slots;
  slots = [];
  if (idleTimer !== undefined) clearTimeout(idleTimer);
  idleTimer = undefined;
  await Promise.all(ending.map((slot) => slot.worker.terminate()));
}

function startWorker(): Slot {
  const worker = new Worker(ENTRY);
  worker.unref();
  const slot: Slot = { worker, pending: new Map() };
  worker.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
    const pending = slot.pending.get(id);
    if (pending === undefined) return;
    slot.pending.delete(id);
    if (error === undefined) pending.resolve(result);
    else pending.reject(new Error(error));
    settled(slot);
  });
  const fail = (error: Error) => {
    slots = slots.filter((s) => s !== slot);
    for (const pending of slot.pending.values()) pending.reject(error);
    slot.pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the Parquet worker thread exited (code ${code})`)));
  return slot;
}

/** A worker without jobs lets the process exit; the pool ends once every worker is idle for a while. */
function settled(slot: Slot): void {
  if (slot.pending.size > 0) return;
  slot.worker.unref();
  if (slots.some((s) => s.pending.size > 0)) return;
  idleTimer = setTimeout(() => void closeParquetWorkers(), IDLE_MS);
  idleTimer.unref();
}
