/**
 * Typed factories declare their option types, so a wrong one is a compile error (`pnpm typecheck`
 * fails when an `@ts-expect-error` below stops being an error); the same mistakes made from plain
 * JavaScript (or the fluent `.option(k, v)`, checked at start) are SluiceErrors with a stable code
 * and a message that names the option and what it takes.
 */
import { describe, expect, it } from 'vitest';
import { isSluiceError, once, readStream } from '@sluice/core';
import { deltaSource, fileSource, kafkaSource, rateMicroBatchSource, rateSource } from '@sluice/sources';
import { consoleSink, deltaSink, fileSink, kafkaSink, noopSink, postgresSink } from '@sluice/sinks';

/** Never called: only compiled. Each line is a mistake the compiler must catch. */
export function wrongTypesDoNotCompile(): void {
  // @ts-expect-error rowsPerBatch is a number
  rateMicroBatchSource({ rowsPerBatch: 'ten' });
  // @ts-expect-error rowsPerBatch is required
  rateMicroBatchSource({});
  // @ts-expect-error rowsPerSecond is a number
  rateSource({ rowsPerSecond: '5' });
  // @ts-expect-error rampUpTime is seconds or a duration string, not a boolean
  rateSource({ rampUpTime: true });
  // @ts-expect-error an unknown format
  fileSource({ format: 'xml', path: '/in' });
  // @ts-expect-error maxFilesPerTrigger is a number
  fileSource({ format: 'json', path: '/in', maxFilesPerTrigger: 'all' });
  // @ts-expect-error cleanSource is 'off' | 'delete' | 'archive'
  fileSource({ format: 'json', path: '/in', cleanSource: 'move' });
  // @ts-expect-error failOnDataLoss is a boolean
  kafkaSource({ 'kafka.bootstrap.servers': 'b:9092', subscribe: 't', failOnDataLoss: 'false' });
  // @ts-expect-error kafka.bootstrap.servers is required
  kafkaSource({ subscribe: 't' });
  // @ts-expect-error maxFilesPerTrigger is a number
  deltaSource({ path: '/t', maxFilesPerTrigger: '10' });
  // @ts-expect-error numRows is a number
  consoleSink({ numRows: '20' });
  // @ts-expect-error compactInterval is a number
  fileSink({ format: 'json', path: '/out', compactInterval: 'often' });
  // @ts-expect-error an unknown sink format
  fileSink({ format: 'xlsx', path: '/out' });
  // @ts-expect-error createTableIfNotExists is a boolean
  postgresSink({ url: 'postgres://h/db', dbtable: 't', createTableIfNotExists: 'yes' });
  // @ts-expect-error mergeSchema is a boolean
  deltaSink({ path: '/t', mergeSchema: 1 });
  // @ts-expect-error topic is a string
  kafkaSink({ 'kafka.bootstrap.servers': 'b:9092', topic: 7 });
}

/** The code of the SluiceError `fn` throws (or rejects with), and its message. */
async function failure(fn: () => unknown): Promise<{ code: string; message: string }> {
  try {
    await fn();
  } catch (error) {
    if (isSluiceError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a SluiceError');
}

const untyped = <T>(value: unknown) => value as T;

describe('wrong options from JavaScript are SluiceErrors that say what the option takes', () => {
  it('typed factories check at definition time', async () => {
    expect(await failure(() => rateMicroBatchSource(untyped({ rowsPerBatch: 'ten' })))).toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('rowsPerBatch') });
    expect(await failure(() => rateMicroBatchSource(untyped({})))).toMatchObject({ code: 'MISSING_OPTION', message: expect.stringContaining('rowsPerBatch') });
    expect(await failure(() => rateSource(untyped({ rowsPerSecond: -1 })))).toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('rowsPerSecond') });
    expect(await failure(() => rateSource(untyped({ rowsPerSecnd: 5 })))).toMatchObject({ code: 'UNKNOWN_OPTION', message: expect.stringContaining("Did you mean 'rowsPerSecond'") });
    expect(await failure(() => consoleSink(untyped({ numRows: 'twenty' })))).toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('numRows') });
  });

  it('the fluent .option(k, v) stays Spark-like (strings accepted) and is checked at start', async () => {
    const ok = await readStream().format('rate-micro-batch').option('rowsPerBatch', '3').load().writeStream().format('noop').trigger(once()).start();
    await ok.awaitTermination();
    expect(ok.lastProgress?.numInputRows).toBe(3);
    const bad = await failure(() => readStream().format('rate-micro-batch').option('rowsPerBatch', 'ten').load().writeTo(noopSink()));
    expect(bad).toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('rowsPerBatch') });
  });

  it('unknown formats get a did-you-mean', async () => {
    expect(await failure(() => readStream().format('rate-microbatch').load())).toMatchObject({ code: expect.stringMatching(/FORMAT/), message: expect.stringContaining("'rate-micro-batch'") });
  });
});
