/**
 * The state benchmark's input, a replayable source: `key BIGINT, x BIGINT`. The first batches
 * insert keys 0..K-1 (priming the aggregation's state with K groups); every later batch holds
 * 1,000 distinct keys drawn uniformly from 0..K-1 by a generator seeded with the batch id, so a
 * replayed batch (and a restarted process) reads the same rows. Offsets are batch counts.
 */
import { Field, Int64, Schema, type Table } from 'apache-arrow';
import { of, type Observable } from 'rxjs';
import { StreamFrame, type SourceProvider } from '@sluice/core';
import { tableFromColumns, type ReadLimit, type Source } from '@sluice/core/connector';

export const STATE_SCHEMA = new Schema([new Field('key', new Int64(), false), new Field('x', new Int64(), false)]);
export const KEYS_PER_BATCH = 1_000;

export interface StateWorkload {
  readonly keys: number;
  readonly primeBatchRows: number;
  /** Batches the source offers; the driver raises it to run more. */
  available: number;
}

export function primeBatches(w: StateWorkload): number {
  return Math.ceil(w.keys / w.primeBatchRows);
}

/** The keys of batch `b`, in row order (distinct). */
export function batchKeys(w: StateWorkload, b: number): number[] {
  const primes = primeBatches(w);
  if (b < primes) {
    const from = b * w.primeBatchRows;
    return Array.from({ length: Math.min(w.keys, from + w.primeBatchRows) - from }, (_, i) => from + i);
  }
  const random = mulberry32(b);
  const keys = new Set<number>();
  const wanted = Math.min(KEYS_PER_BATCH, w.keys);
  while (keys.size < wanted) keys.add(Math.floor(random() * w.keys));
  return [...keys];
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function tableOf(w: StateWorkload, b: number): Table {
  const keys = batchKeys(w, b);
  const key = new BigInt64Array(keys.length);
  for (let i = 0; i < keys.length; i++) key[i] = BigInt(keys[i]!);
  const x = new BigInt64Array(keys.length).fill(BigInt(b));
  return tableFromColumns(STATE_SCHEMA, { key, x });
}

class StateBenchSource implements Source<number> {
  readonly description = 'StateWorkload';
  readonly schema = STATE_SCHEMA;
  constructor(private readonly w: StateWorkload) {}
  async initialOffset(): Promise<number> {
    return 0;
  }
  // One batch per trigger: the benchmark measures batches of a known shape.
  async latestOffset(start: number, _limit: ReadLimit): Promise<number | null> {
    return start < this.w.available ? start + 1 : start;
  }
  read(start: number, end: number): Observable<Table> {
    const tables: Table[] = [];
    for (let b = start; b < end; b++) tables.push(tableOf(this.w, b));
    return of(...tables);
  }
  async commit(): Promise<void> {}
  async stop(): Promise<void> {}
}

export function stateFrame(w: StateWorkload): StreamFrame {
  const provider: SourceProvider = { format: 'state-workload', schema: STATE_SCHEMA, options: { keys: w.keys }, open: async () => new StateBenchSource(w) };
  return StreamFrame.fromSource(provider);
}
