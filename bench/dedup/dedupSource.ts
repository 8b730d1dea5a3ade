/**
 * The dedup benchmark's input, a replayable source: `id BIGINT, x BIGINT`. The first batches
 * insert ids 0..K-1 (priming the state with K seen keys); every later batch has 1,000 rows: 500
 * new ids and 500 repeats of ids drawn uniformly from those seen, by a generator seeded with the
 * batch id, so a replayed batch reads the same rows. Offsets are batch counts.
 */
import { Field, Int64, Schema, type Table } from 'apache-arrow';
import { of, type Observable } from 'rxjs';
import { StreamFrame, type SourceProvider } from '@sluice/core';
import { tableFromColumns, type ReadLimit, type Source } from '@sluice/core/connector';

export const DEDUP_SCHEMA = new Schema([new Field('id', new Int64(), false), new Field('x', new Int64(), false)]);
export const ROWS_PER_BATCH = 1_000;
const NEW_PER_BATCH = ROWS_PER_BATCH / 2;

export interface DedupWorkload {
  readonly keys: number;
  readonly primeBatchRows: number;
  /** Batches the source offers; the driver raises it to run more. */
  available: number;
}

export function primeBatches(w: DedupWorkload): number {
  return Math.ceil(w.keys / w.primeBatchRows);
}

/** The ids of batch `b`, in row order. */
export function batchIds(w: DedupWorkload, b: number): number[] {
  const primes = primeBatches(w);
  if (b < primes) {
    const from = b * w.primeBatchRows;
    return Array.from({ length: Math.min(w.keys, from + w.primeBatchRows) - from }, (_, i) => from + i);
  }
  const seenSoFar = w.keys + (b - primes) * NEW_PER_BATCH;
  const random = mulberry32(b);
  const ids: number[] = [];
  for (let i = 0; i < NEW_PER_BATCH; i++) {
    ids.push(seenSoFar + i);
    ids.push(Math.floor(random() * seenSoFar));
  }
  return ids;
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

export function tableOf(w: DedupWorkload, b: number): Table {
  const ids = batchIds(w, b);
  const id = BigInt64Array.from(ids, (n) => BigInt(n));
  const x = new BigInt64Array(ids.length).fill(BigInt(b));
  return tableFromColumns(DEDUP_SCHEMA, { id, x });
}

class DedupSource implements Source<number> {
  readonly description = 'DedupWorkload';
  readonly schema = DEDUP_SCHEMA;
  constructor(private readonly w: DedupWorkload) {}
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

export function dedupFrame(w: DedupWorkload): StreamFrame {
  const provider: SourceProvider = { format: 'dedup-workload', schema: DEDUP_SCHEMA, options: { keys: w.keys }, open: async () => new DedupSource(w) };
  return StreamFrame.fromSource(provider);
}
