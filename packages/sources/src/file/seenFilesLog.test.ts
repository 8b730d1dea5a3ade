import { describe, expect, it } from 'vitest';
import { memoryCheckpoint } from '@sluice/core';
import { Checkpoint } from '@sluice/core/internal';
import { SeenFilesLog } from './seenFilesLog.ts';

describe('SeenFilesLog', () => {
  it("reads Spark 2.1.0's file source log (FileStreamSourceSuite :: read Spark 2.1.0 log format): 2.compact, 3, 4", async () => {
    // Spark's structured-streaming/file-source-log-version-2.1.0, restated line by line.
    const store = memoryCheckpoint();
    const metadata = new Checkpoint(store).sourceMetadata(0);
    const entry = (path: string, timestamp: number, batchId: number) => JSON.stringify({ path, timestamp, batchId });
    await metadata.writeText('2.compact', ['v1', entry('/a/b/0', 1480730949000, 0), entry('/a/b/1', 1480730950000, 1), entry('/a/b/2', 1480730950000, 2), ''].join('\n'));
    await metadata.writeText('3', ['v1', entry('/a/b/3', 1480730950000, 3), ''].join('\n'));
    await metadata.writeText('4', ['v1', entry('/a/b/4', 1480730951000, 4), ''].join('\n'));
    const log = new SeenFilesLog(metadata, 'sources/0');
    await log.load();
    expect(log.entries()).toEqual([
      { path: '/a/b/0', timestamp: 1480730949000, batchId: 0 },
      { path: '/a/b/1', timestamp: 1480730950000, batchId: 1 },
      { path: '/a/b/2', timestamp: 1480730950000, batchId: 2 },
      { path: '/a/b/3', timestamp: 1480730950000, batchId: 3 },
      { path: '/a/b/4', timestamp: 1480730951000, batchId: 4 },
    ]);
    expect(log.latestBatchId).toBe(4);
  });
});
