/** ConsoleWriteSupportSuite, restated: the console sink's text, byte for byte. */
import { expect } from 'vitest';
import { QueryManager, silentLogger } from '@sluice/core';
import '@sluice/sinks';
import { intStream, memoryInput, type MemoryInput } from '../harness/memoryInput.ts';
import { suite } from '../harness/scenario.ts';

const spark = suite('ConsoleWriteSupportSuite');
const manager = new QueryManager({ logger: silentLogger });

/** Run `input` into the console sink with `options`, adding each batch and waiting for it; returns what was printed. */
async function captured(input: MemoryInput, options: Record<string, unknown>, ...batches: unknown[][]): Promise<string> {
  let text = '';
  const query = await input.frame.writeStream().format('console').options({ ...options, write: (t: string) => (text += t) }).manager(manager).start();
  try {
    for (const batch of batches) {
      input.add(...batch);
      await query.processAllAvailable();
    }
  } finally {
    await query.stop();
  }
  return text;
}

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const header = (n: number) => ['-------------------------------------------', `Batch: ${n}`, '-------------------------------------------'];

spark.scenario('microbatch - default', async () => {
  expect(await captured(intStream(), {}, [1, 2, 3], [4, 5, 6], [])).toBe(lines(
    ...header(0), '+-----+', '|value|', '+-----+', '|    1|', '|    2|', '|    3|', '+-----+', '',
    ...header(1), '+-----+', '|value|', '+-----+', '|    4|', '|    5|', '|    6|', '+-----+', '',
    ...header(2), '+-----+', '|value|', '+-----+', '+-----+', ''));
});

spark.scenario('microbatch - with numRows', async () => {
  expect(await captured(intStream(), { NUMROWS: 2 }, [1, 2, 3])).toBe(lines(
    ...header(0), '+-----+', '|value|', '+-----+', '|    1|', '|    2|', '+-----+', 'only showing top 2 rows', ''));
});

spark.scenario('microbatch - truncation', async () => {
  expect(await captured(memoryInput('value STRING'), { TRUNCATE: true }, ['123456789012345678901234567890'])).toBe(lines(
    ...header(0), '+--------------------+', '|               value|', '+--------------------+', '|12345678901234567...|', '+--------------------+', ''));
});
