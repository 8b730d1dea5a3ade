/**
 * flatMapGroupsWithState and transformWithState are exactly-once through crashes, for both state
 * stores: random input batches × random crash schedules × restarts. Each partition's rows are
 * one group; the function counts the group's rows in its state and tags every row with the
 * count so far. Whatever batches the rows fell in and wherever the process died, the sink holds
 * every row once, tagged n = seq + 1: a replayed batch that saw the state its first attempt
 * wrote would count rows twice.
 */
import { describe, it } from 'vitest';
import { groupByKey, StatefulProcessor, type GroupState, type ListState, type StreamFrame, type ValueState } from '@sluice/core';
import { dropMemoryTable, memorySink, memoryTableRows } from '@sluice/sinks';
import { assertExactlyOnce } from '@sluice/testing';
import { STATE_PROVIDERS } from '../state/providers.ts';

type Row = Record<string, unknown>;
const OUT = 'id STRING, partition INT, seq INT, n INT';

function countedOnce(input: readonly { partition: number; seq: number; id: string }[], held: readonly Row[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const row of held) {
    const id = String(row['id']);
    if (seen.has(id)) problems.push(`${id} twice`);
    seen.add(id);
    if (Number(row['n']) !== Number(row['seq']) + 1) problems.push(`${id} counted as row ${row['n']} of its group, not ${Number(row['seq']) + 1}`);
  }
  for (const r of input) if (!seen.has(r.id)) problems.push(`lost ${r.id}`);
  return problems;
}

const bySeq = (rows: readonly Row[]) => [...rows].sort((a, b) => Number(a['seq']) - Number(b['seq']));

function tagged(count: number, rows: readonly Row[]): Row[] {
  return bySeq(rows).map((r, i) => ({ id: r['id'], partition: r['partition'], seq: r['seq'], n: count + i + 1 }));
}

/** The count in a value state, the ids in a list state (so list state is replayed too). */
class Tagger extends StatefulProcessor {
  private count!: ValueState<{ n: number }>;
  private ids!: ListState<string>;
  init(): void {
    this.count = this.getHandle().getValueState<{ n: number }>('count', { schema: 'n INT' });
    this.ids = this.getHandle().getListState<string>('ids');
  }
  handleInputRows(_key: Row, rows: readonly Row[]): Row[] {
    const before = this.count.get()?.n ?? 0;
    if (this.ids.get().length !== before) throw new Error(`list state holds ${this.ids.get().length} ids, value state counts ${before}`);
    this.ids.appendList(rows.map((r) => String(r['id'])));
    this.count.update({ n: before + rows.length });
    return tagged(before, rows);
  }
}

const queries: { name: string; transform: (input: StreamFrame) => StreamFrame }[] = [
  {
    name: 'flatMapGroupsWithState',
    transform: (input) =>
      input.pipe(
        groupByKey('partition').flatMapGroupsWithState<number>({ outputMode: 'append', outputSchema: OUT }, (_key, rows, state: GroupState<number>) => {
          const before = state.getOption() ?? 0;
          state.update(before + rows.length);
          return tagged(before, rows);
        }),
      ),
  },
  { name: 'transformWithState', transform: (input) => input.pipe(groupByKey('partition').transformWithState(new Tagger(), { timeMode: 'none', outputSchema: OUT })) },
];

describe('arbitrary stateful processing is exactly-once through crashes and restarts', () => {
  for (const query of queries) {
    for (const provider of STATE_PROVIDERS) {
      it(`${query.name}, ${provider.name} state store`, async () => {
        await assertExactlyOnce(
          (run) => {
            const table = `arbitrary_once_${query.name}_${provider.name}_${run}`;
            dropMemoryTable(table);
            return { sink: memorySink({ tableName: table }), rows: () => memoryTableRows(table) };
          },
          {
            runs: Number(process.env['SLUICE_PROPERTY_RUNS'] ?? (provider.name === 'memory' ? 12 : 4)),
            transform: query.transform,
            outputMode: 'append',
            writerOptions: () => provider.options(),
            check: countedOnce,
          },
        );
      }, 180_000);
    }
  }
});
