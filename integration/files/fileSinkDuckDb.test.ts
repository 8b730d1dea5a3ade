/**
 * DuckDB, an independent reader, reads what the file sink committed — through the manifest's file
 * list, with Hive partitioning — and sees the same rows as `readFiles`; files left by a crashed
 * write are in the directory but in neither answer.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { QueryManager, once, silentLogger, tableToRows } from '@sluice/core';
import { SimulatedCrash } from '@sluice/core/connector';
import { SinkManifest } from '@sluice/formats/internal';
import { readFiles } from '@sluice/formats';
import { memoryStream } from '@sluice/sources';
import '@sluice/sinks';
import { removeTempDirs, tempDir } from './support.ts';

const manager = new QueryManager({ logger: silentLogger });
afterAll(removeTempDirs);

describe('the file sink’s Parquet, read by DuckDB', () => {
  it('DuckDB reads the committed files (hive partitions) with the same rows as readFiles; crash leftovers are not in the manifest', async () => {
    const out = await tempDir();
    const checkpoint = join(await tempDir(), 'ck');
    const input = memoryStream('id LONG, day DATE, kind STRING, score DOUBLE, ts TIMESTAMP');
    const rows = Array.from({ length: 50 }, (_, i) => ({
      id: BigInt(i), day: Date.UTC(2024, 0, 1 + (i % 3)), kind: i % 4 === 0 ? null : `k${i % 2}`, score: i / 4, ts: 1_700_000_000_000 + i * 1000,
    }));
    const start = (faults?: { at(p: string, ph: string, b: number): void }) => {
      const writer = input.toFrame().writeStream().format('parquet').partitionBy('day', 'kind').option('compression', 'zstd')
        .option('checkpointLocation', checkpoint).trigger(once()).manager(manager);
      return (faults ? writer.faults(faults) : writer).start(out);
    };
    input.addData(rows.slice(0, 30));
    await (await start()).awaitTermination();
    input.addData(rows.slice(30));
    // Crash after some files of batch 1 are published: they are on disk, not in the manifest.
    let files = 0;
    const crashing = await start({ at: (p) => { if (p === 'sink:file-written' && ++files === 2) throw new SimulatedCrash('sink:file-written'); } });
    await expect(crashing.awaitTermination()).rejects.toThrow(/Simulated crash/);
    const committedBefore = (await new SinkManifest(out).files()).map((f) => f.file);
    const onDisk = (await readdir(out, { recursive: true })).filter((n) => n.endsWith('.parquet')).map((n) => join(out, n));
    expect(onDisk.length).toBeGreaterThan(committedBefore.length);

    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    try {
      const list = (files: string[]) => `[${files.map((f) => `'${f}'`).join(', ')}]`;
      const query = (files: string[]) => `SELECT id, day::VARCHAR AS day, kind, score, epoch_ms(ts) AS ts FROM read_parquet(${list(files)}, hive_partitioning = true) ORDER BY id`;
      const duck = async (files: string[]): Promise<Record<string, unknown>[]> => (await db.runAndReadAll(query(files))).getRowObjectsJS().map((r) => ({ ...r, kind: r['kind'] === '__HIVE_DEFAULT_PARTITION__' ? null : r['kind'] }));
      const ours = async () => tableToRows(await readFiles(out, { format: 'parquet' }))
        .map((r) => ({ id: r['id'], day: new Date(r['day'] as number).toISOString().slice(0, 10), kind: r['kind'], score: r['score'], ts: BigInt(r['ts'] as number) }))
        .sort((a, b) => Number(a.id) - Number(b.id));
      expect(await duck(committedBefore)).toEqual(await ours());
      expect((await ours()).map((r) => Number(r.id))).toEqual(Array.from({ length: 30 }, (_, i) => i));

      // Restart: orphans cleaned, batch 1 written once; DuckDB and readFiles agree on all 50 rows.
      await (await start()).awaitTermination();
      const committed = (await new SinkManifest(out).files()).map((f) => f.file);
      expect((await readdir(out, { recursive: true })).filter((n) => n.endsWith('.parquet')).map((n) => join(out, n)).sort()).toEqual([...committed].sort());
      const all = await duck(committed);
      expect(all).toEqual(await ours());
      expect(all.map((r) => Number(r['id']))).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(all[1]).toEqual({ id: 1n, day: '2024-01-02', kind: 'k1', score: 0.25, ts: 1_700_000_001_000n });
    } finally {
      db.closeSync();
      instance.closeSync();
    }
    await writeFile(join(out, 'not-ours.txt'), 'left alone'); // the sink only ever deletes its own names
    await (await start()).awaitTermination();
    expect(await readdir(out)).toContain('not-ours.txt');
  });
});
