import { Subject } from 'rxjs';
import { MemoryCheckpointStore, QueryManager, StreamFrame, silentLogger, tableFromRows, toSchema, type OutputMode, type SinkProvider, type SourceProvider, type StreamingQuery } from '@sluice/core';
import { VirtualScheduler, type WriteOptions } from '@sluice/core/internal';
import { type Source } from '@sluice/core/connector';
import { of } from 'rxjs';
import type { ModelEvent, ModelPath } from './lifecycleModel.ts';

type Outcome = { ok: true; output?: unknown } | { ok: false };

/** Each step of a real run waits at its gate until the replayer says how it ends. */
class Gates {
  private readonly waiting = new Map<string, (outcome: Outcome) => void>();
  private readonly ready = new Map<string, Outcome>();

  wait(name: string): Promise<Outcome> {
    const ready = this.ready.get(name);
    if (ready) {
      this.ready.delete(name);
      return Promise.resolve(ready);
    }
    return new Promise((resolve) => this.waiting.set(name, resolve));
  }

  open(name: string, outcome: Outcome): void {
    const waiter = this.waiting.get(name);
    if (waiter) {
      this.waiting.delete(name);
      waiter(outcome);
    } else this.ready.set(name, outcome);
  }

  /** Let every blocked step finish (after a stop, their results no longer matter). */
  releaseAll(): void {
    for (const [name, waiter] of this.waiting) {
      this.waiting.delete(name);
      waiter({ ok: true, output: { hasNewData: false } });
    }
  }
}

async function passed(gates: Gates, name: string): Promise<Outcome> {
  const outcome = await gates.wait(name);
  if (!outcome.ok) throw new Error(`scripted ${name} failure`);
  return outcome;
}

/** A checkpoint whose offset and commit writes are steps the replayer ends. */
class GatedCheckpoint extends MemoryCheckpointStore {
  constructor(private readonly gates: Gates) {
    super('model');
  }

  override async write(path: string, content: string, options: WriteOptions): Promise<boolean> {
    if (path.startsWith('offsets/')) await passed(this.gates, 'walCommit');
    if (path.startsWith('commits/')) await passed(this.gates, 'commitBatch');
    return super.write(path, content, options);
  }
}

const SCHEMA = toSchema('n INT');
const ALL_MODES = new Set<OutputMode>(['append', 'update', 'complete']);

function scriptedSource(gates: Gates, arrivals: Subject<void>): SourceProvider {
  return {
    format: 'scripted',
    schema: SCHEMA,
    options: {},
    open: async () => {
      await passed(gates, 'initialize');
      const source: Source<number> = {
        description: 'ScriptedSource',
        schema: SCHEMA,
        dataArrived$: arrivals.asObservable(),
        initialOffset: async () => 0,
        latestOffset: async (start) => (((await passed(gates, 'getOffsets')) as { output?: { hasNewData?: boolean } }).output?.hasNewData ? start + 1 : start),
        read: (start, end) => of(tableFromRows(SCHEMA, Array.from({ length: end - start }, (_, i) => ({ n: start + i })))),
        prepareForAvailableNow: async () => {},
        commit: async () => {},
        stop: async () => {},
      };
      return source as Source;
    },
  };
}

function scriptedSink(gates: Gates): SinkProvider {
  return {
    format: 'scripted',
    guarantee: 'exactly-once',
    outputModes: ALL_MODES,
    options: {},
    allowsTemporaryCheckpoint: true,
    open: async () => ({
      description: 'ScriptedSink',
      guarantee: 'exactly-once',
      outputModes: ALL_MODES,
      addBatch: async () => void (await passed(gates, 'processBatch')),
      close: async () => {},
    }),
  };
}

/**
 * Drive a real query along a model path: every step of the real run (opening the source,
 * asking for offsets, writing offsets/N, the sink write, writing commits/N) waits at a gate the
 * replayer opens — done or failed — as the path says; waking, the trigger timer and stopping are
 * done for real. After each event the real query must be in the state the model says.
 *
 * @example
 * await replayPath(lifecyclePaths()[0]!); // drives a real query along the path; throws if it leaves the model
 */
export async function replayPath(path: ModelPath): Promise<void> {
  const scheduler = new VirtualScheduler(0);
  const manager = new QueryManager({ scheduler, logger: silentLogger });
  const gates = new Gates();
  const arrivals = new Subject<void>();
  const checkpoint = new GatedCheckpoint(gates);
  const firstOutput = path.steps[0]?.event.output as { hasPendingBatch?: boolean } | undefined;
  if (firstOutput?.hasPendingBatch) {
    // A batch logged but never committed by an earlier run: the restart must re-run it first.
    checkpoint.overwriteRaw('offsets/0', 'v1\n{"batchWatermarkMs":0,"batchTimestampMs":0,"conf":{}}\n1');
  }
  const starting = StreamFrame.fromSource(scriptedSource(gates, arrivals))
    .writeStream()
    .sink(scriptedSink(gates))
    .option('checkpointLocation', checkpoint)
    .trigger(path.trigger)
    .manager(manager)
    .start()
    .catch(() => undefined);
  await scheduler.advanceBy(0);
  const query = manager.active[0];
  if (!query) throw new Error('the query did not register with its manager');

  for (const [i, step] of path.steps.entries()) {
    expectState(query, step.from, path, i);
    await perform(step.event, query, gates, arrivals, scheduler, path);
    await scheduler.advanceBy(0);
  }
  expectState(query, path.steps.at(-1)?.to ?? 'initializing', path, path.steps.length);
  gates.releaseAll();
  if (query.isActive) {
    const stopping = query.stop();
    gates.releaseAll();
    await scheduler.advanceBy(0);
    gates.releaseAll();
    await stopping;
  }
  await starting;
}

async function perform(event: ModelEvent, query: StreamingQuery, gates: Gates, arrivals: Subject<void>, scheduler: VirtualScheduler, path: ModelPath): Promise<void> {
  const step = /^(initialize|getOffsets|walCommit|processBatch|commitBatch)\.(done|failed)$/.exec(event.type);
  if (step) return gates.open(step[1]!, step[2] === 'done' ? { ok: true, output: event.output } : { ok: false });
  switch (event.type) {
    case 'query.trigger':
      return arrivals.next();
    case 'xstate.after.triggerDelay.query.waiting':
      return scheduler.advanceBy(path.trigger.kind === 'processingTime' ? path.trigger.intervalMs : 10);
    case 'query.stop': {
      const stopping = query.stop();
      await scheduler.advanceBy(0);
      gates.releaseAll();
      await stopping;
      return;
    }
    case 'query.drain': {
      // A graceful stop with a deadline the replay never reaches: inside a batch the run goes on
      // (the path's next events finish the batch); outside one it stops now.
      const stopping = query.stop({ deadlineMs: 3_600_000 });
      await scheduler.advanceBy(0);
      if (query.lifecycleState === 'stopped') {
        gates.releaseAll();
        await stopping;
      }
      return;
    }
    default:
      throw new Error(`the replayer does not know event ${event.type}`);
  }
}

function expectState(query: StreamingQuery, expected: string, path: ModelPath, step: number): void {
  if (query.lifecycleState !== expected) {
    throw new Error(`after step ${step} the model is in '${expected}' but the real query is in '${query.lifecycleState}'`);
  }
}
