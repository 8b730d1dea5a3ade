import { describe, expect, it } from 'vitest';
import { memoryCheckpoint, QueryManager, readStream, silentLogger } from '@sluice/core';
import { memoryStream } from '@sluice/sources';
import { memorySink, memoryTableRows } from '@sluice/sinks';

describe('a memory → memory pipeline', () => {
  it('delivers every added row once, batch by batch', async () => {
    const manager = new QueryManager({ logger: silentLogger });
    const input = memoryStream('id LONG, name STRING');
    const query = await input.toFrame().writeTo(memorySink(), { queryName: 'pipeline_basic', checkpointLocation: memoryCheckpoint(), manager });
    input.addData([{ id: 1n, name: 'a' }, { id: 2n, name: 'b' }]);
    await query.processAllAvailable();
    input.addData([{ id: 3n, name: 'c' }]);
    await query.processAllAvailable();
    expect(memoryTableRows('pipeline_basic')).toEqual([
      { id: 1n, name: 'a' },
      { id: 2n, name: 'b' },
      { id: 3n, name: 'c' },
    ]);
    expect(query.lastProgress?.numInputRows).toBe(1);
    await query.stop();
    expect(query.status.message).toBe('Stopped');
    expect(query.isActive).toBe(false);
  });

  it('is reachable through the fluent API', async () => {
    const input = memoryStream('x INT');
    const query = await readStream().format('memory').option('stream', input).load()
      .writeStream().format('memory').queryName('pipeline_fluent').option('checkpointLocation', memoryCheckpoint()).start();
    input.addData([{ x: 1 }]);
    await query.processAllAvailable();
    expect(memoryTableRows('pipeline_fluent')).toEqual([{ x: 1 }]);
    await query.stop();
  });
});
