/**
 * The check of `pnpm bench nexmark` and of its test: a Nexmark query through Sluice and the
 * hand-written loop over the same events, their output rows compared (sorted).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableNow, type QueryManager } from '@sluice/core';
import { dropMemoryTable, memorySink, memoryTableRows } from '@sluice/sinks';
import { DEFAULT_CONFIG, NexmarkGenerator, type NexmarkConfig } from './generator.ts';
import { HAND_QUERIES, type HandQuery } from './hand.ts';
import { SLUICE_QUERIES } from './queries.ts';
import { nexmarkSource } from './source.ts';

/** The hand loop over the same events, generated in the same batches. */
export function runHand(query: HandQuery, events: number, batch: number, config: NexmarkConfig = DEFAULT_CONFIG): number {
  const generator = new NexmarkGenerator(config);
  for (let first = 0; first < events; first += batch) query.batch(generator.generate(first, Math.min(batch, events - first)));
  query.finish();
  return query.outputRows;
}

/** Run both on `events` and compare their rows; returns how many there were. */
/** `config` sets the generator (the test slows the event rate so that few events span many windows). */
export async function check(manager: QueryManager, name: string, events: number, batch: number, config: NexmarkConfig = DEFAULT_CONFIG): Promise<number> {
  const { plan, outputMode, options = {} } = SLUICE_QUERIES[name]!;
  const table = `nexmark_check_${name}`;
  const dir = await mkdtemp(join(tmpdir(), 'sluice-nexmark-'));
  let sluice: string[];
  try {
    const query = await plan(nexmarkSource({ maxEvents: events, eventsPerBatch: batch, config })).writeStream().sink(memorySink()).options(options)
      .queryName(table).option('checkpointLocation', dir).trigger(availableNow()).outputMode(outputMode).manager(manager).start();
    await query.awaitTermination();
    sluice = memoryTableRows(table).map(canonical).sort();
  } finally {
    dropMemoryTable(table);
    await rm(dir, { recursive: true, force: true });
  }
  const hand = HAND_QUERIES[name]!(true);
  runHand(hand, events, batch, config);
  const expected = hand.rows().map(canonical).sort();
  if (sluice.length !== expected.length || sluice.some((row, i) => row !== expected[i])) {
    const firstDiff = sluice.findIndex((row, i) => row !== expected[i]);
    throw new Error(`${name}: Sluice's ${sluice.length} rows differ from the hand loop's ${expected.length}; first difference at ${firstDiff}: ${sluice[firstDiff]} vs ${expected[firstDiff]}`);
  }
  return sluice.length;
}

function canonical(row: Record<string, unknown>): string {
  return JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
}
