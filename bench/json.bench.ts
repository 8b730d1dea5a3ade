/**
 * JSON ⇄ Arrow on 1 M small records (id, name, score, active, ts): Sluice's parseJsonRecords
 * against plain JSON.parse of the same lines (the floor: no columns built), and
 * tableToJsonLines against JSON.stringify of the same rows as plain objects.
 */
import { parseJsonRecords, tableToJsonLines } from '@sluice/core/internal';
import { toSchema } from '@sluice/core';
import { median, type Bench } from './lib/bench.ts';

const N = 1_000_000;
const RUNS = 3;

export const bench: Bench = {
  name: 'JSON ⇄ Arrow (parseJsonRecords / tableToJsonLines)',
  async run({ report, progress }) {
    const schema = toSchema('id LONG, name STRING, score DOUBLE, active BOOLEAN, ts TIMESTAMP');
    const objects = Array.from({ length: N }, (_, i) => ({ id: i, name: `user${i % 1000}`, score: i * 0.5, active: i % 2 === 0, ts: new Date(1_700_000_000_000 + i * 1000).toISOString() }));
    const lines = objects.map((o) => JSON.stringify(o));
    progress(`${N} lines ready`);

    const parseMs: number[] = [];
    const baseMs: number[] = [];
    const writeMs: number[] = [];
    const stringifyMs: number[] = [];
    let table = parseJsonRecords([], schema);
    for (let run = 0; run < RUNS; run++) {
      let t = performance.now();
      const parsed = new Array<unknown>(N);
      for (let i = 0; i < N; i++) parsed[i] = JSON.parse(lines[i]!);
      baseMs.push(performance.now() - t);

      t = performance.now();
      table = parseJsonRecords(lines, schema, { mode: 'PERMISSIVE' });
      parseMs.push(performance.now() - t);

      t = performance.now();
      const out = new Array<string>(N);
      for (let i = 0; i < N; i++) out[i] = JSON.stringify(parsed[i]);
      stringifyMs.push(performance.now() - t);

      t = performance.now();
      tableToJsonLines(table);
      writeMs.push(performance.now() - t);
      progress(`run ${run + 1}: parse ${parseMs.at(-1)!.toFixed(0)} ms (JSON.parse ${baseMs.at(-1)!.toFixed(0)} ms), write ${writeMs.at(-1)!.toFixed(0)} ms (JSON.stringify ${stringifyMs.at(-1)!.toFixed(0)} ms)`);
    }
    if (table.numRows !== N) throw new Error(`parsed ${table.numRows} rows, expected ${N}`);
    report({ name: 'parseJsonRecords 1M records', unit: 'records/s', value: N / (median(parseMs) / 1000), baseline: { name: 'JSON.parse per line', value: N / (median(baseMs) / 1000) }, target: 'small overhead', better: 'higher' });
    report({ name: 'tableToJsonLines 1M rows', unit: 'rows/s', value: N / (median(writeMs) / 1000), baseline: { name: 'JSON.stringify per object', value: N / (median(stringifyMs) / 1000) }, better: 'higher' });
  },
};
