/**
 * The join benchmark's inputs, two replayable sources (left, right): `k BIGINT, v BIGINT`. The
 * first batches insert keys 0..K-1 on each side (priming the join's state with K rows per side,
 * each key once); every later batch has 1,000 rows per side: 500 new keys (the same 500 on both
 * sides, so they meet within the batch) and 500 keys drawn uniformly from the other side's
 * buffered keys (probes that hit the state), by a generator seeded with the batch id and side, so
 * a replayed batch reads the same rows. Offsets are batch counts.
 */
import { Field, Int64, Schema, type Table } from 'apache-arrow';
import { of, type Observable } from 'rxjs';
import { StreamFrame, type SourceProvider } from '@sluice/core';
import { tableFromColumns, type ReadLimit, type Source } from '@sluice/core/connector';

export const ROWS_PER_BATCH = 1_000;
const NEW_PER_BATCH = ROWS_PER_BATCH / 2;

export interface JoinWorkload {
  readonly keys: number;
  readonly primeBatchRows: number;
  /** Batches the sources offer; the driver raises it to run more. */
  available: number;
}

export function primeBatches(w: JoinWorkload): number {
  return Math.ceil(w.keys / w.primeBatchRows);
}

/** The keys of batch `b` on `side` (0 left, 1 right), in row order. */
export function batchKeys(w: JoinWorkload, b: number, side: 0 | 1): number[] {
  const primes = primeBatches(w);
  if (b < primes) {
    const from = b * w.primeBatchRows;
    return Array.from({ length: Math.min(w.keys, from + w.primeBatchRows) - from }, (_, i) => from + i);
  }
  const seenSoFar = w.keys + (b - primes) * NEW_PER_BATCH;
  const random = mulberry32(b * 2 + side + 1);
  const keys: number[] = [];
  for (let i = 0; i < NEW_PER_BATCH; i++) {
    keys.push(seenSoFar + i);
    keys.push(Math.floor(random() * seenSoFar));
  }
  return keys;
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

function schemaOf(side: 0 | 1): Schema {
  const p = side === 0 ? 'l' : 'r';
  return new Schema([new Field(`${p}k`, new Int64(), false), new Field(`${p}v`, new Int64(), false)]);
}

export function tableOf(w: JoinWorkload, b: number, side: 0 | 1): Table {
  const keys = batchKeys(w, b, side);
  const schema = schemaOf(side);
  return tableFromColumns(schema, { [schema.fields[0]!.name]: BigInt64Array.from(keys, (n) => BigInt(n)), [schema.fields[1]!.name]: new BigInt64Array(keys.length).fill(BigInt(b)) });
}

class JoinSource implements Source<number> {
  readonly description: string;
  readonly schema: Schema;
  constructor(private readonly w: JoinWorkload, private readonly side: 0 | 1) {
    this.description = `JoinWorkload(${side === 0 ? 'left' : 'right'})`;
    this.schema = schemaOf(side);
  }
  async initialOffset(): Promise<number> {
    return 0;
  }
  // One batch per trigger: the benchmark measures batches of a known shape.
  async latestOffset(start: number, _limit: ReadLimit): Promise<number | null> {
    return start < this.w.available ? start + 1 : start;
  }
  read(start: number, end: number): Observable<Table> {
    const tables: Table[] = [];
    for (let b = start; b < end; b++) tables.push(tableOf(this.w, b, this.side));
    return of(...tables);
  }
  async commit(): Promise<void> {}
  async stop(): Promise<void> {}
}

export function joinFrame(w: JoinWorkload, side: 0 | 1): StreamFrame {
  const provider: SourceProvider = { format: 'join-workload', schema: schemaOf(side), options: { keys: w.keys, side }, open: async () => new JoinSource(w, side) };
  return StreamFrame.fromSource(provider);
}
