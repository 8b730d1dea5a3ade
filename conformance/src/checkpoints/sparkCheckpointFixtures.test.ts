/**
 * Every restated Spark checkpoint fixture is either resumed to Spark's answer or refused with a
 * coded error naming the file — and then the directory is byte-identical to what it was.
 */
import { describe, expect, it } from 'vitest';
import { count, FileCheckpointStore, groupBy, isSluiceError, QueryManager, silentLogger, type ErrorCode, type OutputMode, type StreamFrame } from '@sluice/core';
import { memorySink } from '@sluice/sinks';
import { intStream, type MemoryInput } from '../harness/memoryInput.ts';
import { windowedCount } from '../harness/queries.ts';
import { fixture } from '../fixtures/sparkCheckpoints.ts';
import { hashDirectory, writeFixture } from '../fixtures/fixtureFiles.ts';

/** Start `frame` on the fixture's directory; resolves with the error it was refused with, or undefined when it ran. */
async function startOn(dir: string, frame: StreamFrame, outputMode: OutputMode): Promise<Error | undefined> {
  const manager = new QueryManager({ logger: silentLogger });
  try {
    const query = await frame.writeStream().sink(memorySink({ tableName: `fixture_${Math.random().toString(36).slice(2)}` })).option('checkpointLocation', new FileCheckpointStore(dir)).outputMode(outputMode).manager(manager).start();
    await query.processAllAvailable();
    const failure = query.exception;
    await query.stop();
    return failure ?? undefined;
  } catch (error) {
    return error as Error;
  }
}

/** Refused with `code`, naming a file of the fixture, and the directory untouched. */
async function expectRefused(name: string, frame: StreamFrame, code: ErrorCode, file: RegExp, outputMode: OutputMode = 'append'): Promise<void> {
  const dir = await writeFixture(fixture(name));
  const before = await hashDirectory(dir);
  const error = await startOn(dir, frame, outputMode);
  expect(isSluiceError(error, code), `${name}: ${error?.message ?? 'it ran'}`).toBe(true);
  expect(error!.message).toMatch(file);
  expect(await hashDirectory(dir), `${name} was changed by a refused start`).toBe(before);
}

const withData = (input: MemoryInput, ...batches: readonly number[][]) => {
  for (const batch of batches) input.add(...batch);
  return input;
};

describe('Spark checkpoint fixtures: resumed to Spark\'s answer, or refused with the directory untouched', () => {
  it('checkpoint-test-offsetId-commitId-inconsistent: refused (offsets/3 is missing), untouched', () =>
    expectRefused('checkpoint-test-offsetId-commitId-inconsistent', intStream().frame, 'CHECKPOINT_CORRUPT', /offsets\/4/));

  it('checkpoint-version-2.1.0: state Sluice cannot read is refused, untouched', () =>
    expectRefused('checkpoint-version-2.1.0', withData(intStream(), [1, 2, 3, 4], [3, 4, 5, 6], [5, 6, 7, 8]).frame.pipe(groupBy('value').agg(count())), 'STATE_FORMAT_UNSUPPORTED', /state\/0/, 'complete'));

  it('checkpoint-version-2.3.1-without-commit-log-metadata: state refused, untouched', () =>
    expectRefused('checkpoint-version-2.3.1-without-commit-log-metadata', windowedCount(withData(intStream(), [15], [10, 12, 14])), 'STATE_FORMAT_UNSUPPORTED', /state\/0/));

  it('checkpoint-version-2.3.1-streaming-aggregate-state-format-1: state refused, untouched', () =>
    expectRefused('checkpoint-version-2.3.1-streaming-aggregate-state-format-1', withData(intStream(), [3], [3, 2]).frame.pipe(groupBy('value').agg(count())), 'STATE_FORMAT_UNSUPPORTED', /state\/0/, 'update'));
});
