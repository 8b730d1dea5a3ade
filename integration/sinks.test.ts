import { describe, expect, it } from 'vitest';
import { count, groupBy, memoryCheckpoint, QueryManager, silentLogger, type ForeachWriter } from '@sluice/core';
import { memoryStream } from '@sluice/sources';
import { consoleSink, foreachSink, memorySink, memoryTableRows, observableSink, type CommittedBatch } from '@sluice/sinks';

const manager = new QueryManager({ logger: silentLogger });

describe('sinks in running queries', () => {
  it("console prints Spark's Batch: N banner and table for every batch", async () => {
    const printed: string[] = [];
    const input = memoryStream('value STRING, count LONG');
    const query = await input.toFrame().writeTo(consoleSink({ write: (t) => printed.push(t) }), { checkpointLocation: memoryCheckpoint(), manager });
    input.addData([{ value: 'cat', count: 1n }]);
    await query.processAllAvailable();
    await query.stop();
    expect(printed).toEqual([
      ['-------------------------------------------', 'Batch: 0', '-------------------------------------------', '+-----+-----+', '|value|count|', '+-----+-----+', '|  cat|    1|', '+-----+-----+', '', ''].join('\n'),
    ]);
  });

  it('foreach opens each partition with the batch id, processes its rows, and closes with the error', async () => {
    const calls: string[] = [];
    let fail = false;
    const writer: ForeachWriter<{ x: number }> = {
      open: (partition, epoch) => (calls.push(`open ${partition} ${epoch}`), true),
      process: (row) => {
        if (fail) throw new Error('nope');
        calls.push(`process ${row.x}`);
      },
      close: (error) => void calls.push(`close ${error?.message ?? null}`),
    };
    const input = memoryStream('x INT');
    const query = await input.toFrame().writeTo(foreachSink(writer as ForeachWriter), { checkpointLocation: memoryCheckpoint(), manager });
    input.addData([{ x: 1 }, { x: 2 }]);
    await query.processAllAvailable();
    fail = true;
    input.addData([{ x: 3 }]);
    await expect(query.awaitTermination()).rejects.toThrow(/SINK_FAILED.*nope/);
    expect(calls).toEqual(['open 0 0', 'process 1', 'process 2', 'close null', 'open 0 1', 'close nope']);
  });

  it('the observable sink emits a batch only once its commit is durable', async () => {
    const sink = observableSink();
    const seen: CommittedBatch[] = [];
    sink.batches$.subscribe((b) => seen.push(b));
    const input = memoryStream('x INT');
    const checkpoint = memoryCheckpoint();
    const query = await input.toFrame().writeTo(sink, { checkpointLocation: checkpoint, manager });
    input.addData([{ x: 1 }]);
    await query.processAllAvailable();
    expect(seen.map((b) => [b.batchId, b.table.numRows])).toEqual([[0, 1]]);
    expect(checkpoint.snapshot().has('commits/0')).toBe(true);
    await query.stop();
  });

  it('the memory sink in complete mode holds only the latest result table', async () => {
    const input = memoryStream('word STRING');
    const counts = input.toFrame().pipe(groupBy('word').agg(count().alias('n')));
    const query = await counts.writeTo(memorySink(), { queryName: 'sink_complete', outputMode: 'complete', checkpointLocation: memoryCheckpoint(), manager });
    input.addData([{ word: 'cat' }, { word: 'dog' }]);
    await query.processAllAvailable();
    input.addData([{ word: 'cat' }]);
    await query.processAllAvailable();
    expect(memoryTableRows('sink_complete')).toEqual([{ word: 'cat', n: 2n }, { word: 'dog', n: 1n }]);
    await query.stop();
  });

  it('a query without checkpointLocation on a debugging sink uses a temporary checkpoint, removed on stop', async () => {
    const input = memoryStream('x INT');
    const query = await input.toFrame().writeTo(memorySink(), { queryName: 'sink_temp', manager });
    const location = query.checkpointLocation;
    expect(query.isTemporaryCheckpoint).toBe(true);
    expect(location).toMatch(/^file:/);
    const { existsSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    expect(existsSync(fileURLToPath(location!))).toBe(true);
    await query.stop();
    expect(existsSync(fileURLToPath(location!))).toBe(false);
  });
});
