import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { toSchema } from '../../arrow/schema.ts';
import { tableFromRows, tableToRows } from '../../arrow/tables.ts';
import { explainPlan, planSteps, standaloneOperatorContext, type OperatorContext, type PlanStep } from '../../builders/plan.ts';
import { StreamFrame } from '../../builders/streamFrame.ts';
import { isSluiceError } from '../../errors.ts';
import { OperatorState } from '../../state/operatorState.ts';
import { LiveState } from '../../state/memory/liveState.ts';
import { MemoryStateStore } from '../../state/memory/memoryStore.ts';
import type { SourceProvider } from '../../types.ts';
import { withWatermark } from '../withWatermark.ts';
import { dropDuplicates, dropDuplicatesWithinWatermark } from './dropDuplicates.ts';

const schema = toSchema('k INT, t TIMESTAMP, payload STRING');
const provider: SourceProvider = { format: 'test', schema, options: {}, open: () => Promise.reject(new Error('not opened in unit tests')) };
const source = StreamFrame.fromSource(provider);

type Row = { k: number; t: number; payload: string };

/** Run the frame's steps over batches the way the engine does: state kept across batches (3 partitions), watermark = max(t) − delay. */
async function runBatches(frame: StreamFrame, delayMs: number, batches: readonly Row[][]): Promise<Row[][]> {
  const steps = planSteps(frame.node);
  const dedup = steps.find((s) => s.stateful)!;
  const state = partitionedState(dedup, 3);
  let watermark = 0;
  let late = 0;
  let maxT = -Infinity;
  const out: Row[][] = [];
  for (const [batchId, rows] of batches.entries()) {
    const context: OperatorContext = { ...standaloneOperatorContext({ batchId, watermarkMs: watermark, lateEventsWatermarkMs: late }), state: () => state };
    let table = tableFromRows(schema, rows);
    for (const step of steps) table = await step.apply(table, context);
    out.push(tableToRows(table).map((r) => ({ k: r['k'] as number, t: r['t'] as number, payload: r['payload'] as string })));
    for (const r of rows) maxT = Math.max(maxT, r.t);
    late = watermark;
    watermark = Math.max(watermark, maxT - delayMs);
  }
  return out;
}

function partitionedState(step: PlanStep, partitions: number): OperatorState {
  const schemaOf = step.stateful!.stateSchema;
  const hooks = { touched: () => {}, persist: async () => 0, closed: () => {}, custom: () => ({}) };
  const stores = Array.from({ length: partitions }, (_, p) => new MemoryStateStore(p, 0, new LiveState(0, schemaOf.keySpaces), false, hooks));
  return new OperatorState(0, schemaOf, stores);
}

const rowArb = fc.record({ k: fc.integer({ min: 0, max: 4 }), t: fc.integer({ min: 0, max: 30 }).map((s) => s * 1000), payload: fc.constantFrom('x', 'y') });
const batchesArb = fc.array(fc.array(rowArb, { maxLength: 8 }), { minLength: 1, maxLength: 8 });

describe('dropDuplicates', () => {
  it('passes the first row of each (k, t) not yet seen and not late, and forgets keys the watermark passed (model check, 3 partitions)', async () => {
    await fc.assert(
      fc.asyncProperty(batchesArb, async (batches) => {
        const delay = 5000;
        const actual = await runBatches(source.pipe(withWatermark('t', delay), dropDuplicates('k', 't')), delay, batches);
        // The model: a set of seen keys, filtered by the previous batch's watermark, evicted by the current one.
        const seen = new Set<string>();
        let watermark = 0;
        let late = 0;
        let maxT = -Infinity;
        batches.forEach((rows, b) => {
          const expected = rows.filter((r) => {
            if (late > 0 && r.t <= late) return false;
            const id = `${r.k}@${r.t}`;
            if (seen.has(id)) return false;
            seen.add(id);
            return true;
          });
          expect(actual[b]).toEqual(expected);
          if (watermark > 0) for (const id of [...seen]) if (Number(id.split('@')[1]) <= watermark) seen.delete(id);
          for (const r of rows) maxT = Math.max(maxT, r.t);
          late = watermark;
          watermark = Math.max(watermark, maxT - delay);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('keeps every key for good when the event time is not a key column', async () => {
    const out = await runBatches(source.pipe(withWatermark('t', 0), dropDuplicates('k')), 0, [
      [{ k: 1, t: 1000, payload: 'a' }, { k: 1, t: 2000, payload: 'b' }],
      [{ k: 1, t: 90_000, payload: 'c' }, { k: 2, t: 1000, payload: 'd' }],
    ]);
    expect(out).toEqual([[{ k: 1, t: 1000, payload: 'a' }], [{ k: 2, t: 1000, payload: 'd' }]]);
  });

  it('refuses an unknown column at definition, naming the columns there are', () => {
    let error: unknown;
    try {
      source.pipe(dropDuplicates('nope'));
    } catch (e) {
      error = e;
    }
    expect(isSluiceError(error, 'UNKNOWN_COLUMN')).toBe(true);
    expect((error as Error).message).toContain('Available columns: k, t, payload');
  });

  it('shows as Spark names the operator in explain and progress', () => {
    const frame = source.pipe(withWatermark('t', '10 seconds'), dropDuplicates('k', 't'), dropDuplicatesWithinWatermark('payload'));
    const lines = explainPlan(frame.node, () => 'test');
    expect(lines[0]).toBe('StreamingDeduplicateWithinWatermark [payload], expires t + 10000 ms');
    expect(lines[1]).toBe('+- StreamingDeduplicate [k, t], evicts by t');
    expect(planSteps(frame.node).filter((s) => s.stateful).map((s) => s.stateful!.operatorName)).toEqual(['dedupe', 'dedupeWithinWatermark']);
  });
});

describe('dropDuplicatesWithinWatermark', () => {
  it('holds a key until the watermark passes its first event time + the delay, whatever the later rows say (model check, 3 partitions)', async () => {
    await fc.assert(
      fc.asyncProperty(batchesArb, async (batches) => {
        const delay = 4000;
        const actual = await runBatches(source.pipe(withWatermark('t', delay), dropDuplicatesWithinWatermark('k')), delay, batches);
        const expiresAt = new Map<number, number>();
        let watermark = 0;
        let late = 0;
        let maxT = -Infinity;
        batches.forEach((rows, b) => {
          const expected = rows.filter((r) => {
            if (late > 0 && r.t <= late) return false;
            if (expiresAt.has(r.k)) return false;
            expiresAt.set(r.k, r.t + delay);
            return true;
          });
          expect(actual[b]).toEqual(expected);
          if (watermark > 0) for (const [k, at] of [...expiresAt]) if (at <= watermark) expiresAt.delete(k);
          for (const r of rows) maxT = Math.max(maxT, r.t);
          late = watermark;
          watermark = Math.max(watermark, maxT - delay);
        });
      }),
      { numRuns: 60 },
    );
  });
});
