/**
 * `pnpm bench nexmark`: Nexmark queries through Sluice (the generator as a source, the default
 * file checkpoint, trigger availableNow, Spark's append mode) beside hand-written JS loops doing
 * the same work on the same events, and beside Flink 1.13's published per-core figures (the
 * nexmark/nexmark README: 100 M events, 8 parallel tasks, RocksDB, exactly-once).
 *
 * Per core = events / CPU seconds of this process (all its threads: GC and fsync included),
 * which a shared machine disturbs less than wall time; wall-clock rates are printed as progress.
 * Both sides include generating the events, as Flink's figures include its generator.
 * Every query's output is first checked against the hand loop's on a smaller run (the rows,
 * sorted), and the timed runs compare their output row counts.
 *
 * SLUICE_NEXMARK_EVENTS (default 1,000,000), SLUICE_NEXMARK_BATCH (events per micro-batch,
 * default 100,000), SLUICE_NEXMARK_CHECK_EVENTS (default 300,000: 30 s of event time, so windows and sessions close), SLUICE_NEXMARK_QUERIES
 * (e.g. q0,q5) choose the runs. The event rate is the generator's default, 10,000 events per
 * second of event time, so that the windowed queries see many windows (Flink's standard run
 * sets 10 M/s: its 100 M events span 10 s).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { availableNow, QueryManager, silentLogger } from '@sluice/core';
import { noopSink } from '@sluice/sinks';
import type { Bench } from './lib/bench.ts';
import { check, runHand } from './nexmark/check.ts';
import { HAND_QUERIES } from './nexmark/hand.ts';
import { SLUICE_QUERIES } from './nexmark/queries.ts';
import { nexmarkSource } from './nexmark/source.ts';

/** Flink 1.13's events/s per core from the nexmark/nexmark README (as round2-facts.md lists them). */
const FLINK_PER_CORE: Record<string, number> = { q0: 155_000, q1: 158_000, q2: 175_000, q3: 152_000, q4: 34_000, q5: 22_000, q7: 12_000, q8: 146_000, q11: 40_000 };

const EVENTS = Number(process.env['SLUICE_NEXMARK_EVENTS'] ?? 1_000_000);
const BATCH = Number(process.env['SLUICE_NEXMARK_BATCH'] ?? 100_000);
const CHECK_EVENTS = Number(process.env['SLUICE_NEXMARK_CHECK_EVENTS'] ?? 300_000);
const QUERIES = (process.env['SLUICE_NEXMARK_QUERIES'] ?? Object.keys(SLUICE_QUERIES).join(',')).split(',');

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

interface Run {
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly outputRows: number;
}

export const bench: Bench = {
  name: 'Nexmark: queries through Sluice beside hand-written loops and Flink 1.13 per core',
  async run({ report, progress }) {
    const manager = new QueryManager({ logger: silentLogger });
    for (const name of QUERIES) {
      const query = SLUICE_QUERIES[name];
      const hand = HAND_QUERIES[name];
      if (!query || !hand) throw new Error(`No Nexmark query ${name}; there are ${Object.keys(SLUICE_QUERIES).join(', ')}.`);

      progress(`${name}: checking Sluice's output against the hand loop's on ${CHECK_EVENTS.toLocaleString('en-US')} events`);
      const checked = await check(manager, name, CHECK_EVENTS, Math.max(1, Math.floor(CHECK_EVENTS / 4)));
      progress(`${name}: ${checked.toLocaleString('en-US')} rows equal`);

      progress(`${name}: ${EVENTS.toLocaleString('en-US')} events in batches of ${BATCH.toLocaleString('en-US')}`);
      const handRun = measure(() => runHand(hand(false), EVENTS, BATCH));
      const sluiceRun = await measureAsync(() => runSluice(manager, name, EVENTS, BATCH));
      if (handRun.outputRows !== sluiceRun.outputRows) throw new Error(`${name}: Sluice wrote ${sluiceRun.outputRows} rows, the hand loop ${handRun.outputRows}.`);
      const perCore = (run: Run) => EVENTS / (run.cpuMs / 1000);
      progress(`${name}: wall ${(EVENTS / (sluiceRun.wallMs / 1000)).toFixed(0)} events/s (hand loop ${(EVENTS / (handRun.wallMs / 1000)).toFixed(0)}), ${sluiceRun.outputRows.toLocaleString('en-US')} rows out`);
      report({ name: `nexmark ${name}`, unit: 'events/s/core', value: perCore(sluiceRun), baseline: { name: 'hand-written JS loop, same events', value: perCore(handRun) }, better: 'higher' });
      const flink = FLINK_PER_CORE[name];
      if (flink) report({ name: `nexmark ${name} vs Flink 1.13`, unit: 'events/s/core', value: perCore(sluiceRun), baseline: { name: 'Flink 1.13 per core (nexmark README)', value: flink }, better: 'higher', target: '≥ 1× (issue 17 goal on q0–q2, q5, q7)' });
    }
  },
};

function measure(work: () => number): Run {
  collectGarbage();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const outputRows = work();
  collectGarbage();
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - started, outputRows };
}

async function measureAsync(work: () => Promise<number>): Promise<Run> {
  collectGarbage();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const outputRows = await work();
  collectGarbage();
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - started, outputRows };
}

/** The Sluice query to a noop sink with a file checkpoint; resolves with the rows it wrote. */
async function runSluice(manager: QueryManager, name: string, events: number, batch: number): Promise<number> {
  const { plan, outputMode, options = {} } = SLUICE_QUERIES[name]!;
  const dir = await mkdtemp(join(tmpdir(), 'sluice-nexmark-'));
  try {
    const query = await plan(nexmarkSource({ maxEvents: events, eventsPerBatch: batch })).writeStream().sink(noopSink()).options(options)
      .option('checkpointLocation', dir).trigger(availableNow()).outputMode(outputMode).manager(manager).start();
    let rows = 0;
    query.progress$.subscribe((p) => (rows += p.sink.numOutputRows));
    await query.awaitTermination();
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

