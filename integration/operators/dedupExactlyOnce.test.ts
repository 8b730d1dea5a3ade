/**
 * Deduplication is exactly-once through crashes, for both state stores: random input batches ×
 * random crash schedules × restarts. Rows of a partition come numbered 0, 1, 2 …; rows 2k and
 * 2k+1 share a key, so the sink must end up with exactly the even rows, each once, whatever
 * batches the pairs fell in and wherever the process died (a replayed batch must see the state
 * its first attempt saw, not what that attempt wrote).
 */
import { describe, it } from 'vitest';
import { col, dropDuplicates, dropDuplicatesWithinWatermark, expr, withColumn, withWatermark, type StreamFrame } from '@sluice/core';
import { dropMemoryTable, memorySink, memoryTableRows } from '@sluice/sinks';
import { assertExactlyOnce } from '@sluice/testing';
import { STATE_PROVIDERS } from '../state/providers.ts';

function evenRowsOnce(input: readonly { partition: number; seq: number; id: string }[], held: readonly Record<string, unknown>[]): string[] {
  const expected = new Set(input.filter((r) => r.seq % 2 === 0).map((r) => r.id));
  const counts = new Map<string, number>();
  for (const row of held) counts.set(String(row['id']), (counts.get(String(row['id'])) ?? 0) + 1);
  const problems: string[] = [];
  for (const id of expected) if (!counts.has(id)) problems.push(`lost ${id}`);
  for (const [id, n] of counts) {
    if (!expected.has(id)) problems.push(`passed ${id}, a duplicate of an earlier row`);
    if (n > 1) problems.push(`${id} ×${n}`);
  }
  return problems;
}

const pairKey = (input: StreamFrame) => input.pipe(withColumn('pair', expr('concat(partition, \'/\', seq div 2)')));

const queries: { name: string; transform: (input: StreamFrame) => StreamFrame }[] = [
  { name: 'dropDuplicates', transform: (input) => pairKey(input).pipe(dropDuplicates('pair')) },
  {
    name: 'dropDuplicatesWithinWatermark',
    transform: (input) => pairKey(input).pipe(withColumn('t', col('seq').cast('timestamp')), withWatermark('t', '1 hour'), dropDuplicatesWithinWatermark('pair')),
  },
];

describe('deduplication is exactly-once through crashes and restarts', () => {
  for (const query of queries) {
    for (const provider of STATE_PROVIDERS) {
      it(`${query.name}, ${provider.name} state store`, async () => {
        await assertExactlyOnce(
          (run) => {
            const table = `dedup_once_${query.name}_${provider.name}_${run}`;
            dropMemoryTable(table);
            return { sink: memorySink({ tableName: table }), rows: () => memoryTableRows(table) };
          },
          {
            runs: Number(process.env['SLUICE_PROPERTY_RUNS'] ?? (provider.name === 'memory' ? 12 : 4)),
            transform: query.transform,
            writerOptions: () => provider.options(),
            check: evenRowsOnce,
          },
        );
      }, 180_000);
    }
  }
});
