/**
 * The join benchmark's inputs, two replayable sources (left, right): `k BIGINT, v BIGINT` (the
 * keyed workload of `bench/lib/keyedWorkload.ts`: priming batches insert keys 0..K-1 on each side,
 * each key once; then 1,000 rows per side per batch, 500 new keys — the same 500 on both sides, so
 * they meet within the batch — and 500 keys drawn from the buffered ones, probes that hit the
 * state, by a generator seeded with the batch id and side).
 */
import type { StreamFrame } from '@sluice/core';
import { batchKeys as keyedBatchKeys, keyedFrame, keyedSchema, keyedTable, type KeyedWorkload } from '../lib/keyedWorkload.ts';

const SCHEMAS = [keyedSchema('lk', 'lv'), keyedSchema('rk', 'rv')] as const;

/** The keys of batch `b` on `side` (0 left, 1 right), in row order. */
export function batchKeys(w: KeyedWorkload, b: number, side: 0 | 1): number[] {
  return keyedBatchKeys(w, b, b * 2 + side + 1);
}

export function joinFrame(w: KeyedWorkload, side: 0 | 1): StreamFrame {
  const schema = SCHEMAS[side];
  return keyedFrame(w, {
    format: 'join-workload',
    description: `JoinWorkload(${side === 0 ? 'left' : 'right'})`,
    schema,
    options: { keys: w.keys, side },
    table: (b) => keyedTable(schema, batchKeys(w, b, side), b),
  });
}
