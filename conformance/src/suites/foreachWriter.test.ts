/**
 * ForeachWriterSuite, restated: the foreach sink calls open(partition, epoch) / process(row) /
 * close(error) per batch. A Sluice batch is one partition, so Spark's `repartition(1)` is the
 * natural shape here.
 */
import { expect } from 'vitest';
import { count, groupBy, map, memoryCheckpoint, QueryManager, select, silentLogger, col, type ForeachWriter, type StreamFrame } from '@sluice/core';
import '@sluice/sinks';
import { intStream } from '../harness/memoryInput.ts';
import { windowedCount } from '../harness/queries.ts';
import { suite } from '../harness/scenario.ts';

const spark = suite('ForeachWriterSuite');

type Event = { open: [number, number] } | { process: unknown } | { close: string | null };

/** Spark's TestForeachWriter: each open…close sequence is recorded when close is called. */
function testForeachWriter(onProcess?: (value: unknown) => void) {
  const all: Event[][] = [];
  let events: Event[] = [];
  const writer: ForeachWriter = {
    open(partitionId, epochId) {
      events = [{ open: [partitionId, epochId] }];
      return true;
    },
    process(row) {
      const value = Object.values(row)[0];
      events.push({ process: typeof value === 'bigint' ? Number(value) : value });
      onProcess?.(value);
    },
    close(error) {
      events.push({ close: error === null ? null : error.message });
      all.push(events);
    },
  };
  return { writer, allEvents: () => all, clear: () => all.splice(0) };
}

const manager = new QueryManager({ logger: silentLogger });
const start = (frame: StreamFrame, writer: ForeachWriter, outputMode: 'append' | 'complete' = 'append') =>
  frame.writeStream().foreach(writer).outputMode(outputMode).option('checkpointLocation', memoryCheckpoint()).manager(manager).start();

spark.scenario('foreach() with `complete` output mode', async () => {
  const input = intStream();
  const { writer, allEvents, clear } = testForeachWriter();
  const query = await start(input.frame.pipe(groupBy().agg(count())), writer, 'complete');
  input.add(1, 2, 3, 4);
  await query.processAllAvailable();
  expect(allEvents()).toEqual([[{ open: [0, 0] }, { process: 4 }, { close: null }]]);
  clear();
  input.add(5, 6, 7, 8);
  await query.processAllAvailable();
  expect(allEvents()).toEqual([[{ open: [0, 1] }, { process: 8 }, { close: null }]]);
  await query.stop();
});

spark.scenario('foreach with error', async () => {
  const input = intStream();
  const { writer, allEvents } = testForeachWriter(() => {
    throw new Error('ForeachSinkSuite error');
  });
  const query = await start(input.frame, writer);
  input.add(1, 2, 3, 4);
  await expect(query.processAllAvailable()).rejects.toThrow(/ForeachSinkSuite error/);
  expect(query.isActive).toBe(false);
  // close is called once, with the error
  expect(allEvents()).toEqual([[{ open: [0, 0] }, { process: 1 }, { close: expect.stringContaining('ForeachSinkSuite error') }]]);
});

spark.scenario('foreach with watermark: complete', async () => {
  const input = intStream();
  const { writer, allEvents } = testForeachWriter();
  const query = await start(windowedCount(input).pipe(select(col('count'))), writer, 'complete');
  input.add(10, 11, 12);
  await query.processAllAvailable();
  expect(allEvents()).toEqual([[{ open: [0, 0] }, { process: 3 }, { close: null }]]);
  await query.stop();
});

spark.scenario('foreach with watermark: append', async () => {
  const input = intStream();
  const { writer, allEvents } = testForeachWriter();
  const query = await start(windowedCount(input).pipe(select(col('count'))), writer);
  input.add(10, 11, 12);
  await query.processAllAvailable();
  input.add(25); // evicts what is below the previous watermark
  await query.processAllAvailable();
  // Four batches (data, no-data, data, no-data); only the last one holds a value.
  expect(allEvents()).toEqual([
    [{ open: [0, 0] }, { close: null }],
    [{ open: [0, 1] }, { close: null }],
    [{ open: [0, 2] }, { close: null }],
    [{ open: [0, 3] }, { process: 3 }, { close: null }],
  ]);
  await query.stop();
});

spark.scenario('foreach sink should support metrics', async () => {
  const input = intStream();
  const query = await start(input.frame, testForeachWriter().writer);
  input.add(10, 11, 12);
  await query.processAllAvailable();
  expect(query.recentProgress.find((p) => p.numInputRows !== 0)?.numInputRows).toBe(3);
  await query.stop();
});

spark.deviation('foreach with error not caused by ForeachWriter', async () => {
  const input = intStream();
  const { writer, allEvents } = testForeachWriter();
  const divided = input.frame.pipe(map<{ value: number }>(() => {
    throw new Error('/ by zero');
  }, 'value INT'));
  const query = await start(divided, writer);
  input.add(1, 2, 3, 4);
  await expect(query.processAllAvailable()).rejects.toThrow(/\/ by zero/);
  expect(query.isActive).toBe(false);
  // Spark opens the writer, then closes it with FOREACH_WRITER_ABORTED; Sluice computes the
  // batch before handing it to the sink, so the writer is never opened (see the README).
  expect(allEvents()).toEqual([]);
});
