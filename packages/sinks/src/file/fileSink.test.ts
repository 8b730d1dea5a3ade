import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { SimulatedCrash } from '@sluice/core/connector';
import { tableFromRows, tableToRows, toSchema } from '@sluice/core';
import { SinkManifest } from '@sluice/formats/internal';
import { readFiles } from '@sluice/formats';
import { fileSink } from './fileSink.ts';
import { batchContext, sinkContext } from '../testing/contexts.ts';

const schema = toSchema('id LONG, kind STRING, score DOUBLE');
const rowsOf = (ids: number[]) => ids.map((id) => ({ id: BigInt(id), kind: id % 3 === 0 ? null : `k${id % 3}`, score: id / 2 }));
const batch = (ids: number[]) => tableFromRows(schema, rowsOf(ids));
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-file-sink-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
let crashed = 0;
const ids = (rows: Record<string, unknown>[]) => rows.map((r) => Number(r['id'])).sort((a, b) => a - b);

describe('file sink', () => {
  it('writes each batch as data files, then records them in _spark_metadata/<batchId> in Spark’s layout', async () => {
    const path = await tempDir();
    const context = sinkContext();
    const sink = await fileSink({ format: 'parquet', path }).open(context);
    await sink.addBatch(0, batch([1, 2, 3]), batchContext(0, context));
    await sink.addBatch(1, batch([]), batchContext(1, context));
    const names = (await readdir(path)).sort();
    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(/^_spark_metadata$/);
    expect(names[1]).toMatch(/^part-00000-[0-9a-f-]{36}\.c000\.snappy\.parquet$/);
    const [version, line, ...rest] = (await readFile(join(path, '_spark_metadata', '0'), 'utf8')).split('\n');
    expect(version).toBe('v1');
    expect(rest).toEqual([]);
    const entry = JSON.parse(line!);
    expect(Object.keys(entry)).toEqual(['path', 'size', 'isDir', 'modificationTime', 'blockReplication', 'blockSize', 'action']);
    expect(entry).toMatchObject({ path: `file://${join(path, names[1]!)}`, isDir: false, blockReplication: 1, action: 'add' });
    // An empty batch writes no data file but is recorded: its id counts for replays.
    expect(await readFile(join(path, '_spark_metadata', '1'), 'utf8')).toBe('v1');
    expect(sink.lastBatchOutputRows?.()).toBe(0);
    expect(ids(tableToRows(await readFiles(path, { format: 'parquet' })))).toEqual([1, 2, 3]);
  });

  it('skips a replayed batch at or below the last recorded id', async () => {
    const path = await tempDir();
    const context = sinkContext();
    const sink = await fileSink({ format: 'json', path }).open(context);
    await sink.addBatch(0, batch([1]), batchContext(0, context));
    await sink.addBatch(1, batch([2]), batchContext(1, context));
    await sink.addBatch(1, batch([2]), batchContext(1, context));
    await sink.addBatch(0, batch([1]), batchContext(0, context));
    // A new sink on the same directory (a restarted query) knows the recorded batches too.
    const reopened = await fileSink({ format: 'json', path }).open(sinkContext());
    await reopened.addBatch(1, batch([2]), batchContext(1, context));
    expect(reopened.metrics?.()).toEqual({ numFilesWritten: '0', numSkippedBatches: '1' });
    expect(ids(tableToRows(await readFiles(path, { format: 'json', schema })))).toEqual([1, 2]);
  });

  it('partitionBy writes Hive-style col=value/ directories, nulls in __HIVE_DEFAULT_PARTITION__, and readFiles adds them back', async () => {
    const path = await tempDir();
    const context = sinkContext();
    const sink = await fileSink({ format: 'csv', path, partitionBy: ['kind'], header: true }).open(context);
    await sink.addBatch(0, batch([1, 2, 3, 4, 5, 6]), batchContext(0, context));
    expect((await readdir(path)).sort()).toEqual(['_spark_metadata', 'kind=__HIVE_DEFAULT_PARTITION__', 'kind=k1', 'kind=k2']);
    const back = await readFiles(path, { format: 'csv', schema: 'id LONG, score DOUBLE, kind STRING', header: true, mode: 'FAILFAST' });
    expect(back.schema.names).toEqual(['id', 'score', 'kind']);
    const rows = tableToRows(back).sort((a, b) => Number(a['id']) - Number(b['id']));
    expect(rows).toEqual(rowsOf([1, 2, 3, 4, 5, 6]).map(({ id, kind, score }) => ({ id, score, kind })));
  });

  it('escapes partition values that cannot stand in a directory name', async () => {
    const path = await tempDir();
    const context = sinkContext();
    const sink = await fileSink({ format: 'json', path, partitionBy: 'kind' }).open(context);
    await sink.addBatch(0, tableFromRows(schema, [{ id: 1n, kind: 'a/b=c%', score: 1 }, { id: 2n, kind: '', score: 2 }]), batchContext(0, context));
    expect((await readdir(path)).sort()).toEqual(['_spark_metadata', 'kind=__HIVE_DEFAULT_PARTITION__', 'kind=a%2Fb%3Dc%25']);
    const rows = tableToRows(await readFiles(path, { format: 'json', schema: 'id LONG, score DOUBLE' }));
    expect(rows.map((r) => r['kind']).sort()).toEqual(['a/b=c%', null]);
  });

  it('compacts the manifest into <id>.compact every compactInterval batches and deletes old batch files; retention drops old entries', async () => {
    const path = await tempDir();
    const context = sinkContext();
    const sink = await fileSink({ format: 'json', path, compactInterval: 5 }).open(context);
    for (let b = 0; b < 12; b++) await sink.addBatch(b, batch([b]), batchContext(b, context));
    expect((await readdir(join(path, '_spark_metadata'))).sort((a, b) => parseInt(a) - parseInt(b))).toEqual(['4.compact', '5', '6', '7', '8', '9.compact', '10', '11']);
    const compact = (await readFile(join(path, '_spark_metadata', '9.compact'), 'utf8')).split('\n');
    expect(compact).toHaveLength(11); // v1 + the 10 files of batches 0–9
    expect(ids(tableToRows(await readFiles(path, { format: 'json', schema })))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(await new SinkManifest(path).latestBatchId()).toBe(11);

    const retained = await tempDir();
    expect(() => fileSink({ format: 'json', path: retained, retention: -1 })).toThrow(/INVALID_OPTION.*retention/);
    const expiring = await fileSink({ format: 'json', path: retained, compactInterval: 3, retention: '1 ms' }).open(context);
    for (let b = 0; b < 3; b++) await expiring.addBatch(b, batch([b]), batchContext(b, context));
    await new Promise((r) => setTimeout(r, 5));
    expect(await readFile(join(retained, '_spark_metadata', '2.compact'), 'utf8')).toBe('v1'); // all three expired at compaction
  });

  it('a crash inside the write leaves files no reader sees, which the next open deletes; the replay writes the batch once', async () => {
    for (const [point, nth] of [['file-written', 1], ['file-written', 2], ['files-written', 1], ['manifest-written', 1]] as const) {
      const path = await tempDir();
      const context = sinkContext();
      const sink = await fileSink({ format: 'parquet', path, partitionBy: ['kind'] }).open(context);
      await sink.addBatch(0, batch([1, 2]), batchContext(0, context));
      await expect(sink.addBatch(1, batch([3, 4, 5, 6]), batchContext(1, context, { crash: { point, nth } }))).rejects.toBeInstanceOf(SimulatedCrash);
      const seen = ids(tableToRows(await readFiles(path, { format: 'parquet' })));
      expect(seen).toEqual(point === 'manifest-written' ? [1, 2, 3, 4, 5, 6] : [1, 2]);
      await writeFile(join(path, 'kind=k1', '.part-00009-x.tmp'), 'half a file');
      const restarted = await fileSink({ format: 'parquet', path, partitionBy: ['kind'] }).open(sinkContext());
      await restarted.addBatch(1, batch([3, 4, 5, 6]), batchContext(1, context));
      expect(ids(tableToRows(await readFiles(path, { format: 'parquet' })))).toEqual([1, 2, 3, 4, 5, 6]);
      const manifest = new Set((await new SinkManifest(path).files()).map((f) => f.file));
      const onDisk = (await readdir(path, { recursive: true })).filter((n) => /part-/.test(n)).map((n) => join(path, n));
      expect(onDisk.sort()).toEqual([...manifest].sort());
    }
  });

  test.prop([
    fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 6 }),
    fc.array(fc.record({ batch: fc.nat(), point: fc.constantFrom('file-written', 'files-written', 'manifest-written'), nth: fc.integer({ min: 1, max: 3 }) }), { maxLength: 4 }),
    fc.constantFrom(0, 7),
  ], { numRuns: 25 })('every row lands exactly once whatever the crashes and replays (random batches, crash points, restarts)', async (sizes, crashes, maxRecordsPerFile) => {
    const path = await tempDir();
    const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
    const input = (b: number) => batch(Array.from({ length: sizes[b]! }, (_, i) => starts[b]! + i));
    const open = () => fileSink({ format: 'parquet', path, partitionBy: ['kind'], compactInterval: 3, maxRecordsPerFile }).open(sinkContext('q'));
    let sink = await open();
    let b = 0;
    const pending = [...crashes];
    while (b < sizes.length) {
      const crash = pending.findIndex((c) => c.batch % sizes.length === b);
      const plan = crash >= 0 ? pending.splice(crash, 1)[0] : undefined;
      try {
        await sink.addBatch(b, input(b), batchContext(b, sinkContext('q'), plan ? { crash: plan } : {}));
        b++;
      } catch (error) {
        expect(error).toBeInstanceOf(SimulatedCrash);
        crashed++;
        sink = await open(); // the engine re-runs batch b after the restart (skipped if it was recorded)
      }
    }
    const total = sizes.reduce((x, y) => x + y, 0);
    // With a schema: a run that wrote no rows has no file to infer one from (Spark's rule too).
    expect(ids(tableToRows(await readFiles(path, { format: 'parquet', schema: 'id LONG, score DOUBLE, kind STRING' })))).toEqual(Array.from({ length: total }, (_, i) => i));
  });

  it('crashed the sink in the property above (it is not vacuous)', () => {
    expect(crashed).toBeGreaterThan(5);
  });

  it('rejects bad options and outputs with clear errors', async () => {
    const path = await tempDir();
    expect(() => fileSink({ format: 'parquet', path, compresion: 'zstd' })).toThrow(/Unknown option 'compresion'|compresion/);
    expect(() => fileSink({ format: 'avro' as 'parquet', path })).toThrow(/UNKNOWN_FORMAT/);
    const context = sinkContext();
    const sink = await fileSink({ format: 'json', path, partitionBy: ['nope'] }).open(context);
    await expect(sink.addBatch(0, batch([1]), batchContext(0, context))).rejects.toThrow(/UNKNOWN_COLUMN.*'nope'/);
    const all = await fileSink({ format: 'json', path, partitionBy: ['id', 'kind', 'score'] }).open(context);
    await expect(all.addBatch(0, batch([1]), batchContext(0, context))).rejects.toThrow(/cannot use all columns/);
    await expect(fileSink({ format: 'json', path }).open({ ...context, outputMode: 'complete' })).rejects.toThrow(/UNSUPPORTED_OUTPUT_MODE/);
  });
});

