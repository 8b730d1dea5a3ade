/**
 * Parquet on one 1 M-row table (int64 id, timestamp-ms, 10-char string, double), snappy, in one
 * run: Sluice's codec (parquet-wasm, split over a worker per core) against DuckDB's
 * `COPY … TO/FROM parquet` (issue targets: write ≥ 0.8×, read ≥ 1.0×), then the library
 * comparison: parquet-wasm against hyparquet + hyparquet-writer (pure JS).
 *
 * What each side does, so the ratios are fair:
 * - Sluice write: Arrow table in memory → file on disk (writeParquetFile: slices encoded on the
 *   workers, each written to the file as soon as it and those before it are ready).
 * - DuckDB write: the same rows already in a DuckDB table → `COPY t TO file`.
 * - Sluice read: file → Arrow table (readParquetFile: the footer read on the main thread, each
 *   worker reading and decoding its own row groups).
 * - DuckDB read: file → a materialised DuckDB table (`CREATE TABLE … AS SELECT * FROM read_parquet`).
 * Both sides use every core: DuckDB its threads, Sluice its worker pool. The same DuckDB steps
 * with `SET threads = 1` are reported too, so a loaded machine's effect on the ratio shows.
 * One warm-up round (worker start-up, wasm heaps growing, DuckDB caches) is not counted; the
 * figures are medians of RUNS rounds, since this machine is shared and noisy.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { closeParquetWorkers, readParquet, readParquetFile, writeParquet, writeParquetFile } from '@sluice/formats';
import { toSchema } from '@sluice/core';
import { utf8Vector } from '@sluice/core/connector';
import { RecordBatch, Struct, Table, makeData } from 'apache-arrow';
import { parquetRead } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { median, type Bench } from './lib/bench.ts';

const N = 1_000_000;
const RUNS = 7;
/** The library comparison keeps to five rounds: hyparquet takes seconds per round. */
const LIB_RUNS = 5;

