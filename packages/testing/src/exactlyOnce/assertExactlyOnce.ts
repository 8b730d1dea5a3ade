import fc from 'fast-check';
import type { Table } from 'apache-arrow';
import { memoryCheckpoint, QueryManager, silentLogger, tableToRows, type BatchContext, type CheckpointStore, type OutputMode, type SinkProvider, type StreamFrame, type StreamingQuery } from '@sluice/core';
import { type FaultInjector, type FaultPoint } from '@sluice/core/connector';
import { memoryStream } from '@sluice/sources';
import { armed, describeCrash, isSimulatedCrash, pointRecorder, type CrashSpec } from '../faults/crashAt.ts';
import { rowsOf, scenarioArbitrary, type InputRow, type Scenario } from './scenario.ts';
import { drawTimeline, type TimelineEvent } from './timeline.ts';

/** A sink to prove, and how to read back what it holds. */
export interface SinkUnderTest {
  readonly sink: SinkProvider;
  /** Every row the sink holds now, in the order a reader sees them (only `id`, `partition`, `seq` are checked). */
  rows(): Promise<readonly Record<string, unknown>[]> | readonly Record<string, unknown>[];
  close?(): Promise<void>;
}

/** How `assertExactlyOnce` explores crash schedules: how many, from which seed, and what the sink promises. */
export interface ExactlyOnceOptions {
  /** Generated scenarios (default: `SLUICE_PROPERTY_RUNS` or 200). */
  readonly runs?: number;
  /** Seed of the generator (default: `SLUICE_REPLAY_SEED`, else random). */
  readonly seed?: number;
  /**
   * Replay one failing case: the `path` fast-check printed with the seed (default:
   * `SLUICE_REPLAY_PATH`, used with `SLUICE_REPLAY_SEED`; set both only while running the one
   * failing test).
   */
  readonly path?: string;
  /** The sink keeps each partition's rows in order (default true). */
  readonly ordered?: boolean;
  /** Where the query's checkpoint lives (default: in memory). */
  readonly checkpoint?: () => CheckpointStore;
  /**
   * A query over the input (`partition INT, seq INT, id STRING`) instead of passing it through,
   * e.g. a stateful aggregation; then `check` judges what the sink holds.
   */
  readonly transform?: (input: StreamFrame) => StreamFrame;
  readonly outputMode?: OutputMode;
  /** More writer options, e.g. `{ stateStore: 'rocksdb' }`. */
  readonly writerOptions?: () => Readonly<Record<string, unknown>>;
  /**
   * Problems with what the sink holds, given every input row (default: each row exactly once, in
   * order). `drives` is the same input as it was driven: the rows of one entry became available
   * together, and the query processed all of them (its watermark moved past them) before the next
   * entry's rows arrived — so a row is late if an earlier entry's event time moved the watermark
   * past it, e.g. another partition's.
   */
  readonly check?: (input: readonly InputRow[], held: readonly Record<string, unknown>[], drives: readonly (readonly InputRow[])[]) => string[];
}

const SCHEMA = 'partition INT, seq INT, id STRING';

/**
 * The exactly-once property, for any sink: random input batches × random crash schedules ×
 * restarts ⇒ the sink ends up holding every input row exactly once, each partition in order.
 * Crashes hit both sides of every lifecycle step and every point the sink declares inside its
 * own write (`context.fault(...)`, discovered by a first run). A failure is shrunk to a small
 * case and printed as a marble diagram with the seed and path that replay it: pass them as
 * options, or run the one failing test with `SLUICE_REPLAY_SEED=<seed> SLUICE_REPLAY_PATH=<path>`.
 *
 * @example
 * await assertExactlyOnce(() => ({ sink: memorySink({ tableName: 't' }), rows: () => memoryTableRows('t') }));
 */