describe('file sink on a directory that already has a log', () => {
  it("continues the _spark_metadata log it finds (Spark's FileStreamSink does): recorded batch ids are not written again", async () => {
    const path = await tempDir();
    await mkdir(join(path, '_spark_metadata'));
    const spark = (name: string) => JSON.stringify({ path: `file:${join(path, name)}`, size: 1, isDir: false, modificationTime: 1, blockReplication: 1, blockSize: 134217728, action: 'add' });
    await writeFile(join(path, 'part-spark.json'), '{"id":7}\n');
    await writeFile(join(path, '_spark_metadata', '0'), `v1\n${spark('part-spark.json')}`);
    const context = sinkContext();
    const sink = await fileSink({ format: 'json', path }).open(context);
    await sink.addBatch(0, batch([1]), batchContext(0, context)); // already recorded by Spark: skipped
    await sink.addBatch(1, batch([2]), batchContext(1, context));
    expect((await readdir(join(path, '_spark_metadata'))).sort()).toEqual(['0', '1']);
    expect(ids(tableToRows(await readFiles(path, { format: 'json', schema: 'id LONG' })))).toEqual([2, 7]);
  });

  it('continues the _sluice_metadata log an earlier Sluice wrote, and writes no second log beside it', async () => {
    const path = await tempDir();
    const context = sinkContext();
    await mkdir(join(path, '_sluice_metadata'));
    await writeFile(join(path, '_sluice_metadata', '0'), 'v1');
    const sink = await fileSink({ format: 'parquet', path }).open(context);
    await sink.addBatch(0, batch([1]), batchContext(0, context));
    await sink.addBatch(1, batch([2]), batchContext(1, context));
    expect((await readdir(path)).filter((n) => n.startsWith('_'))).toEqual(['_sluice_metadata']);
    expect((await readdir(join(path, '_sluice_metadata'))).sort()).toEqual(['0', '1']);
    expect(ids(tableToRows(await readFiles(path, { format: 'parquet' })))).toEqual([2]);
  });
});
