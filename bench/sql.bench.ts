/**
 * `pnpm bench sql`: a selectExpr of ten common expressions (arithmetic, CASE, substring,
 * regexp_extract, date_format, casts, upper, a boolean filter condition) over 1 M rows, three
 * ways, each over the same data:
 *   - Sluice: the expressions parsed, bound and evaluated column at a time (Arrow in, Arrow out);
 *   - a hand-written JS loop per expression over the same Arrow buffers (typed arrays, UTF-8
 *     offsets/bytes), building the same Arrow columns — the goal is ≥ 0.5× its speed;
 *   - DuckDB (`@duckdb/node-api`, one thread and all threads) running the same SQL over the same
 *     rows (loaded from a Parquet file Sluice wrote), materializing the result into a table.
 * Medians of RUNS runs; the load average is printed, since the machine is shared.
 */
import { loadavg, tmpdir } from 'node:os';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Buffer } from 'node:buffer';
import { DuckDBInstance } from '@duckdb/node-api';
import { makeData, makeVector, Bool, Int32, Int64, type Table, type Vector } from 'apache-arrow';
import { executePlan, standaloneOperatorContext } from '@sluice/core/internal';
import { selectExpr, StreamFrame, toSchema, type SourceProvider } from '@sluice/core';
import { tableFromColumns, utf8Vector } from '@sluice/core/connector';
import { writeParquet } from '@sluice/formats';
import { median, type Bench } from './lib/bench.ts';

const N = 1_000_000;
const RUNS = 5;
const BASE_TS = Date.UTC(2024, 0, 1);

/** The ten expressions, in Spark SQL (Sluice) and DuckDB's dialect (the same meaning). */
const EXPRESSIONS: readonly { readonly sluice: string; readonly duckdb: string }[] = [
  { sluice: 'amount * qty + 1 AS total', duckdb: 'amount * qty + 1 AS total' },
  { sluice: 'id % 100 AS bucket', duckdb: 'id % 100 AS bucket' },
  { sluice: "CASE WHEN amount > 500 THEN 'high' WHEN amount > 100 THEN 'mid' ELSE 'low' END AS band", duckdb: "CASE WHEN amount > 500 THEN 'high' WHEN amount > 100 THEN 'mid' ELSE 'low' END AS band" },
  { sluice: 'substring(name, 1, 6) AS prefix', duckdb: 'substring(name, 1, 6) AS prefix' },
  { sluice: "regexp_extract(email, '@([a-z]+)\\\\.', 1) AS domain", duckdb: "regexp_extract(email, '@([a-z]+)\\.', 1) AS domain" },
  { sluice: "date_format(ts, 'yyyy-MM-dd HH:mm') AS minute", duckdb: "strftime(ts, '%Y-%m-%d %H:%M') AS minute" },
  { sluice: 'CAST(qty AS STRING) AS qty_text', duckdb: 'CAST(qty AS VARCHAR) AS qty_text' },
  { sluice: 'CAST(code AS INT) AS code_number', duckdb: 'TRY_CAST(code AS INTEGER) AS code_number' },
  { sluice: 'upper(name) AS loud', duckdb: 'upper(name) AS loud' },
  { sluice: 'amount > 250 AND qty < 50 AS wanted', duckdb: 'amount > 250 AND qty < 50 AS wanted' },
];

function makeTable(): Table {
  const schema = toSchema('id BIGINT, amount DOUBLE, qty INT, name STRING, email STRING, ts TIMESTAMP, code STRING');
  const id = new BigInt64Array(N);
  const amount = new Float64Array(N);
  const qty = new Int32Array(N);
  const name = new Array<string>(N);
  const email = new Array<string>(N);
  const ts = new Float64Array(N);
  const code = new Array<string>(N);
  const domains = ['example', 'mail', 'corp', 'shop'];
  for (let i = 0; i < N; i++) {
    id[i] = BigInt(i);
    amount[i] = ((i * 37) % 1000) + 0.25;
    qty[i] = i % 100;
    name[i] = `user_${i % 5000}`;
    email[i] = `user${i}@${domains[i % 4]}.com`;
    ts[i] = BASE_TS + i * 1000;
    code[i] = String((i * 7) % 10000);
  }
  return tableFromColumns(schema, { id, amount, qty, name, email, ts, code });
}