export async function assertExactlyOnce(factory: (run: number) => SinkUnderTest | Promise<SinkUnderTest>, options: ExactlyOnceOptions = {}): Promise<void> {
  const runs = options.runs ?? Number(process.env['SLUICE_PROPERTY_RUNS'] ?? 200);
  let run = 0;
  const sinkPoints = await discoverSinkPoints(() => factory(run++), options);
  const reports = new Map<Scenario, string>();
  const property = fc.asyncProperty(scenarioArbitrary(sinkPoints), async (scenario) => {
    const problem = await runScenario(scenario, await factory(run++), options);
    if (problem) reports.set(scenario, problem);
    return problem === undefined;
  });
  const seed = options.seed ?? (process.env['SLUICE_REPLAY_SEED'] ? Number(process.env['SLUICE_REPLAY_SEED']) : undefined);
  const path = options.path ?? process.env['SLUICE_REPLAY_PATH'];
  const result = await fc.check(property, { numRuns: runs, ...(seed !== undefined ? { seed } : {}), ...(seed !== undefined && path ? { path } : {}) });
  if (!result.failed) return;
  const counterexample = result.counterexample?.[0];
  const report = counterexample ? reports.get(counterexample) ?? (await runScenario(counterexample, await factory(run++), options)) : undefined;
  const reason = report ?? `the property threw: ${'errorInstance' in result ? String(result.errorInstance) : 'unknown'}`;
  throw new Error(
    `assertExactlyOnce failed after ${result.numRuns} runs (shrunk ${result.numShrinks} times; replay with { seed: ${result.seed}, path: ${JSON.stringify(result.counterexamplePath)} }):\n${reason}`,
  );
}

/** A first run without crashes that records which fault points the sink declares. */
async function discoverSinkPoints(factory: () => SinkUnderTest | Promise<SinkUnderTest>, options: ExactlyOnceOptions): Promise<FaultPoint[]> {
  const recorder = pointRecorder();
  const scenario: Scenario = { arrivals: [[0, 1], [2]], driveEvery: 1, crashes: [] };
  const problem = await runScenario(scenario, await factory(), options, recorder);
  if (problem) throw new Error(`assertExactlyOnce: the sink is not even correct without crashes:\n${problem}`);
  return [...recorder.points].filter((p) => p.startsWith('sink:'));
}

/**
 * Run one scenario; undefined when the sink holds every row once, in order, else a report
 * (what `assertExactlyOnce` does per generated case; use it to replay one case by hand).
 *
 * @example
 * const problem = await runScenario({ arrivals: [[0, 1], [2]], driveEvery: 1, crashes: [] }, await makeSink(), {});
 * expect(problem).toBeUndefined();
 */
