import { describe, expect, it } from 'vitest';
import { from, of } from 'rxjs';
import type { Table } from 'apache-arrow';
import { toSchema } from '../arrow/schema.ts';
import { tableFromRows } from '../arrow/tables.ts';
import { StreamFrame } from '../builders/streamFrame.ts';
import { MemoryCheckpointStore } from '../checkpoint/memoryCheckpointStore.ts';
import type { LogFields, Logger } from '../logger.ts';
import { VirtualScheduler } from '../time/virtualScheduler.ts';
import type { OutputMode, SinkProvider, Source, SourceProvider } from '../types.ts';
import { QueryManager } from './queryManager.ts';

const SCHEMA = toSchema('n INT');
const MODES = new Set<OutputMode>(['append']);

/** A promise the test resolves by hand: how a step is held "in flight". */
function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Ten rows per batch up to `last`; each read waits at the current gate (when one is set), logging as it goes. */
function countingSource(holdRead: { current?: Promise<void> | undefined }, last = 30): SourceProvider {
  return {
    format: 'counting',
    schema: SCHEMA,
    options: {},
    open: async ({ log }) => {
      const source: Source<number> = {
        description: 'CountingSource',
        schema: SCHEMA,
        initialOffset: async () => 0,
        latestOffset: async (start) => Math.min(start + 10, last),
        read: (start, end) => {
          log.info(`reading (${start}, ${end}]`);
          const held = holdRead.current;
          const rows = () => tableFromRows(SCHEMA, Array.from({ length: end - start }, (_, i) => ({ n: start + i })));
          return held ? from(held.then(rows)) : of(rows());
        },
        commit: async () => {},
        stop: async () => {},
      };
      return source as Source;
    },
  };
}

function recordingSink(batches: Map<number, number[]>): SinkProvider {
  return {
    format: 'recording',
    guarantee: 'exactly-once',
    outputModes: MODES,
    options: {},
    allowsTemporaryCheckpoint: true,
    open: async () => ({
      description: 'RecordingSink',
      guarantee: 'exactly-once',
      outputModes: MODES,
      addBatch: async (batchId: number, table: Table) => void batches.set(batchId, table.toArray().map((r) => (r as { n: number }).n)),
      close: async () => {},
    }),
  };
}

function recordingLogger(lines: { message: string; fields: LogFields | undefined }[]): Logger {
  const keep = (message: string, fields?: LogFields) => void lines.push({ message, fields });
  return { debug: keep, info: keep, warn: keep, error: keep };
}

async function start(clock: VirtualScheduler, checkpoint: MemoryCheckpointStore, hold: { current?: Promise<void> | undefined }, batches: Map<number, number[]>, lines: { message: string; fields: LogFields | undefined }[] = []) {
  const manager = new QueryManager({ scheduler: clock, logger: recordingLogger(lines) });
  const starting = StreamFrame.fromSource(countingSource(hold)).writeTo(recordingSink(batches), { checkpointLocation: checkpoint, manager, queryName: 'graceful', trigger: { processingTime: 1000 } });
  await clock.advanceBy(0);
  return { manager, query: await starting };
}

describe('stopping at a batch boundary', () => {
  it('stop({ deadlineMs }) lets the batch in flight write and commit, then releases the checkpoint', async () => {
    const clock = new VirtualScheduler(0);
    const checkpoint = new MemoryCheckpointStore('graceful-finish');
    const hold: { current?: Promise<void> | undefined } = {};
    const batches = new Map<number, number[]>();
    const { query } = await start(clock, checkpoint, hold, batches); // batch 0 runs at once
    const read = gate();
    hold.current = read.promise;
    await clock.advanceBy(1000); // batch 1 is reading
    expect(query.lifecycleState).toBe('processing');

    const stopping = query.stop({ deadlineMs: 5000 });
    await clock.advanceBy(2000);
    expect(query.isActive).toBe(true); // still finishing batch 1
    read.open();
    await clock.advanceBy(0);
    await stopping;
    expect(query.isActive).toBe(false);
    expect(query.exception).toBeNull();
    expect([...batches.keys()]).toEqual([0, 1]);
    expect(await checkpoint.read('commits/1')).toBeDefined();
    // The lock is free: a restart plans batch 2 from where batch 1 ended.
    hold.current = undefined;
    const again = await start(clock, checkpoint, hold, batches);
    await clock.advanceBy(1000);
    await again.query.stop();
    expect(batches.get(2)).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
  });

  it('a batch that outlives the deadline is abandoned before its sink write and re-runs exactly on restart', async () => {
    const clock = new VirtualScheduler(0);
    const checkpoint = new MemoryCheckpointStore('graceful-deadline');
    const hold: { current?: Promise<void> | undefined } = {};
    const batches = new Map<number, number[]>();
    const lines: { message: string; fields: LogFields | undefined }[] = [];
    const read = gate();
    hold.current = read.promise;
    const { query } = await start(clock, checkpoint, hold, batches, lines); // batch 0 is reading, held
    const stopping = query.stop({ deadlineMs: 3000 });
    await clock.advanceBy(3000);
    read.open(); // the read ends only after the deadline: the sink write must not start
    await clock.advanceBy(0);
    await stopping;
    expect(batches.size).toBe(0);
    expect(await checkpoint.read('offsets/0')).toBeDefined();
    expect(await checkpoint.read('commits/0')).toBeUndefined();
    expect(lines.some((l) => /did not reach a batch boundary within 3000 ms/.test(l.message))).toBe(true);

    hold.current = undefined;
    const again = await start(clock, checkpoint, hold, batches);
    await clock.advanceBy(0);
    await again.query.stop({ deadlineMs: 1000 });
    expect(batches.get(0)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('a waiting query stops at once, whatever the deadline', async () => {
    const clock = new VirtualScheduler(0);
    const batches = new Map<number, number[]>();
    const { query } = await start(clock, new MemoryCheckpointStore('graceful-idle'), {}, batches);
    await clock.advanceBy(1000);
    expect(query.lifecycleState).toBe('waiting');
    await query.stop({ deadlineMs: 60_000 });
    expect(query.isActive).toBe(false);
  });

  it('every line a source logs carries the query id, the run id and the batch id', async () => {
    const clock = new VirtualScheduler(0);
    const lines: { message: string; fields: LogFields | undefined }[] = [];
    const { query } = await start(clock, new MemoryCheckpointStore('graceful-logs'), {}, new Map(), lines);
    await clock.advanceBy(1000);
    await query.stop();
    const reads = lines.filter((l) => l.message.startsWith('reading'));
    expect(reads.map((l) => l.fields)).toEqual([
      { queryId: query.id, runId: query.runId, queryName: 'graceful', batchId: 0 },
      { queryId: query.id, runId: query.runId, queryName: 'graceful', batchId: 1 },
    ]);
  });
});
