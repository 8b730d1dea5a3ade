import { describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { memoryCheckpoint, silentLogger, tableToRows } from '@sluice/core';
import { Checkpoint } from '@sluice/core/internal';
import { type Source, type SourceContext } from '@sluice/core/connector';
import { VirtualScheduler } from '@sluice/core/internal';
import { rateProvider, valueAtSecond } from './rateSource.ts';

async function open(options: Record<string, unknown>, clock: VirtualScheduler, store = memoryCheckpoint()): Promise<Source<number>> {
  const context: SourceContext = { queryId: 'q', runId: 'r', sourceIndex: 0, metadata: new Checkpoint(store).sourceMetadata(0), scheduler: clock, log: silentLogger };
  return (await rateProvider(options).open(context)) as Source<number>;
}

describe('rate source', () => {
  it("ramps up as Spark's valueAtSecond does", () => {
    // The table in Spark's RateStreamProvider: rampUpTimeSeconds = 4, rowsPerSecond = 10.
    expect([0, 1, 2, 3, 4, 5, 6].map((s) => valueAtSecond(s, 10, 4))).toEqual([0, 2, 6, 12, 20, 30, 40]);
    expect(valueAtSecond(7, 5, 0)).toBe(35);
  });

  it('offsets are whole seconds since the query was created', async () => {
    const clock = new VirtualScheduler(1_000_000);
    const source = await open({ rowsPerSecond: 3 }, clock);
    expect(await source.initialOffset()).toBe(0);
    await clock.advanceBy(2_500);
    expect(await source.latestOffset(0, { kind: 'all' })).toBe(2);
  });

  it('reads a range as evenly spaced rows, split across partitions', async () => {
    const clock = new VirtualScheduler(10_000);
    const source = await open({ rowsPerSecond: 4, numPartitions: 2 }, clock);
    const table = await firstValueFrom(source.read(1, 2));
    expect(table.batches.map((b) => b.numRows)).toEqual([2, 2]);
    expect(tableToRows(table)).toEqual([
      { timestamp: 11_000, value: 4n },
      { timestamp: 11_500, value: 6n },
      { timestamp: 11_250, value: 5n },
      { timestamp: 11_750, value: 7n },
    ]);
  });

  it('replays a range identically after a restart: the creation time is in the checkpoint', async () => {
    const store = memoryCheckpoint();
    const first = await open({ rowsPerSecond: 7 }, new VirtualScheduler(5_000), store);
    const before = tableToRows(await firstValueFrom(first.read(3, 5)));
    const second = await open({ rowsPerSecond: 7 }, new VirtualScheduler(999_999), store);
    expect(tableToRows(await firstValueFrom(second.read(3, 5)))).toEqual(before);
    expect(store.snapshot().get('sources/0/0')).toBe('v1\n5000');
  });

  it('describes itself as Spark does', async () => {
    const source = await open({ rowsPerSecond: 1 }, new VirtualScheduler());
    expect(source.description).toBe('RateStreamV2[rowsPerSecond=1, rampUpTimeSeconds=0, numPartitions=default]');
  });
});