export async function runScenario(scenario: Scenario, sut: SinkUnderTest, options: ExactlyOnceOptions, observer?: FaultInjector): Promise<string | undefined> {
  const timeline: TimelineEvent[] = [];
  const input = memoryStream(SCHEMA, 'ExactlyOnceInput');
  const checkpoint = options.checkpoint?.() ?? memoryCheckpoint();
  const writerOptions = options.writerOptions?.() ?? {};
  const manager = new QueryManager({ logger: silentLogger });
  const crashes = [...scenario.crashes];
  const arrivals = rowsOf(scenario);
  let query: StreamingQuery | undefined;
  const sink = observeDeliveries(sut.sink, timeline);

  const start = async (crash: CrashSpec | undefined): Promise<StreamingQuery> => {
    const injector = crash ? armed(crash) : undefined;
    const faults: FaultInjector = { at: (point, phase, batchId) => (observer?.at(point, phase, batchId), injector?.at(point, phase, batchId)) };
    const frame = options.transform ? options.transform(input.toFrame()) : input.toFrame();
    const writer = frame.writeStream().sink(sink).options(writerOptions).option('checkpointLocation', checkpoint).manager(manager).faults(faults);
    return (options.outputMode ? writer.outputMode(options.outputMode) : writer).start();
  };

  const drive = async (): Promise<void> => {
    for (let attempt = 0; attempt < 50; attempt++) {
      if (!query?.isActive) {
        const crash = crashes.shift();
        try {
          query = await start(crash);
          timeline.push({ kind: 'start' });
        } catch (error) {
          if (!isSimulatedCrash(error)) throw error;
          timeline.push({ kind: 'crash', where: describeCrash(crash!) });
          continue;
        }
      }
      try {
        await query.processAllAvailable();
        return;
      } catch (error) {
        if (!isSimulatedCrash(error)) throw error;
        timeline.push({ kind: 'crash', where: (error as Error).message.replace(/^.*Simulated crash at /, '').replace(/\.$/, '') });
      }
    }
    throw new Error('the query did not settle after 50 restarts');
  };

  try {
    for (const [i, rows] of arrivals.entries()) {
      input.addData(rows);
      timeline.push({ kind: 'input', ids: rows.map((r) => r.id) });
      if ((i + 1) % scenario.driveEvery === 0 || i === arrivals.length - 1) await drive();
    }
    await query?.stop();
    timeline.push({ kind: 'stop' });
    if (options.check) {
      const rows = await sut.rows();
      const drives = arrivals.map((_, i) => i).filter((i) => i % scenario.driveEvery === 0).map((i) => arrivals.slice(i, i + scenario.driveEvery).flat());
      const problems = options.check(arrivals.flat(), rows, drives);
      return problems.length === 0 ? undefined : `${drawTimeline(timeline)}\n    sink holds ${rows.length} rows\n    ${problems.join('\n    ')}`;
    }
    const held = (await sut.rows()).map((r) => ({ id: String(r['id']), partition: Number(r['partition']), seq: Number(r['seq']) }));
    const problems = check(arrivals.flat().map((r) => r.id), held, options.ordered ?? true);
    return problems.length === 0 ? undefined : `${drawTimeline(timeline)}\n    sink holds [${held.map((r) => r.id).join(' ')}]\n    ${problems.join('\n    ')}`;
  } catch (error) {
    return `${drawTimeline(timeline)}\n    the run failed: ${(error as Error).message}`;
  } finally {
    if (query?.isActive) await query.stop().catch(() => undefined);
    await sut.close?.();
  }
}

function check(expected: readonly string[], held: readonly { id: string; partition: number; seq: number }[], ordered: boolean): string[] {
  const problems: string[] = [];
  const counts = new Map<string, number>();
  for (const row of held) counts.set(row.id, (counts.get(row.id) ?? 0) + 1);
  const missing = expected.filter((id) => !counts.has(id));
  const repeated = [...counts].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`);
  const unknown = [...counts.keys()].filter((id) => !expected.includes(id));
  if (missing.length) problems.push(`lost: ${missing.join(' ')}`);
  if (repeated.length) problems.push(`repeated: ${repeated.join(' ')}`);
  if (unknown.length) problems.push(`never sent: ${unknown.join(' ')}`);
  if (ordered) {
    const last = new Map<number, number>();
    for (const row of held) {
      if ((last.get(row.partition) ?? -1) > row.seq) problems.push(`out of order in partition ${row.partition}: ${row.id} after p${row.partition}#${last.get(row.partition)}`);
      last.set(row.partition, Math.max(row.seq, last.get(row.partition) ?? -1));
    }
  }
  return problems;
}

/** The same sink, noting each batch the engine hands it (for the diagram). */
function observeDeliveries(provider: SinkProvider, timeline: TimelineEvent[]): SinkProvider {
  return {
    ...provider,
    open: async (context) => {
      const sink = await provider.open(context);
      const addBatch = async (batchId: number, table: Table, ctx: BatchContext) => {
        await sink.addBatch(batchId, table, ctx);
        timeline.push({ kind: 'deliver', batchId, ids: tableToRows(table).map((r) => String(r['id'])) });
      };
      return new Proxy(sink, {
        get: (target, property, receiver) => {
          if (property === 'addBatch') return addBatch;
          const value = Reflect.get(target, property, receiver) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    },
  };
}
