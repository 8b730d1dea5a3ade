import { Table, type RecordBatch } from 'apache-arrow';
import { takeRows } from '../../arrow/take.ts';
import type { OperatorContext, PlanStep } from '../../builders/plan.ts';
import { toLatin1 } from '../../state/latin1.ts';
import type { OperatorState } from '../../state/operatorState.ts';
import { cellsOf, type Cells } from '../cells.ts';
import { isLate, upToWatermark } from '../stateful/eventTimeRange.ts';

/** What `dropDuplicates` / `dropDuplicatesWithinWatermark` bound at definition time. */
export interface DedupPlan {
  readonly step: PlanStep;
  /** Input column indexes of the key, in state-key order (the event time first when it leads the key). */
  readonly keyColumns: readonly number[];
  /** Input column of the event time, or -1. */
  readonly eventTimeColumn: number;
  /**
   * `keyed`: the event time is part of the key and leads it, so the state is evicted by a range
   * scan of the key space (Spark's dropDuplicates with a watermark). `expiring`: each key expires
   * at its first event time + the watermark delay, kept in an ordered index (Spark 3.5's
   * dropDuplicatesWithinWatermark). `forever`: no event time, keys are kept for good.
   */
  readonly eviction: 'keyed' | 'expiring' | 'forever';
  /** The watermark delay (`expiring` only). */
  readonly delayMs: number;
}

const EMPTY = new Uint8Array(0);

interface Candidate {
  readonly key: Uint8Array;
  readonly batch: number;
  readonly row: number;
  readonly eventTime: number | null;
}

/**
 * One batch of deduplication on the state store: a row passes when its key was never seen
 * (in state or earlier in this batch). Late rows (event time at or below the previous batch's
 * watermark) are dropped first; then the keys the watermark closed are evicted. Cost: one
 * batched read per partition for the batch's distinct keys, and a range scan over what expired.
 */
export async function dedupBatch(plan: DedupPlan, table: Table, context: OperatorContext): Promise<Table> {
  const state = context.state(plan.step);
  const { key: keyCodec } = state.codecs('default');
  const started = context.now();
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  let late = 0;
  let duplicates = 0;

  table.batches.forEach((batch, b) => {
    const cells: Cells[] = plan.keyColumns.map((c) => cellsOf(batch.getChildAt(c)!));
    const times = plan.eventTimeColumn >= 0 ? cellsOf(batch.getChildAt(plan.eventTimeColumn)!) : null;
    const values = new Array<unknown>(cells.length);
    for (let row = 0; row < batch.numRows; row++) {
      const eventTime = times === null || (times.valid && !times.valid[row]) ? null : (times.values[row] as number);
      if (plan.eviction !== 'forever' && isLate(eventTime, context.lateEventsWatermarkMs)) {
        late++;
        continue;
      }
      for (let k = 0; k < cells.length; k++) {
        const c = cells[k]!;
        values[k] = c.valid && !c.valid[row] ? null : c.values[row];
      }
      const key = keyCodec.encode(values);
      const id = toLatin1(key);
      if (seen.has(id)) {
        duplicates++;
        continue;
      }
      seen.add(id);
      candidates.push({ key, batch: b, row, eventTime });
    }
  });

  const keep = table.batches.map(() => [] as number[]);
  const keys = candidates.map((c) => c.key);
  const expiry = plan.eviction === 'expiring' ? state.codecs('expiry').key : null;
  const { value: valueCodec } = state.codecs('default');
  for (const [partition, indexes] of state.split(keys)) {
    const store = state.store(partition);
    const space = store.space('default');
    const found = await space.getMany(indexes.map((i) => keys[i]!));
    indexes.forEach((i, j) => {
      if (found[j] !== undefined) {
        duplicates++;
        return;
      }
      const candidate = candidates[i]!;
      keep[candidate.batch]!.push(candidate.row);
      if (expiry === null) {
        space.put(candidate.key, EMPTY);
        return;
      }
      // Spark: the key is forgotten once the watermark passes its first event time + the delay.
      const expiresAt = candidate.eventTime === null ? null : candidate.eventTime + plan.delayMs;
      space.put(candidate.key, valueCodec.encode([expiresAt]));
      if (expiresAt !== null) store.space('expiry').put(expiry.encode([expiresAt, candidate.key]), EMPTY);
    });
  }
  const updatesMs = context.now() - started;

  const removalStarted = context.now();
  if (plan.eviction !== 'forever' && context.watermarkMs > 0) await evict(plan, state, context.watermarkMs);
  const removalsMs = context.now() - removalStarted;

  context.reportState(plan.step, {
    numRowsDroppedByWatermark: late,
    allUpdatesTimeMs: updatesMs,
    allRemovalsTimeMs: removalsMs,
    customMetrics: { numDroppedDuplicateRows: duplicates },
  });
  const out = table.batches.map((batch: RecordBatch, b) => (keep[b]!.length === batch.numRows ? batch : takeRows(batch, Int32Array.from(keep[b]!.sort((x, y) => x - y)))));
  return new Table(plan.step.schema, out);
}

/** Forget every key the watermark closed: a range scan over the event-time-ordered keys (or expiry index). */
async function evict(plan: DedupPlan, state: OperatorState, watermarkMs: number): Promise<void> {
  const space = plan.eviction === 'keyed' ? 'default' : 'expiry';
  const codec = state.codecs(space).key;
  const range = upToWatermark(codec, watermarkMs);
  for (let p = 0; p < state.numPartitions; p++) {
    const store = state.store(p);
    const scanned = store.space(space);
    const main = store.space('default');
    for await (const chunk of scanned.scan(range)) {
      for (const entry of chunk) {
        scanned.delete(entry.key);
        if (plan.eviction === 'expiring') main.delete(codec.decode(entry.key)[1] as Uint8Array);
      }
    }
  }
}
