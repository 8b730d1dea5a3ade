/** StreamingQueryListenerSuite, restated: listeners of the query manager (Spark's `spark.streams`). */
import { expect } from 'vitest';
import { map, processingTime, QueryManager, silentLogger, type QueryStartedEvent, type QueryTerminatedEvent, type StreamingQueryListener, type StreamingQueryProgress } from '@sluice/core';
import { memorySink } from '@sluice/sinks';
import { intStream } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';
import { addData, advanceManualClock, assertOnQuery, checkAnswer, expectFailure, startStream, stopStream, testStream } from '../harness/streamTest.ts';

const spark = suite('StreamingQueryListenerSuite');

/** Spark's EventCollector: the start, the progress events that had input, the termination; order checked as they come. */
class EventCollector implements StreamingQueryListener {
  startEvent: QueryStartedEvent | null = null;
  terminationEvent: QueryTerminatedEvent | null = null;
  private readonly progress: StreamingQueryProgress[] = [];
  readonly errors: string[] = [];
  get progressEvents(): StreamingQueryProgress[] {
    return this.progress.filter((p) => p.numInputRows > 0);
  }
  reset(): void {
    this.startEvent = null;
    this.terminationEvent = null;
    this.progress.length = 0;
  }
  onQueryStarted(event: QueryStartedEvent): void {
    this.startEvent = event;
  }
  onQueryProgress({ progress }: { progress: StreamingQueryProgress }): void {
    if (this.startEvent === null) this.errors.push('onQueryProgress called before onQueryStarted');
    this.progress.push(progress);
  }
  onQueryTerminated(event: QueryTerminatedEvent): void {
    if (this.startEvent === null) this.errors.push('onQueryTerminated called before onQueryStarted');
    this.terminationEvent = event;
  }
}

spark.scenario('single listener, check trigger events are generated correctly', async () => {
  const listener = new EventCollector();
  const input = intStream();
  // Spark's map(10 / _): 10 / 0 throws an ArithmeticException in Scala.
  const df = input.frame.pipe(map<{ value: number }>(({ value }) => {
    if (value === 0) throw new Error('java.lang.ArithmeticException: / by zero');
    return { value: 10 / value };
  }, 'value INT'));
  await testStream(df, { trigger: processingTime(100), startManually: true, listeners: [listener] },
    startStream(),
    assertOnQuery(({ query }) => {
      expect(listener.startEvent).toMatchObject({ id: query.id, runId: query.runId, name: query.name });
      expect(listener.progressEvents).toEqual([]);
      expect(listener.terminationEvent).toBeNull();
    }),
    // Progress event generated when data processed
    addData(input, 1, 2),
    advanceManualClock(100),
    checkAnswer(10, 5),
    assertOnQuery(({ query }) => {
      expect(listener.progressEvents.length).toBeGreaterThan(0);
      expect(JSON.stringify(listener.progressEvents.at(-1))).toBe(JSON.stringify(query.lastProgress));
      expect(listener.terminationEvent).toBeNull();
    }),
    // Termination event generated when stopped cleanly
    stopStream,
    assertOnQuery(({ query }) => {
      expect(listener.terminationEvent).toMatchObject({ id: query.id, runId: query.runId, exception: null });
      listener.reset();
    }),
    // Termination event generated with the exception's message when stopped by an error
    startStream(),
    addData(input, 0),
    advanceManualClock(100),
    expectFailure(),
    assertOnQuery(({ query }) => {
      expect(listener.terminationEvent).toMatchObject({ id: query.id });
      expect(listener.terminationEvent!.exception).toContain('ArithmeticException');
      expect(listener.errors).toEqual([]);
    }));
});

spark.scenario('adding and removing listener', async () => {
  const manager = new QueryManager({ logger: silentLogger });
  const isListenerActive = async (listener: EventCollector) => {
    listener.reset();
    const query = await intStream().frame.writeStream().sink(memorySink({ tableName: `listener_${Math.random().toString(36).slice(2)}` })).manager(manager).start();
    await query.stop();
    return listener.startEvent !== null;
  };
  const listener1 = new EventCollector();
  const listener2 = new EventCollector();
  manager.addListener(listener1);
  expect(await isListenerActive(listener1)).toBe(true);
  expect(await isListenerActive(listener2)).toBe(false);
  manager.addListener(listener2);
  expect(await isListenerActive(listener1)).toBe(true);
  expect(await isListenerActive(listener2)).toBe(true);
  manager.removeListener(listener1);
  expect(await isListenerActive(listener1)).toBe(false);
  expect(await isListenerActive(listener2)).toBe(true);
});

spark.scenario('event ordering', async () => {
  const manager = new QueryManager({ logger: silentLogger });
  const listener = new EventCollector();
  manager.addListener(listener);
  for (let i = 1; i <= 100; i++) {
    listener.reset();
    const query = await intStream().frame.writeStream().sink(memorySink({ tableName: `ordering_${i}` })).manager(manager).start();
    // onQueryStarted is called before start() returns
    expect(listener.startEvent, `run ${i}`).not.toBeNull();
    await query.stop();
    expect(listener.errors).toEqual([]);
  }
});

spark.scenario('only one progress event per interval when no data', async () => {
  // noDataProgressEventInterval 100 ms, trigger every 10 ms on the manual clock, no data after the first batch.
  let progressEvents = 0;
  const listener: StreamingQueryListener = { onQueryProgress: () => void progressEvents++ };
  const input = intStream();
  const events = (n: number) => assertOnQuery(() => expect(progressEvents).toBe(n), `${n} progress event(s)`);
  await testStream(input.frame, { startManually: true, listeners: [listener], configure: (w) => w.option('spark.sql.streaming.noDataProgressEventInterval', 100) },
    // The first trigger (time 0) finds no data: an idle progress event, the first one ever.
    startStream({ trigger: processingTime(10) }),
    addData(input, 10),
    events(1),
    // Time 10: the batch with the data (it restarts the no-data interval).
    advanceManualClock(10),
    checkAnswer(10),
    events(2),
    advanceManualClock(90),
    events(2),
    advanceManualClock(10),
    events(3));
});