/** The hand-written loops: what a person would write for these ten columns over Arrow buffers. */
function handWritten(table: Table): Vector[] {
  const column = (name: string) => table.getChild(name)!.data[0]!;
  const id = column('id').values as BigInt64Array;
  const amount = column('amount').values as Float64Array;
  const qty = column('qty').values as Int32Array;
  const strings = (name: string) => {
    const d = column(name);
    return { offsets: d.valueOffsets as Int32Array, buffer: Buffer.from((d.values as Uint8Array).buffer, (d.values as Uint8Array).byteOffset, (d.values as Uint8Array).byteLength) };
  };
  const name = strings('name');
  const email = strings('email');
  const code = strings('code');
  const tsWords = new Int32Array((column('ts').values as BigInt64Array).buffer, (column('ts').values as BigInt64Array).byteOffset, N * 2);
  const text = (s: { offsets: Int32Array; buffer: Buffer }, i: number) => s.buffer.toString('utf8', s.offsets[i], s.offsets[i + 1]);
  const out: Vector[] = [];

  const total = new Float64Array(N);
  for (let i = 0; i < N; i++) total[i] = amount[i]! * qty[i]! + 1;
  out.push(makeVector(total));

  const bucket = new BigInt64Array(N);
  for (let i = 0; i < N; i++) bucket[i] = id[i]! % 100n;
  out.push(makeVector(makeData({ type: new Int64(), length: N, data: bucket })));

  const band = new Array<string>(N);
  for (let i = 0; i < N; i++) band[i] = amount[i]! > 500 ? 'high' : amount[i]! > 100 ? 'mid' : 'low';
  out.push(utf8Vector(band));

  const prefix = new Array<string>(N);
  for (let i = 0; i < N; i++) prefix[i] = text(name, i).substring(0, 6);
  out.push(utf8Vector(prefix));

  const domain = new Array<string>(N);
  const pattern = /@([a-z]+)\./;
  for (let i = 0; i < N; i++) domain[i] = pattern.exec(text(email, i))?.[1] ?? '';
  out.push(utf8Vector(domain));

  const minute = new Array<string>(N);
  const pad = (n: number) => (n < 10 ? `0${n}` : String(n));
  for (let i = 0; i < N; i++) {
    const d = new Date(tsWords[2 * i + 1]! * 4294967296 + (tsWords[2 * i]! >>> 0));
    minute[i] = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  }
  out.push(utf8Vector(minute));

  const qtyText = new Array<string>(N);
  for (let i = 0; i < N; i++) qtyText[i] = String(qty[i]);
  out.push(utf8Vector(qtyText));

  const codeNumber = new Int32Array(N);
  for (let i = 0; i < N; i++) codeNumber[i] = Number.parseInt(text(code, i), 10);
  out.push(makeVector(makeData({ type: new Int32(), length: N, data: codeNumber })));

  const loud = new Array<string>(N);
  for (let i = 0; i < N; i++) loud[i] = text(name, i).toUpperCase();
  out.push(utf8Vector(loud));

  const wanted = new Uint8Array((N + 7) >> 3);
  for (let i = 0; i < N; i++) if (amount[i]! > 250 && qty[i]! < 50) wanted[i >> 3]! |= 1 << (i & 7);
  out.push(makeVector(makeData({ type: new Bool(), length: N, data: wanted })));
  return out;
}

