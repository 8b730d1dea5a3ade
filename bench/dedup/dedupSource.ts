/**
 * The dedup benchmark's input, a replayable source: `id BIGINT, x BIGINT` (the keyed workload of
 * `bench/lib/keyedWorkload.ts`: priming batches insert ids 0..K-1, then 1,000 rows per batch, 500
 * new ids and 500 repeats of seen ones, drawn by a generator seeded with the batch id).
 */
import type { StreamFrame } from '@sluice/core';
import { batchKeys, keyedFrame, keyedSchema, keyedTable, type KeyedWorkload } from '../lib/keyedWorkload.ts';

export const DEDUP_SCHEMA = keyedSchema('id', 'x');

/** The ids of batch `b`, in row order. */
export function batchIds(w: KeyedWorkload, b: number): number[] {
  return batchKeys(w, b, b);
}

export function dedupFrame(w: KeyedWorkload): StreamFrame {
  return keyedFrame(w, { format: 'dedup-workload', description: 'DedupWorkload', schema: DEDUP_SCHEMA, options: { keys: w.keys }, table: (b) => keyedTable(DEDUP_SCHEMA, batchIds(w, b), b) });
}
