/**
 * Stream–stream joins are exactly-once through crashes, for both state stores: random input
 * batches × random crash schedules × restarts. The input (`partition, seq, id`) is split into a
 * left stream (even seq) and a right stream (odd seq); row 2k of a partition joins row 2k+1, so
 * whatever batches a pair fell in and wherever the process died, the sink must hold each pair
 * exactly once (a replayed batch must see the state its first attempt saw, not what it wrote).
 */
import { describe, it } from 'vitest';
import { expr, join, selectExpr, where, withWatermark, type StreamFrame } from '@sluice/core';
import { dropMemoryTable, memorySink, memoryTableRows } from '@sluice/sinks';
import { assertExactlyOnce } from '@sluice/testing';
import { STATE_PROVIDERS } from '../state/providers.ts';

type Input = readonly { partition: number; seq: number; id: string }[];

/** Each pair whose two rows arrived comes out once, as (left id, right id); nothing else but (with `outer`) left rows alone, each at most once. */
function pairsOnce(outer: boolean) {
  return (input: Input, held: readonly Record<string, unknown>[]): string[] => {
    const ids = new Set(input.map((r) => r.id));
    const byKey = new Map(input.map((r) => [`${r.partition}/${r.seq}`, r.id]));
    const expected = new Map<string, string>();
    for (const r of input) if (r.seq % 2 === 0 && byKey.has(`${r.partition}/${r.seq + 1}`)) expected.set(r.id, byKey.get(`${r.partition}/${r.seq + 1}`)!);
    const problems: string[] = [];
    const counts = new Map<string, number>();
    for (const row of held) {
      const left = String(row['id']);
      const right = row['rid'] === null ? null : String(row['rid']);
      counts.set(left, (counts.get(left) ?? 0) + 1);
      if (!ids.has(left)) problems.push(`${left} is no input row`);
      if (right === null) {
        if (!outer) problems.push(`${left} came out unmatched from an inner join`);
        else if (expected.has(left)) problems.push(`${left} came out unmatched though its partner ${expected.get(left)} arrived`);
      } else if (expected.get(left) !== right) problems.push(`${left} joined ${right}, not its partner`);
    }
    for (const [id, n] of counts) if (n > 1) problems.push(`${id} ×${n}`);
    for (const id of expected.keys()) if (!counts.has(id)) problems.push(`lost the pair of ${id}`);
    return problems;
  };
}

const sides = (input: StreamFrame, watermark: boolean) => {
  const left = input.pipe(where('seq % 2 = 0'), selectExpr('id', "concat(partition, '/', seq div 2) AS lk", 'timestamp_seconds(seq) AS lt'));
  const right = input.pipe(where('seq % 2 = 1'), selectExpr('id AS rid', "concat(partition, '/', seq div 2) AS rk", 'timestamp_seconds(seq) AS rt'));
  return watermark ? { left: left.pipe(withWatermark('lt', '1 hour')), right: right.pipe(withWatermark('rt', '1 hour')) } : { left, right };
};

const queries: { name: string; outer: boolean; transform: (input: StreamFrame) => StreamFrame }[] = [
  {
    name: 'inner join, no watermark',
    outer: false,
    transform: (input) => {
      const { left, right } = sides(input, false);
      return left.pipe(join(right, expr('lk = rk')), selectExpr('id', 'rid'));
    },
  },
  {
    name: 'left outer join with a time range',
    outer: true,
    transform: (input) => {
      const { left, right } = sides(input, true);
      return left.pipe(join(right, expr('lk = rk AND rt BETWEEN lt AND lt + interval 10 seconds'), 'left_outer'), selectExpr('id', 'rid'));
    },
  },
];

describe('stream–stream joins are exactly-once through crashes and restarts', () => {
  for (const query of queries) {
    for (const provider of STATE_PROVIDERS) {
      it(`${query.name}, ${provider.name} state store`, async () => {
        await assertExactlyOnce(
          (run) => {
            const table = `join_once_${query.name.replace(/\W+/g, '_')}_${provider.name}_${run}`;
            dropMemoryTable(table);
            return { sink: memorySink({ tableName: table }), rows: () => memoryTableRows(table) };
          },
          {
            runs: Number(process.env['SLUICE_PROPERTY_RUNS'] ?? (provider.name === 'memory' ? 10 : 3)),
            transform: query.transform,
            writerOptions: () => provider.options(),
            check: pairsOnce(query.outer),
          },
        );
      }, 180_000);
    }
  }
});
