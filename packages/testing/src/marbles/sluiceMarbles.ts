import { isDeepStrictEqual } from 'node:util';
import type { Table } from 'apache-arrow';
import {
  memoryCheckpoint, QueryManager, settleMicrotasks, silentLogger, StreamFrame, VirtualScheduler,
  type CheckpointStore, type FaultInjector, type OutputMode, type SchemaLike, type SinkProvider, type StreamingQuery,
  type StreamingQueryProgress, type StreamingQueryStatus, type TriggerLike,
} from '@sluice/core';
import { memoryStream } from '@sluice/sources';
import { armed, isSimulatedCrash, type CrashSpec } from '../faults/crashAt.ts';
import { bigints, SinkRecorder } from './recordingSink.ts';
import { drawMarbles, parseMarbles, type MarbleEvent } from './marbleText.ts';
import { inferSchema } from './inferSchema.ts';

type Row = Record<string, unknown>;

const IDLE = new Set(['waiting', 'stopped', 'failed']);

export interface MarbleQueryOptions {
  readonly trigger?: TriggerLike;
  readonly outputMode?: OutputMode;
  /** Your sink; what the engine hands it is recorded for `expectSink`. Default: a recording-only sink. */
  readonly sink?: SinkProvider;
  readonly name?: string;
  /** Where the checkpoint lives (default: in memory); a `FileCheckpointStore` exercises real files. */
  readonly checkpoint?: CheckpointStore;
  /** More writer options, e.g. `{ stateStore: 'rocksdb' }`. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** A query of the diagram; it lives across kills and restarts (one run each). */
export interface MarbleQuery {
  /** The current (or last) run. */
  readonly current: StreamingQuery | undefined;
  /** Every run, in order. */
  readonly runs: readonly StreamingQuery[];
  readonly checkpoint: CheckpointStore;
}

export interface Expectation<V> {
  toBe(marbles: string, values?: Readonly<Record<string, V>>): void;
}

export interface MarbleHelpers {
  /** A memory source fed on virtual time: each marble value (rows or a table) arrives at its frame. */
  source(kind: 'memory', marbles: string, values: Readonly<Record<string, readonly Row[] | Table>>, schema?: SchemaLike): StreamFrame;
  /**
   * A query of `frame`, started at frame 0 on an in-memory checkpoint. Lifecycle marbles: `X`
   * kills the process there, `R` restarts on the same checkpoint, `S` stops; any other letter
   * arms the crash its value describes (`{ c: crashAt('addBatch', 'after') }`) at that frame.
   */
  query(frame: StreamFrame, options?: MarbleQueryOptions, lifecycle?: string, crashes?: Readonly<Record<string, CrashSpec>>): MarbleQuery;
  /** The rows the sink received, per batch, at the frame it received them. */
  expectSink(query: MarbleQuery): Expectation<readonly Row[]>;
  /** The status at the end of each marked frame (a message, or a partial status). */
  expectStatus(query: MarbleQuery): Expectation<string | Partial<StreamingQueryStatus>>;
  /** The progress reported at each marked frame (partial: only the given fields are compared). */
  expectProgress(query: MarbleQuery): Expectation<Partial<StreamingQueryProgress>>;
  /** The virtual clock: 1 frame = 1 ms. */
  readonly scheduler: VirtualScheduler;
  readonly manager: QueryManager;
}

interface QueryState extends MarbleQuery {
  runs: StreamingQuery[];
  current: StreamingQuery | undefined;
  readonly frame: StreamFrame;
  readonly options: MarbleQueryOptions;
  readonly recorder: SinkRecorder;
  readonly armed: FaultInjector[];
  readonly statusAt: Map<number, StreamingQueryStatus>;
  readonly progress: MarbleEvent<StreamingQueryProgress>[];
  readonly errors: string[];
}

/**
 * Test a pipeline's behaviour over time, crashes included, as marble diagrams on virtual time.
 * The real engine runs — lifecycle machine, checkpoint, sink — only the clock is virtual, so
 * there are no sleeps and every run is the same.
 *
 * @example
 * await sluiceMarbles(({ source, query, expectSink }) => {
 *   const input = source('memory', '-a--b-', { a: [{ n: 1 }], b: [{ n: 2 }, { n: 3 }] });
 *   const q = query(input.pipe(filter(col('n').gt(1))));
 *   expectSink(q).toBe('-x--y-', { x: [], y: [{ n: 2 }, { n: 3 }] });
 * });
 */
export async function sluiceMarbles(body: (helpers: MarbleHelpers) => void | Promise<void>): Promise<void> {
  const pending = new Set<Promise<unknown>>();
  const track = <T>(promise: Promise<T>): Promise<T> => {
    pending.add(promise);
    void promise.finally(() => pending.delete(promise)).catch(() => undefined);
    return promise;
  };
  const queries: QueryState[] = [];
  // Virtual time moves on only once every query is idle (waiting for a trigger, or ended): work
  // on real files or databases takes real time, but never virtual time.
  const scheduler = new VirtualScheduler(0, async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      await settleMicrotasks();
      if (pending.size > 0) {
        await Promise.allSettled([...pending]);
        continue;
      }
      if (queries.every((q) => !q.current?.isActive || (IDLE.has(q.current.lifecycleState) && !q.current.isReleasing))) return;
      if (Date.now() > deadline) throw new Error(`sluiceMarbles: a query stayed busy for 30 s of real time (${queries.map((q) => q.current?.lifecycleState).join(', ')})`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  });
  const manager = new QueryManager({ scheduler, logger: silentLogger });
  const checks: Array<() => string | undefined> = [];
  const samples = new Set<number>();
  let horizon = 0;
  const timeline: Array<{ frame: number; act: () => void | Promise<void> }> = [];

  const startRun = async (q: QueryState): Promise<void> => {
    const injector: FaultInjector = { at: (point, phase, batchId) => q.armed.forEach((a) => a.at(point, phase, batchId)) };
    let writer = q.frame.writeStream().sink(q.recorder.wrap(q.options.sink)).options(q.options.options ?? {}).option('checkpointLocation', q.checkpoint).manager(manager).faults(injector);
    writer = writer.queryName(q.options.name ?? `marbles_${queries.indexOf(q)}`);
    if (q.options.trigger !== undefined) writer = writer.trigger(q.options.trigger);
    if (q.options.outputMode !== undefined) writer = writer.outputMode(q.options.outputMode);
    try {
      const run = await writer.start();
      q.runs.push(run);
      q.current = run;
      run.progress$.subscribe((p) => q.progress.push({ frame: scheduler.now(), value: p }));
    } catch (error) {
      // A crash armed for initialization is part of the diagram; any other failure to start is not.
      if (!isSimulatedCrash(error)) q.errors.push(`frame ${scheduler.now()}: start failed: ${(error as Error).message}`);
    }
  };

  const helpers: MarbleHelpers = {
    scheduler,
    manager,
    source(kind, marbles, values, schema) {
      if (kind !== 'memory') throw new Error(`sluiceMarbles: unknown source kind '${String(kind)}' (only 'memory')`);
      const stream = memoryStream(schema ?? inferSchema(values), 'MarbleSource');
      const { events, end } = parseMarbles(marbles, values, 'source');
      horizon = Math.max(horizon, end);
      for (const e of events) timeline.push({ frame: e.frame, act: () => void stream.addData(e.value as Row[] | Table) });
      return stream.toFrame();
    },
    query(frame, options = {}, lifecycle, crashes = {}) {
      const q: QueryState = {
        frame, options, runs: [], current: undefined, checkpoint: options.checkpoint ?? memoryCheckpoint(`marbles-${queries.length}`),
        recorder: new SinkRecorder(scheduler), armed: [], statusAt: new Map(), progress: [], errors: [],
      };
      queries.push(q);
      if (lifecycle !== undefined) {
        const letters = Object.fromEntries([...lifecycle.replace(/\s|\d+(ms|s|m)/g, '').replace(/[-()|^!#]/g, '')].map((c) => [c, c]));
        const { events, end } = parseMarbles(lifecycle, letters, 'lifecycle');
        horizon = Math.max(horizon, end);
        for (const e of events) timeline.push({ frame: e.frame, act: () => lifecycleAct(q, e.value, crashes) });
      }
      return q;
    },
    expectSink: (q) => expectation(q as QueryState, 'expectSink', (state, expected, values) => compare('expectSink', expected, state.recorder.batches.map((b) => ({ frame: b.frame, value: b.rows })), values)),
    expectStatus: (q) =>
      expectation(q as QueryState, 'expectStatus', (state, expected) => {
        const actual = expected.map((e) => ({ frame: e.frame, value: state.statusAt.get(e.frame) }));
        const bad = expected.filter((e, i) => !matches(actual[i]!.value, typeof e.value === 'string' ? { message: e.value } : e.value));
        if (bad.length === 0) return undefined;
        return `expectStatus: ${bad.map((e) => `at frame ${e.frame} expected ${JSON.stringify(e.value)} but the status was ${JSON.stringify(state.statusAt.get(e.frame))}`).join('; ')}`;
      }, true),
    expectProgress: (q) =>
      expectation(q as QueryState, 'expectProgress', (state, expected) => {
        const problems: string[] = [];
        for (const e of expected) {
          const at = state.progress.filter((p) => p.frame === e.frame).map((p) => p.value);
          if (!at.some((p) => matches(p, e.value))) problems.push(`at frame ${e.frame} expected progress like ${JSON.stringify(e.value)}, got ${JSON.stringify(at.map((p) => ({ batchId: p.batchId, numInputRows: p.numInputRows })))}`);
        }
        return problems.length ? `expectProgress: ${problems.join('; ')}` : undefined;
      }),
  };

  function lifecycleAct(q: QueryState, letter: string, crashes: Readonly<Record<string, CrashSpec>>): void | Promise<void> {
    if (letter === 'X') return q.current?.simulateCrash();
    if (letter === 'S') return void track(q.current?.stop() ?? Promise.resolve());
    if (letter === 'R') {
      if (q.current?.isActive) {
        q.errors.push(`frame ${scheduler.now()}: R restarts a query that is still running; kill (X) or stop (S) it first`);
        return;
      }
      return void track(startRun(q));
    }
    const spec = crashes[letter];
    if (!spec) {
      q.errors.push(`lifecycle letter '${letter}' is not X, R or S and has no crash in the values map`);
      return;
    }
    q.armed.push(armed(spec));
  }

  function expectation<V>(q: QueryState, what: string, check: (state: QueryState, expected: MarbleEvent<V>[], values: Readonly<Record<string, V>> | undefined) => string | undefined, sampled = false): Expectation<V> {
    return {
      toBe(marbles, values) {
        const { events, end } = parseMarbles(marbles, values, what);
        horizon = Math.max(horizon, end);
        if (sampled) events.forEach((e) => samples.add(e.frame));
        checks.push(() => check(q, events, values));
      },
    };
  }

  await body(helpers);

  // Arrivals are queued before any trigger timer exists, so at equal frames data comes first and
  // a trigger at frame t sees what arrived at t.
  for (const t of timeline) scheduler.schedule(() => void track(Promise.resolve(t.act())), t.frame);
  for (const q of queries) await startRun(q);
  for (const frame of [...samples, horizon].sort((a, b) => a - b)) {
    await scheduler.advanceTo(frame);
    for (const q of queries) if (q.current) q.statusAt.set(frame, q.current.status);
  }
  await Promise.all(queries.map((q) => (q.current?.isActive ? q.current.stop() : undefined)));

  const failures = [
    ...queries.flatMap((q) => [...q.errors, ...q.recorder.replayMismatches]),
    ...checks.map((c) => c()).filter((m): m is string => m !== undefined),
  ];
  if (failures.length > 0) throw new Error(`sluiceMarbles:\n${failures.map((f) => `  ${f}`).join('\n')}`);
}

function compare<V>(what: string, expected: MarbleEvent<V>[], actual: MarbleEvent<V>[], values: Readonly<Record<string, V>> | undefined): string | undefined {
  const same = expected.length === actual.length && expected.every((e, i) => e.frame === actual[i]!.frame && isDeepStrictEqual(e.value, actual[i]!.value));
  if (same) return undefined;
  const want = drawMarbles(expected, values ?? {});
  const got = drawMarbles(actual, values ?? {});
  const legend = Object.entries(got.legend).map(([k, v]) => `      ${k} = ${JSON.stringify(v, bigints)}`).join('\n');
  return `${what} did not match\n    expected: ${want.diagram}\n    actual:   ${got.diagram}${legend ? `\n    where\n${legend}` : ''}`;
}

/** Whether `actual` has every field of `expected` with an equal value (a partial match). */
function matches(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return isDeepStrictEqual(actual, expected);
  if (actual === null || typeof actual !== 'object') return false;
  return Object.entries(expected).every(([k, v]) => matches((actual as Record<string, unknown>)[k], v));
}
