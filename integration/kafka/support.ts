/**
 * Support for the Kafka pipeline tests: one mock broker per test file, record helpers, and
 * reading a topic back independently of the query under test.
 */
import { lastValueFrom, toArray } from 'rxjs';
import { isSluiceError, type Logger, type StreamingQuery } from '@sluice/core';
import { createKafkajsClient } from '@sluice/kafka';
import { parseKafkaClientSettings } from '@sluice/kafka/internal';
import { memoryTableRows } from '@sluice/sinks';

/**
 * Options every test source gets. The mock broker answers a fetch only when its wait runs
 * out (a real broker answers as soon as records arrive), so keep the wait short in tests.
 */
export const FAST_FETCH = { 'kafka.fetch.max.wait.ms': '20' } as const;

/** Values of a memory table's Kafka `value` column, as strings. */
export function memoryValues(table: string): string[] {
  return memoryTableRows(table).map((row) => Buffer.from(row['value'] as Uint8Array).toString());
}

/** Every record now in `topic`, read with Sluice's Kafka client outside any query. */
export async function topicRecords(bootstrapServers: string, topic: string): Promise<{ key: string | null; value: string | null; partition: number }[]> {
  const client = createKafkajsClient(parseKafkaClientSettings(bootstrapServers, { 'fetch.max.wait.ms': '20' }, 'source'));
  try {
    const ranges = await client.admin.offsetRanges([topic]);
    const reader = client.createReader({ pollTimeoutMs: 20_000 });
    const chunks = await lastValueFrom(reader.read(ranges.map((r) => ({ topic, partition: r.partition, from: r.earliest, until: r.latest }))).pipe(toArray()));
    const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString());
    return chunks.flatMap((c) => c.records.rows().map((r) => ({ key: text(r.key), value: text(r.value), partition: c.partition })));
  } finally {
    await client.close();
  }
}

/** A logger that keeps every line, to assert on warnings. */
export function recordingLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { lines, debug: () => {}, info: at('INFO'), warn: at('WARN'), error: at('ERROR') };
}

/** Poll `condition` every 20 ms until it holds, up to `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${what} never held within ${timeoutMs} ms`);
}

/**
 * Start, retrying while the checkpoint is still locked: when a crash fails `start()` itself,
 * `start()` rejects before the dead run has let go of its lock.
 */
export async function startWhenUnlocked(start: () => Promise<StreamingQuery>): Promise<StreamingQuery> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (!isSluiceError(error, 'CHECKPOINT_LOCKED') || attempt >= 200) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