function makeTable(): Table {
  const schema = toSchema('id LONG, ts TIMESTAMP, name STRING, value DOUBLE');
  const id = new BigInt64Array(N);
  const ts = new BigInt64Array(N);
  const value = new Float64Array(N);
  const names = new Array<string>(N);
  for (let i = 0; i < N; i++) {
    id[i] = BigInt(i);
    ts[i] = BigInt(1_700_000_000_000 + i * 37);
    value[i] = i * 1.25;
    names[i] = `n${String(i * 7919 % 1_000_000_007).padStart(9, '0')}`.slice(0, 10);
  }
  const [fid, fts, , fvalue] = schema.fields;
  const children = [
    makeData({ type: fid!.type, length: N, data: id }),
    makeData({ type: fts!.type, length: N, data: ts }),
    utf8Vector(names).data[0]!,
    makeData({ type: fvalue!.type, length: N, data: value }),
  ];
  return new Table([new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: N, nullCount: 0, children: children as never }))]);
}

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export const bench: Bench = {
  name: 'Parquet codec vs DuckDB, and parquet-wasm vs hyparquet',
  async run({ report, progress }) {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-parquet-bench-'));
    const duck = await DuckDBInstance.create(':memory:');
    const db = await duck.connect();
    try {
      const table = makeTable();
      const ours = join(dir, 'sluice.parquet');
      const theirs = join(dir, 'duckdb.parquet');
      await writeFile(ours, writeParquet(table));
      await db.run(`CREATE TABLE t AS SELECT id, ts::TIMESTAMP AS ts, name, value FROM read_parquet('${ours}')`);
      progress('table ready in Arrow and in DuckDB');

      const samples = { sw: [] as number[], dw: [] as number[], sr: [] as number[], dr: [] as number[], dw1: [] as number[], dr1: [] as number[] };
      const duckWrite = () => db.run(`COPY t TO '${theirs}' (FORMAT parquet, COMPRESSION snappy)`);
      const duckRead = () => db.run(`CREATE OR REPLACE TABLE r AS SELECT * FROM read_parquet('${theirs}')`);
      const sluiceWrite = () => writeParquetFile(ours, table, { compression: 'snappy' });
      const sluiceRead = async () => (await readParquetFile(theirs)).numRows;
      await sluiceWrite();
      await duckWrite();
      await sluiceRead();
      await duckRead();
      for (let run = 0; run < RUNS; run++) {
        samples.sw.push(await time(sluiceWrite));
        samples.dw.push(await time(duckWrite));
        let rows = 0;
        samples.sr.push(await time(async () => { rows = await sluiceRead(); }));
        if (rows !== N) throw new Error(`read ${rows} rows`);
        samples.dr.push(await time(duckRead));
        await db.run('SET threads = 1');
        samples.dw1.push(await time(duckWrite));
        samples.dr1.push(await time(duckRead));
        await db.run('RESET threads');
        progress(`run ${run + 1}: write ${samples.sw.at(-1)!.toFixed(0)} ms vs DuckDB ${samples.dw.at(-1)!.toFixed(0)} ms (1 thread ${samples.dw1.at(-1)!.toFixed(0)}); read ${samples.sr.at(-1)!.toFixed(0)} ms vs DuckDB ${samples.dr.at(-1)!.toFixed(0)} ms (1 thread ${samples.dr1.at(-1)!.toFixed(0)})`);
      }
      const rate = (ms: number[]) => N / (median(ms) / 1000);
      report({ name: 'Parquet write 1M rows (snappy)', unit: 'rows/s', value: rate(samples.sw), baseline: { name: 'DuckDB COPY TO', value: rate(samples.dw) }, target: '≥ 0.8×', better: 'higher' });
      report({ name: 'Parquet read 1M rows (DuckDB-written file)', unit: 'rows/s', value: rate(samples.sr), baseline: { name: 'DuckDB read_parquet', value: rate(samples.dr) }, target: '≥ 1.0×', better: 'higher' });
      report({ name: 'Parquet write 1M rows, vs 1-thread DuckDB', unit: 'rows/s', value: rate(samples.sw), baseline: { name: 'DuckDB COPY TO, threads=1', value: rate(samples.dw1) }, better: 'higher' });
      report({ name: 'Parquet read 1M rows, vs 1-thread DuckDB', unit: 'rows/s', value: rate(samples.sr), baseline: { name: 'DuckDB read_parquet, threads=1', value: rate(samples.dr1) }, better: 'higher' });

      // Library comparison: in-memory bytes ⇄ columns, no disk.
      const ids = Array.from(table.getChild('id')!.toArray() as BigInt64Array);
      const dates = Array.from(table.getChild('ts')!.toArray() as BigInt64Array, (v) => new Date(Number(v)));
      const names = Array.from(table.getChild('name')!) as string[];
      const values = table.getChild('value')!.toArray() as Float64Array;
      const lib = { pw: [] as number[], hw: [] as number[], pr: [] as number[], hr: [] as number[] };
      let hyBytes: ArrayBuffer = new ArrayBuffer(0);
      let pwBytes: Uint8Array = new Uint8Array();
      for (let run = 0; run < LIB_RUNS; run++) {
        lib.pw.push(await time(() => { pwBytes = writeParquet(table); }));
        lib.hw.push(await time(() => {
          hyBytes = parquetWriteBuffer({
            columnData: [
              { name: 'id', data: ids, type: 'INT64' },
              { name: 'ts', data: dates, type: 'TIMESTAMP' },
              { name: 'name', data: names, type: 'STRING' },
              { name: 'value', data: values, type: 'DOUBLE' },
            ],
            rowGroupSize: N,
          });
        }));
        lib.pr.push(await time(() => readParquet(pwBytes)));
        lib.hr.push(await time(() => new Promise<void>((resolve, reject) => {
          parquetRead({ file: pwBytes.buffer.slice(pwBytes.byteOffset, pwBytes.byteOffset + pwBytes.byteLength) as ArrayBuffer, onChunk: () => {}, onComplete: () => resolve() }).catch(reject);
        })));
        progress(`libs run ${run + 1}: write parquet-wasm ${lib.pw.at(-1)!.toFixed(0)} ms vs hyparquet-writer ${lib.hw.at(-1)!.toFixed(0)} ms; read ${lib.pr.at(-1)!.toFixed(0)} ms vs hyparquet ${lib.hr.at(-1)!.toFixed(0)} ms`);
      }
      if (hyBytes.byteLength === 0) throw new Error('hyparquet wrote nothing');
      report({ name: 'lib write: parquet-wasm (Arrow in)', unit: 'rows/s', value: rate(lib.pw), baseline: { name: 'hyparquet-writer (JS arrays in)', value: rate(lib.hw) }, better: 'higher' });
      report({ name: 'lib read: parquet-wasm (Arrow out)', unit: 'rows/s', value: rate(lib.pr), baseline: { name: 'hyparquet (JS columns out)', value: rate(lib.hr) }, better: 'higher' });
    } finally {
      await closeParquetWorkers();
      db.closeSync();
      duck.closeSync();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
