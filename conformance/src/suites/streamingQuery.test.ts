import { expect } from 'vitest';
import { defer, from, mergeMap } from 'rxjs';
import { count, groupBy, isSluiceError, map, mapBatches, memoryCheckpoint, processingTime, QueryManager, silentLogger, tableFromRows, tableToRows, StreamFrame, type SourceProvider } from '@sluice/core';
import { type Source } from '@sluice/core/connector';
import { memorySink } from '@sluice/sinks';
import { intStream, type MemoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import {
  addData, advanceManualClock, assertOnQuery, checkAnswer, execute, expectFailure, startStream, stopStream, testStream, type ManualClock,
} from '../harness/streamTest.ts';

// Restated from apache/spark sql/core/src/test/scala/org/apache/spark/sql/streaming/StreamingQuerySuite.scala.
const spark = suite('StreamingQuerySuite');

spark.scenario('name unique in active queries', async () => {
  const manager = new QueryManager({ logger: silentLogger });
  const start = (name: string | null) => {
    let writer = intStream().frame.writeStream().foreach(() => {}).option('checkpointLocation', memoryCheckpoint()).manager(manager);
    if (name !== null) writer = writer.queryName(name);
    return writer.start();
  };
  const q1 = await start(null);
  const q2 = await start(null);
  expect(q1.name).toBeNull();
  expect(q2.name).toBeNull();
  const q3 = await start('q3');
  expect(q3.name).toBe('q3');
  const duplicate = await start('q3').catch((e: unknown) => e);
  expect(isSluiceError(duplicate, 'DUPLICATE_QUERY_NAME')).toBe(true);
  await Promise.all([q1.stop(), q2.stop(), q3.stop()]);
});

spark.scenario('id unique in active queries + persists across restarts, runId unique across start/restarts', async () => {
  const manager = new QueryManager({ logger: silentLogger });
  const start = (checkpoint = memoryCheckpoint()) =>
    intStream().frame.pipe(groupBy().agg(count())).writeStream().sink(memorySink({ tableName: `q_${Math.random().toString(36).slice(2)}` })).outputMode('complete').option('checkpointLocation', checkpoint).manager(manager).start();
  const q1 = await start();
  const q2 = await start();
  expect(q1.id).not.toBe(q2.id);
  expect(q1.runId).not.toBe(q2.runId);
  await Promise.all([q1.stop(), q2.stop()]);
  const checkpoint = memoryCheckpoint();
  const q3 = await start(checkpoint);
  await q3.stop();
  const q4 = await start(checkpoint);
  await q4.stop();
  expect(q4.id).toBe(q3.id);
  expect(q4.runId).not.toBe(q3.runId);
  // Only one query with the same id can be active.
  const q5 = await start(checkpoint);
  const second = await start(checkpoint).catch((e: unknown) => e);
  expect(isSluiceError(second, 'CHECKPOINT_LOCKED')).toBe(true);
  await q5.stop();
});

/** Spark's `6 / _` on Int: division by zero throws. */
const sixDividedBy = (input: MemoryInput): StreamFrame =>
  input.frame.pipe(map((row: { value: number }) => {
    if (row.value === 0) throw new Error('/ by zero');
    return { value: Math.trunc(6 / row.value) };
  }, 'value INT'));

spark.scenario('isActive, exception, and awaitTermination', async () => {
  const input = intStream();
  const blocked = (promise: Promise<unknown>) => Promise.race([promise.then(() => false), new Promise((r) => setTimeout(() => r(true), 20))]);
  await testStream(sixDividedBy(input), {},
    assertOnQuery(({ query }) => query.isActive),
    assertOnQuery(({ query }) => query.exception === null),
    addData(input, 1, 2), checkAnswer(6, 3),
    assertOnQuery(async ({ query }) => expect(await blocked(query.awaitTermination())).toBe(true)),
    assertOnQuery(async ({ query, scheduler }) => {
      const result = query.awaitTermination(10);
      await scheduler.advanceBy(10);
      expect(await result).toBe(false);
    }),
    stopStream,
    assertOnQuery(({ query }) => !query.isActive && query.exception === null),
    assertOnQuery(async ({ query }) => {
      expect(await query.awaitTermination()).toBe(true);
      expect(await query.awaitTermination(2000)).toBe(true);
      expect(await query.awaitTermination(10)).toBe(true);
    }),
    startStream(),
    assertOnQuery(({ query }) => query.isActive),
    addData(input, 0), expectFailure('TRANSFORM_FAILED'),
    assertOnQuery(({ query }) => !query.isActive),
    assertOnQuery(async ({ query }) => {
      for (const wait of [() => query.awaitTermination(), () => query.awaitTermination(2000), () => query.awaitTermination(10)]) {
        const error = await wait().catch((e: unknown) => e);
        expect(isSluiceError(error, 'TRANSFORM_FAILED')).toBe(true);
      }
    }));
});

/** A memory source whose offsets and reads wait for the manual clock, as the Spark test's MemoryStream subclass does. */
function clockedSource(provider: SourceProvider, clock: () => ManualClock): SourceProvider {
  return {
    ...provider,
    open: async (context) => {
      const source = await provider.open(context);
      const wrapped: Source = Object.create(source) as Source;
      return Object.assign(wrapped, {
        latestOffset: async (start: unknown, limit: unknown) => {
          const latest = await source.latestOffset(start as never, limit as never);
          if (latest !== null && latest !== start) await clock().waitTillTime(300);
          return latest;
        },
        read: (start: unknown, end: unknown) => defer(() => from(clock().waitTillTime(600))).pipe(mergeMap(() => source.read(start as never, end as never))),
      });
    },
  };
}

spark.scenario('status, lastProgress, and recentProgress', async () => {
  let clock!: ManualClock;
  const input = intStream();
  const mapped = StreamFrame.fromSource(clockedSource(input.frame.sources[0]!, () => clock))
    .pipe(
      mapBatches(async (table) => {
        await clock.waitTillTime(1100);
        return tableFromRows(table.schema, tableToRows(table).map((r) => {
          if (r['value'] === 0) throw new Error('/ by zero');
          return { value: Math.trunc(10 / (r['value'] as number)) };
        }));
      }),
      groupBy().agg(count()),
    );
  const status = (message: string | RegExp, isDataAvailable: boolean, isTriggerActive: boolean) =>
    assertOnQuery(({ query }) => {
      expect(query.status).toMatchObject({ isDataAvailable, isTriggerActive });
      if (typeof message === 'string') expect(query.status.message).toBe(message);
      else expect(query.status.message).toMatch(message);
      return true;
    }, `status ${String(message)}`);
  const noRowsYet = assertOnQuery(({ query }) => query.recentProgress.filter((p) => p.numInputRows > 0).length === 0);
  let lastBeforeStop = '';
  await testStream(mapped, { outputMode: 'complete', startManually: true, clock: (c) => (clock = c) },
    startStream({ trigger: processingTime(100) }),
    status('Waiting for next trigger', false, false), noRowsYet,
    // While offsets are fetched (blocked until 300).
    addData(input, 1, 2), advanceManualClock(100),
    status(/^Getting offsets from/, false, true), noRowsYet,
    // While the batch is read (blocked until 600).
    advanceManualClock(200),
    status('Processing new data', true, true), noRowsYet,
    // While the batch is processed (blocked until 1100).
    advanceManualClock(300),
    status('Processing new data', true, true), noRowsYet,
    advanceManualClock(500),
    assertOnQuery(({ scheduler }) => scheduler.now() === 1100),
    checkAnswer(2),
    // The batch overran its 100 ms interval, so the next trigger ran at once and found nothing:
    // Spark's test reads isDataAvailable (true) before that catch-up trigger; here it has run.
    assertOnQuery(({ query }) => query.status.message === 'Waiting for next trigger' && !query.status.isTriggerActive),
    assertOnQuery(({ query }) => {
      const progress = query.lastProgress!;
      expect(query.recentProgress.some((p) => p.numInputRows > 0)).toBe(true);
      expect(query.recentProgress.at(-1)).toBe(progress);
      expect(progress).toMatchObject({ id: query.id, name: query.name, batchId: 0, timestamp: '1970-01-01T00:00:00.100Z', numInputRows: 2, processedRowsPerSecond: 2 });
      // Spark's MemoryStream is a v2 source today: its offset time is `latestOffset` (Spark 2.x said `getOffset`).
      expect(progress.durationMs).toMatchObject({ latestOffset: 200, getBatch: 300, queryPlanning: 0, walCommit: 0, triggerExecution: 1000 });
      expect(progress.sources).toHaveLength(1);
      expect(progress.sources[0]!.description).toContain('MemoryStream');
      expect(progress.sources[0]!.startOffset).toBeNull();
      expect(progress.sources[0]!.endOffset).not.toBeNull();
      expect(progress.sources[0]!.processedRowsPerSecond).toBe(2);
      expect(progress.stateOperators).toHaveLength(1);
      expect(progress.stateOperators[0]).toMatchObject({ numRowsUpdated: 1, numRowsTotal: 1 });
      expect(progress.sink.description).toContain('MemorySink');
      return true;
    }),
    addData(input, 1, 2), advanceManualClock(100), checkAnswer(4),
    status('Waiting for next trigger', true, false),
    assertOnQuery(({ query }) => {
      expect(query.recentProgress.at(-1)).toBe(query.lastProgress);
      expect(query.lastProgress!.batchId).toBe(1);
      expect(query.lastProgress!.sources[0]!.inputRowsPerSecond).toBeCloseTo(1.818, 2);
      return true;
    }),
    // No data for a trigger.
    advanceManualClock(100),
    status('Waiting for next trigger', false, false),
    assertOnQuery(({ query }) => void (lastBeforeStop = JSON.stringify(query.lastProgress))),
    stopStream,
    assertOnQuery(({ query }) => JSON.stringify(query.lastProgress) === lastBeforeStop),
    status('Stopped', false, false),
    startStream({ trigger: processingTime(100) }),
    addData(input, 0), advanceManualClock(100),
    expectFailure('TRANSFORM_FAILED'),
    status(/^Terminated with exception/, false, false));
});

spark.scenario('lastProgress should be null when recentProgress is empty', async () => {
  // Spark blocks the source's creation; here the source blocks its first offsets until the clock
  // reaches 1000, so no trigger has finished and nothing has been reported.
  let clock!: ManualClock;
  const input = intStream();
  input.add(1);
  const blocked = StreamFrame.fromSource(clockedSource(input.frame.sources[0]!, () => ({ ...clock, waitTillTime: () => clock.waitTillTime(1000) })));
  await testStream(blocked, { clock: (c) => (clock = c) },
    assertOnQuery(({ query }) => query.recentProgress.length === 0 && query.lastProgress === null),
    advanceManualClock(1000), checkAnswer(1),
    assertOnQuery(({ query }) => query.lastProgress !== null));
});

spark.scenario('StreamExecution metadata garbage collection', async () => {
  const offsetFiles = async ({ checkpoint }: { checkpoint: { list(dir: string): Promise<string[]> } }) => (await checkpoint.list('offsets')).map(Number).sort((a, b) => a - b);
  const input = intStream();
  await testStream(sixDividedBy(input), { configure: (w) => w.option('minBatchesToRetain', 1) },
    addData(input, 1, 2), checkAnswer(6, 3), addData(input, 1, 2), checkAnswer(6, 3, 6, 3), addData(input, 4, 6), checkAnswer(6, 3, 6, 3, 1, 1),
    assertOnQuery(async (ctx) => expect(await offsetFiles(ctx)).toEqual([1, 2]), 'metadata log should contain only two files'));
  const input2 = intStream();
  await testStream(input2.frame, { configure: (w) => w.option('minBatchesToRetain', 2) },
    addData(input2, 1, 2), checkAnswer(1, 2), addData(input2, 1, 2), checkAnswer(1, 2, 1, 2), addData(input2, 3, 4), checkAnswer(1, 2, 1, 2, 3, 4),
    addData(input2, 5, 6), checkAnswer(1, 2, 1, 2, 3, 4, 5, 6), addData(input2, 7, 8), checkAnswer(1, 2, 1, 2, 3, 4, 5, 6, 7, 8),
    assertOnQuery(async (ctx) => expect(await offsetFiles(ctx)).toEqual([2, 3, 4]), 'metadata log should contain three files'));
});

/** A source that records whether `stop` was called, and may fail reading or stopping. */
function recordingSource(input: MemoryInput, options: { readonly failStop?: boolean; readonly failRead?: boolean }, stopped: { value: boolean }): StreamFrame {
  const provider = input.frame.sources[0]!;
  const wrapped: SourceProvider = {
    ...provider,
    open: async (context) => {
      const source = await provider.open(context);
      return Object.assign(Object.create(source) as Source, {
        stop: async () => {
          stopped.value = true;
          if (options.failStop) throw new Error('Oh no!');
        },
        read: (start: unknown, end: unknown) => (options.failRead ? defer(() => Promise.reject(new Error('/ by zero'))) : source.read(start as never, end as never)),
      });
    },
  };
  return StreamFrame.fromSource(wrapped);
}

spark.scenario('StreamExecution should call stop() on sources when a stream is stopped', async () => {
  const stopped = { value: false };
  await testStream(recordingSource(intStream(), {}, stopped), {}, stopStream);
  expect(stopped.value, 'Did not call stop on source for stopped stream').toBe(true);
});

spark.scenario('SPARK-19774: StreamExecution should call stop() on sources when a stream fails', async () => {
  const failing = { value: false };
  const other = { value: false };
  const input1 = intStream();
  const frame = recordingSource(input1, { failStop: true, failRead: true }, failing).union(recordingSource(intStream(), {}, other));
  input1.add(1, 2);
  await testStream(frame, {},
    assertOnQuery(async ({ query, processAllAvailable }) => {
      await processAllAvailable().catch(() => undefined);
      return query.exception !== null && !query.isActive;
    }));
  expect(other.value, 'Did not call stop on source for stopped stream').toBe(true);
});
