/**
 * Stateful exactly-once, for both state stores: random input batches × random crash schedules
 * (both sides of every lifecycle step) × restarts, through a running count per partition. A
 * state version applied twice, lost, or read from an abandoned attempt shows as a count that is
 * off: every emitted row must say n = last + 1 (rows of a partition arrive numbered 0, 1, 2 …),
 * and the last row of each partition must count all its rows.
 */
import { describe, it } from 'vitest';
import { count, groupBy, max } from '@sluice/core';
import { dropMemoryTable, memorySink, memoryTableRows } from '@sluice/sinks';
import { assertExactlyOnce } from '@sluice/testing';
import { STATE_PROVIDERS } from './providers.ts';

function checkCounts(input: readonly { partition: number; seq: number }[], held: readonly Record<string, unknown>[]): string[] {
  const problems: string[] = [];
  const expected = new Map<number, number>();
  for (const row of input) expected.set(row.partition, (expected.get(row.partition) ?? 0) + 1);
  const last = new Map<number, number>();
  for (const row of held) {
    const p = Number(row['partition']);
    const n = Number(row['n']);
    if (n !== Number(row['last']) + 1) problems.push(`partition ${p}: count ${n} but highest seq ${String(row['last'])}`);
    if ((last.get(p) ?? 0) >= n) problems.push(`partition ${p}: count went from ${last.get(p)} to ${n}`);
    last.set(p, n);
  }
  for (const [p, n] of expected) if (last.get(p) !== n) problems.push(`partition ${p}: last count ${last.get(p) ?? 'none'}, expected ${n}`);
  return problems;
}

describe('a stateful aggregation is exactly-once through crashes and restarts', () => {
  for (const provider of STATE_PROVIDERS) {
    it(`${provider.name} state store`, async () => {
      await assertExactlyOnce(
        (run) => {
          const table = `stateful_once_${provider.name}_${run}`;
          dropMemoryTable(table);
          return { sink: memorySink({ tableName: table }), rows: () => memoryTableRows(table) };
        },
        {
          runs: Number(process.env['SLUICE_PROPERTY_RUNS'] ?? (provider.name === 'memory' ? 60 : 12)),
          transform: (input) => input.pipe(groupBy('partition').agg(count().alias('n'), max('seq').alias('last'))),
          outputMode: 'update',
          writerOptions: () => provider.options(),
          check: checkCounts,
        },
      );
    }, 180_000);
  }
});