async function time(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export const bench: Bench = {
  name: 'SQL expressions: selectExpr of ten expressions vs a hand-written loop and DuckDB',
  async run({ report, progress }) {
    const table = makeTable();
    const provider: SourceProvider = { format: 'bench', schema: table.schema, options: {}, open: () => Promise.reject(new Error('not opened')) };
    const frame = StreamFrame.fromSource(provider).pipe(selectExpr(...EXPRESSIONS.map((e) => e.sluice)));
    const inputs = new Map([[provider, table]]);
    const context = standaloneOperatorContext();
    const sluice = async () => executePlan(frame.node, inputs, context);

    const dir = await mkdtemp(join(tmpdir(), 'sluice-sql-bench-'));
    const duck = await DuckDBInstance.create(':memory:');
    const db = await duck.connect();
    try {
      const parquet = join(dir, 'rows.parquet');
      await writeFile(parquet, writeParquet(table));
      await db.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${parquet}')`);
      const duckSql = `CREATE OR REPLACE TEMP TABLE r AS SELECT ${EXPRESSIONS.map((e) => e.duckdb).join(', ')} FROM t`;
      progress(`${N} rows ready in Arrow and in DuckDB; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

      // The same answers, checked on a sample of rows before timing anything.
      const ours = (await sluice()).batches[0]!;
      const sample = [0, 1, 12345, 500_000, N - 1];
      const theirs = (await db.runAndReadAll(`SELECT * FROM (SELECT row_number() OVER () - 1 AS k, ${EXPRESSIONS.map((e) => e.duckdb).join(', ')} FROM t) WHERE k IN (${sample.join(', ')}) ORDER BY k`)).getRowObjectsJS();
      sample.forEach((row, k) => {
        for (const [c, field] of ours.schema.fields.entries()) {
          const a = ours.getChildAt(c)!.get(row);
          const b = theirs[k]![field.name];
          if (String(a) !== String(b)) throw new Error(`row ${row} ${field.name}: Sluice ${String(a)}, DuckDB ${String(b)}`);
        }
      });
      const hand = handWritten(table);
      if (hand.length !== EXPRESSIONS.length) throw new Error('hand-written loops missing');

      const samples = { sluice: [] as number[], hand: [] as number[], duck1: [] as number[], duckAll: [] as number[] };
      await db.run(duckSql);
      for (let run = 0; run < RUNS; run++) {
        samples.sluice.push(await time(sluice));
        samples.hand.push(await time(() => handWritten(table)));
        await db.run('SET threads = 1');
        samples.duck1.push(await time(() => db.run(duckSql)));
        await db.run('RESET threads');
        samples.duckAll.push(await time(() => db.run(duckSql)));
        progress(
          `run ${run + 1}: Sluice ${samples.sluice.at(-1)!.toFixed(0)} ms, hand-written ${samples.hand.at(-1)!.toFixed(0)} ms, DuckDB ${samples.duck1.at(-1)!.toFixed(0)} ms (1 thread) / ${samples.duckAll.at(-1)!.toFixed(0)} ms (all); load ${loadavg()[0]!.toFixed(2)}`,
        );
      }
      const rate = (ms: number[]) => N / (median(ms) / 1000);
      report({ name: 'selectExpr, 10 expressions, 1M rows', unit: 'rows/s', value: rate(samples.sluice), baseline: { name: 'hand-written JS loops', value: rate(samples.hand) }, target: '≥ 0.5×', better: 'higher' });
      report({ name: 'selectExpr, 10 expressions, 1M rows', unit: 'rows/s', value: rate(samples.sluice), baseline: { name: 'DuckDB, 1 thread', value: rate(samples.duck1) }, better: 'higher' });
      report({ name: 'selectExpr, 10 expressions, 1M rows', unit: 'rows/s', value: rate(samples.sluice), baseline: { name: `DuckDB, all threads`, value: rate(samples.duckAll) }, better: 'higher' });
      progress(`load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    } finally {
      db.closeSync();
      duck.closeSync();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
