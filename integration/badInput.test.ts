import { mkdtemp, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSluiceError, mapBatches, memoryCheckpoint, QueryManager, readStream, silentLogger, type SluiceError } from '@sluice/core';
import { memoryStream } from '@sluice/sources';
import { memorySink, memoryTableRows } from '@sluice/sinks';

const manager = new QueryManager({ logger: silentLogger });

async function rejection(promise: Promise<unknown>): Promise<SluiceError> {
  try {
    await promise;
  } catch (error) {
    return error as SluiceError;
  }
  throw new Error('expected a rejection');
}

function thrown(fn: () => unknown): SluiceError {
  try {
    fn();
  } catch (error) {
    return error as SluiceError;
  }
  throw new Error('expected an error');
}

describe('bad input gets a clear error and loses nothing', () => {
  it('an unknown format says which one was meant and lists the registered ones', async () => {
    const error = thrown(() => readStream().format('kafak').load());
    expect(isSluiceError(error, 'UNKNOWN_FORMAT')).toBe(true);
    expect(error.message).toMatch(/Unknown source format 'kafak'\. Did you mean 'kafka'\? Known source formats: .*memory, .*rate, rate-micro-batch/);
    const sink = await rejection(readStream().format('rate').load().writeStream().format('consle').start());
    expect(sink.message).toContain("Unknown sink format 'consle'. Did you mean 'console'?");
    expect(thrown(() => readStream().format('zzzzzz').load()).message).not.toContain('Did you mean');
  });

  it('a misspelled option is an error naming it, never silently ignored', () => {
    const error = thrown(() => readStream().format('rate').option('rowsPerSecnd', 5).load());
    expect(isSluiceError(error, 'UNKNOWN_OPTION')).toBe(true);
    expect(error.message).toContain("Did you mean 'rowsPerSecond'?");
  });

  it('a misspelled sink option rejects start()', async () => {
    const error = await rejection(readStream().format('rate').load().writeStream().format('console').option('numRow', 5).start());
    expect(isSluiceError(error, 'UNKNOWN_OPTION')).toBe(true);
    expect(error.message).toContain("Did you mean 'numRows'?");
  });

  it('a corrupt offsets/N stops the start with CHECKPOINT_CORRUPT naming the file, and nothing is overwritten', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-corrupt-'));
    const input = memoryStream('n INT');
    const start = () => input.toFrame().writeStream().sink(memorySink()).queryName('bad_corrupt').option('checkpointLocation', dir).manager(manager).start();
    const q = await start();
    input.addData([{ n: 1 }]);
    await q.processAllAvailable();
    await q.stop();
    await writeFile(join(dir, 'offsets/0'), 'v1\n{"batchWatermarkMs":0,"batchTimestam'); // a torn write from a foreign tool
    const error = await rejection(start());
    expect(isSluiceError(error, 'CHECKPOINT_CORRUPT')).toBe(true);
    expect(error.message).toContain(`${dir}/offsets/0`);
    expect(error.message).toContain('Nothing was overwritten');
    expect(await readFile(join(dir, 'offsets/0'), 'utf8')).toBe('v1\n{"batchWatermarkMs":0,"batchTimestam');
    // …and the lock was released: once repaired, the query starts again.
    await writeFile(join(dir, 'offsets/0'), 'v1\n{"batchWatermarkMs":0,"batchTimestampMs":0,"conf":{}}\n1');
    const repaired = await start();
    await repaired.stop();
  });

  it('a second query on a running checkpoint fails with CHECKPOINT_LOCKED', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-locked-'));
    const input = memoryStream('n INT');
    const first = await input.toFrame().writeStream().sink(memorySink()).queryName('bad_locked_1').option('checkpointLocation', `file:${dir}`).manager(manager).start();
    const error = await rejection(input.toFrame().writeStream().sink(memorySink()).queryName('bad_locked_2').option('checkpointLocation', dir).manager(manager).start());
    expect(isSluiceError(error, 'CHECKPOINT_LOCKED')).toBe(true);
    expect(error.message).toContain("query 'bad_locked_1'");
    await first.stop();
  });

  it('a transform that throws fails the query with the cause, keeps the checkpoint consistent, and a restart resumes', async () => {
    const input = memoryStream('n INT');
    const checkpoint = memoryCheckpoint();
    let poisoned = true;
    const frame = input.toFrame().pipe(
      mapBatches((table) => {
        if (poisoned && table.numRows > 0 && table.getChild('n')!.get(0) === 2) throw new Error('bad row 2');
        return table;
      }),
    );
    const start = () => frame.writeStream().sink(memorySink()).queryName('bad_transform').option('checkpointLocation', checkpoint).manager(manager).start();
    const q = await start();
    input.addData([{ n: 1 }]);
    await q.processAllAvailable();
    input.addData([{ n: 2 }]);
    const error = await rejection(q.awaitTermination());
    expect(isSluiceError(error, 'TRANSFORM_FAILED')).toBe(true);
    expect(error.message).toMatch(/Query 'bad_transform' \[id = .*\] failed in batch 1 while transforming the batch: bad row 2/);
    expect(q.exception).toBe(error);
    expect(q.isActive).toBe(false);
    expect(q.status.message).toContain('Terminated with exception: [TRANSFORM_FAILED]');
    expect([...checkpoint.snapshot().keys()].filter((k) => /^(offsets|commits)\//.test(k)).sort()).toEqual(['commits/0', 'offsets/0', 'offsets/1']);

    poisoned = false;
    const restarted = await start();
    input.addData([{ n: 3 }]);
    await restarted.processAllAvailable();
    await restarted.stop();
    expect(memoryTableRows('bad_transform')).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('an output mode the sink cannot do is refused at start; an unknown one at once', async () => {
    const { registerSinkFormat } = await import('@sluice/core/connector');
    registerSinkFormat({
      name: 'append-only-test',
      createSink: ({ options }) => ({ format: 'append-only-test', guarantee: 'none', outputModes: new Set(['append']), options, allowsTemporaryCheckpoint: true, open: () => Promise.reject(new Error('unused')) }),
    });
    const error = await rejection(readStream().format('rate').load().writeStream().format('append-only-test').outputMode('complete').start());
    expect(isSluiceError(error, 'UNSUPPORTED_OUTPUT_MODE')).toBe(true);
    expect(error.message).toContain("does not support output mode 'complete'; it supports: append");
    expect(isSluiceError(thrown(() => readStream().format('rate').load().writeStream().outputMode('sideways')), 'INVALID_OPTION')).toBe(true);
  });

  it('a sink that needs a checkpoint says so', async () => {
    const { registerSinkFormat } = await import('@sluice/core/connector');
    registerSinkFormat({
      name: 'durable-test',
      createSink: ({ options }) => ({ format: 'durable-test', guarantee: 'exactly-once', outputModes: new Set(['append']), options, allowsTemporaryCheckpoint: false, open: () => Promise.reject(new Error('unused')) }),
    });
    const error = await rejection(readStream().format('rate').load().writeStream().format('durable-test').start());
    expect(isSluiceError(error, 'MISSING_OPTION')).toBe(true);
    expect(error.message).toContain("set .option('checkpointLocation'");
  });

  it('a duplicate active query name is refused', async () => {
    const input = memoryStream('n INT');
    const q = await input.toFrame().writeStream().sink(memorySink()).queryName('bad_dupe').option('checkpointLocation', memoryCheckpoint()).manager(manager).start();
    const error = await rejection(input.toFrame().writeStream().sink(memorySink()).queryName('bad_dupe').option('checkpointLocation', memoryCheckpoint()).manager(manager).start());
    expect(isSluiceError(error, 'DUPLICATE_QUERY_NAME')).toBe(true);
    await q.stop();
  });
});
