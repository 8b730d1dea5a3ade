import { describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { memoryCheckpoint, isSluiceError, silentLogger, tableToRows } from '@sluice/core';
import { Checkpoint } from '@sluice/core/internal';
import { type Source } from '@sluice/core/connector';
import { VirtualScheduler } from '@sluice/core/internal';
import { rateMicroBatchProvider, type RatePerMicroBatchOffset } from './rateMicroBatchSource.ts';

async function open(options: Record<string, unknown>): Promise<Source<RatePerMicroBatchOffset>> {
  const clock = new VirtualScheduler();
  return (await rateMicroBatchProvider(options).open({ queryId: 'q', runId: 'r', sourceIndex: 0, metadata: new Checkpoint(memoryCheckpoint()).sourceMetadata(0), scheduler: clock, log: silentLogger })) as Source<RatePerMicroBatchOffset>;
}

describe('rate-micro-batch source', () => {
  it('gives exactly rowsPerBatch rows per batch, all at the batch’s generated time', async () => {
    const source = await open({ rowsPerBatch: 3, startTimestamp: 1000, advanceMillisPerBatch: 500 });
    const start = await source.initialOffset();
    const end = (await source.latestOffset(start, { kind: 'all' }))!;
    expect([start, end]).toEqual([{ offset: 0, timestamp: 1000 }, { offset: 3, timestamp: 1500 }]);
    const next = (await source.latestOffset(end, { kind: 'all' }))!;
    expect(tableToRows(await firstValueFrom(source.read(end, next)))).toEqual([
      { timestamp: 1500, value: 3n },
      { timestamp: 1500, value: 4n },
      { timestamp: 1500, value: 5n },
    ]);
  });

  it('requires rowsPerBatch', () => {
    try {
      rateMicroBatchProvider({});
      expect.unreachable();
    } catch (error) {
      expect(isSluiceError(error, 'MISSING_OPTION')).toBe(true);
      expect((error as Error).message).toContain("requires option 'rowsPerBatch'");
    }
  });
});
