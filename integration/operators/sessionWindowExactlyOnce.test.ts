/**
 * Session windows are exactly-once through crashes, for both state stores: random input batches
 * × random crash schedules × restarts, append mode. Rows of a partition come numbered 0, 1, 2 …
 * at event times that put each run of three (seq 3k, 3k+1, 3k+2) one second apart and the runs
 * ten seconds apart, so with a 5 s gap a run is one session. Whatever batches the rows fell in
 * and wherever the process died, every session the sink holds is emitted once, covers a run of
 * consecutive rows each counted once (count, min, max and sum of seq agree), and no two sessions
 * of a partition share a row; a replayed batch that merged rows twice, or emitted a session
 * again, breaks one of these. A partition's first run is owed to the sink when the watermark
 * closed it and none of its rows was late.
 */
import { describe, it } from 'vitest';
import { count, expr, groupBy, max, min, sessionWindow, sum, withColumn, withWatermark, type StreamFrame } from '@sluice/core';
import { dropMemoryTable, memorySink, memoryTableRows } from '@sluice/sinks';
import { assertExactlyOnce } from '@sluice/testing';
import { STATE_PROVIDERS } from '../state/providers.ts';

type Row = { readonly partition: number; readonly seq: number };

function sessionsAreWhole(input: readonly Row[], held: readonly Record<string, unknown>[], drives: readonly (readonly Row[])[]): string[] {
  const problems: string[] = [];
  const seen = new Map<number, Set<number>>();
  const emitted = new Set<string>();
  for (const row of held) {
    const [partition, n, lo, hi, total] = ['partition', 'n', 'lo', 'hi', 'total'].map((c) => Number(row[c]));
    const session = row['session'] as { start: number; end: number };
    const id = `p${partition}@${Number(session.start)}`;
    if (emitted.has(id)) problems.push(`session ${id} emitted twice`);
    emitted.add(id);
    if (n !== hi! - lo! + 1 || total !== ((lo! + hi!) * n!) / 2) problems.push(`session ${id} counts n=${n} sum=${total} over seq ${lo}..${hi}: a row counted twice or lost`);
    const rows = seen.get(partition!) ?? new Set<number>();
    for (let s = lo!; s <= hi!; s++) {
      if (rows.has(s)) problems.push(`p${partition}#${s} is in two sessions`);
      rows.add(s);
    }
    seen.set(partition!, rows);
    if (!input.some((r) => r.partition === partition && r.seq === lo)) problems.push(`session ${id} starts at a row never sent`);
  }
  // A partition that reached seq 6 (event time 20 s) moved the watermark past its first run's
  // session (it ends by 7 s), so the sink must hold it — unless the run's rows came late: the
  // watermark is the query's, and a row of any partition at seq ≥ 3 (event time ≥ 10 s) in an
  // earlier drive put it past 7 s, so Spark drops those rows (a row is late when its own session,
  // t + gap, ends at or before the watermark).
  const driveOf = (p: number, seq: number) => drives.findIndex((rows) => rows.some((r) => r.partition === p && r.seq === seq));
  const watermarkPast7sBefore = (drive: number) => drives.slice(0, drive).some((rows) => rows.some((r) => r.seq >= 3));
  for (const r of input.filter((row) => row.seq === 6 && !watermarkPast7sBefore(driveOf(row.partition, 2)))) {
    if (!held.some((row) => Number(row['partition']) === r.partition && Number(row['lo']) === 0)) problems.push(`p${r.partition}'s first session (seq 0..2) never emitted`);
  }
  return problems;
}

const sessions = (input: StreamFrame) =>
  input.pipe(
    withColumn('t', expr('CAST((seq div 3) * 10 + seq % 3 AS TIMESTAMP)')),
    withWatermark('t', '0 seconds'),
    groupBy(sessionWindow('t', '5 seconds').as('session'), 'partition').agg(count().alias('n'), min('seq').alias('lo'), max('seq').alias('hi'), sum('seq').alias('total')),
  );

describe('session windows are exactly-once through crashes and restarts', () => {
  for (const provider of STATE_PROVIDERS) {
    it(`append mode, ${provider.name} state store`, async () => {
      await assertExactlyOnce(
        (run) => {
          const table = `sessions_once_${provider.name}_${run}`;
          dropMemoryTable(table);
          return { sink: memorySink({ tableName: table }), rows: () => memoryTableRows(table) };
        },
        {
          runs: Number(process.env['SLUICE_PROPERTY_RUNS'] ?? (provider.name === 'memory' ? 12 : 4)),
          transform: sessions,
          outputMode: 'append',
          writerOptions: () => provider.options(),
          check: sessionsAreWhole,
        },
      );
    }, 180_000);
  }
});
