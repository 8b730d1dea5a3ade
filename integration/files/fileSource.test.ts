import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { firstValueFrom, filter as rxFilter } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { QueryManager, availableNow, isSluiceError, readStream, silentLogger, tableFromRows, tableToRows, toSchema, type SluiceError } from '@sluice/core';
import { readFiles, writeParquet } from '@sluice/formats';
import { fileSource } from '@sluice/sources';
import { fileSink, memorySink, memoryTableBatches, memoryTableRows, observableSink } from '@sluice/sinks';
import { jsonLines, landFile, removeTempDirs, tempDir } from './support.ts';

const manager = new QueryManager({ logger: silentLogger });
afterAll(removeTempDirs);
const ids = (rows: Record<string, unknown>[]) => rows.map((r) => Number(r['id'])).sort((a, b) => a - b);

describe('file source in a running query', () => {
  it('a file dropped into the watched directory is processed promptly with the default trigger (watcher, not polling)', async () => {
    const input = await tempDir();
    const sink = observableSink();
    const query = await fileSource({ format: 'json', path: input, schema: 'id LONG' }).writeTo(sink, { manager });
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const processed = firstValueFrom(sink.batches$.pipe(rxFilter((b) => tableToRows(b.table).some((r) => Number(r['id']) === i))));
      const landed = performance.now();
      await landFile(input, `f${i}.json`, jsonLines([{ id: i }]));
      await processed;
      latencies.push(performance.now() - landed);
    }
    await query.stop();
    // The target is 200 ms (bench/files.bench.ts measures it); a loaded CI machine gets slack here.
    expect(Math.min(...latencies)).toBeLessThan(1_000);
    expect(query.lastProgress?.sources[0]?.description).toBe(`FileStreamSource[file:${input}]`);
    expect(query.lastProgress?.sources[0]?.endOffset).toEqual({ logOffset: 4 });
    expect(query.lastProgress?.sources[0]?.metrics).toMatchObject({ numFilesOutstanding: '0', numBytesOutstanding: '0' });
  });

  it('availableNow reads the files present at start in maxFilesPerTrigger batches, then stops; the fluent API reads the same', async () => {
    const input = await tempDir();
    for (let i = 0; i < 5; i++) await landFile(input, `f${i}.json`, jsonLines([{ id: i }, { id: 10 + i }]), 1_000_000 + i);
    const query = await readStream().format('json').schema('id LONG').option('maxFilesPerTrigger', 2).option('fileSettleTime', 0).load(input)
      .writeStream().sink(memorySink()).queryName('files_available_now').trigger(availableNow()).manager(manager).start();
    await query.awaitTermination();
    expect(memoryTableBatches('files_available_now').map((b) => b.table.numRows)).toEqual([4, 4, 2]);
    expect(ids(memoryTableRows('files_available_now'))).toEqual([0, 1, 2, 3, 4, 10, 11, 12, 13, 14]);
  });

  for (const mode of ['delete', 'archive'] as const) {
    it(`cleanSource ${mode}: files of a batch go once the next batch's offsets are durable, never before`, async () => {
      const input = await tempDir();
      const archive = await tempDir();
      const checkpoint = join(await tempDir(), 'ck');
      const options = { format: 'json', path: input, schema: 'id LONG', fileSettleTime: 0, cleanSource: mode, ...(mode === 'archive' ? { sourceArchiveDir: archive } : {}) } as const;
      const start = () => fileSource(options).writeTo(memorySink(), { queryName: `clean_${mode}`, checkpointLocation: checkpoint, manager });
      const a = await landFile(input, 'a.json', jsonLines([{ id: 1 }]));
      let query = await start();
      await query.processAllAvailable();
      expect(await readdir(input)).toEqual(['a.json']); // batch 0 may still be replayed
      await landFile(input, 'b.json', jsonLines([{ id: 2 }]));
      await query.processAllAvailable();
      expect(await readdir(input)).toEqual(['b.json']);
      if (mode === 'archive') expect(await readFile(join(archive, a), 'utf8')).toBe(jsonLines([{ id: 1 }]));
      await query.stop();
      // A restart cleans what the last run committed, and reads nothing twice.
      query = await start();
      await landFile(input, 'c.json', jsonLines([{ id: 3 }]));
      await query.processAllAvailable();
      await query.stop();
      expect(await readdir(input)).toEqual(['c.json']);
      expect(ids(memoryTableRows(`clean_${mode}`))).toEqual([1, 2, 3]);
      if (mode === 'archive') expect((await readdir(join(archive, input))).sort()).toEqual(['a.json', 'b.json']);
    });
  }

  it('bad input: a JSON line that does not parse and a CSV row with the wrong column count go to the _corrupt_record column the schema names in PERMISSIVE mode (the CSV row keeping its values, as Spark)', async () => {
    const json = await tempDir();
    await landFile(json, 'a.json', '{"id": 1}\n{"id": oops\n{"id": 3}\n');
    const q1 = await fileSource({ format: 'json', path: json, schema: 'id LONG, _corrupt_record STRING', fileSettleTime: 0 }).writeTo(memorySink(), { queryName: 'permissive_json', manager });
    await q1.processAllAvailable();
    await q1.stop();
    expect(memoryTableRows('permissive_json')).toEqual([{ id: 1n, _corrupt_record: null }, { id: null, _corrupt_record: '{"id": oops' }, { id: 3n, _corrupt_record: null }]);

    const csv = await tempDir();
    await landFile(csv, 'a.csv', 'id,name\n1,a\n2,b,extra\n3,c\n');
    const q2 = await fileSource({ format: 'csv', path: csv, schema: 'id INT, name STRING, _corrupt_record STRING', header: true, fileSettleTime: 0 }).writeTo(memorySink(), { queryName: 'permissive_csv', manager });
    await q2.processAllAvailable();
    await q2.stop();
    expect(memoryTableRows('permissive_csv')).toEqual([{ id: 1, name: 'a', _corrupt_record: null }, { id: 2, name: 'b', _corrupt_record: '2,b,extra' }, { id: 3, name: 'c', _corrupt_record: null }]);
  });

  const badInputs = [
    { format: 'json', schema: 'id LONG', name: 'bad.json', bad: '{"id": 1}\n{"id": 2\n', good: '{"id": 1}\n{"id": 2}\n', error: /MALFORMED_RECORD.*bad\.json line 2/, code: 'MALFORMED_RECORD' },
    { format: 'csv', schema: 'id INT, name STRING', name: 'bad.csv', bad: '1,a\n2,b,c\n', good: '1,a\n2,b\n', error: /MALFORMED_RECORD.*bad\.csv line 2/, code: 'MALFORMED_RECORD' },
    {
      format: 'parquet', schema: 'id LONG', name: 'bad.parquet',
      bad: writeParquet(tableFromRows(toSchema('id LONG'), [{ id: 1n }, { id: 2n }])).slice(0, 60),
      good: writeParquet(tableFromRows(toSchema('id LONG'), [{ id: 1n }, { id: 2n }])),
      error: /FILE_CORRUPT.*Parquet file .*bad\.parquet/, code: 'FILE_CORRUPT',
    },
  ] as const;
  for (const input of badInputs) {
    it(`bad input: a broken ${input.format} file fails the query (FAILFAST) naming the file, and a restart after fixing it continues exactly once`, async () => {
      const dir = await tempDir();
      const output = await tempDir();
      const checkpoint = join(await tempDir(), 'ck');
      const start = () => fileSource({ format: input.format, path: dir, schema: input.schema, fileSettleTime: 0, maxFilesPerTrigger: 1, ...(input.format === 'parquet' ? {} : { mode: 'FAILFAST' }) })
        .writeTo(fileSink({ format: 'json', path: output }), { checkpointLocation: checkpoint, manager });
      await landFile(dir, `ok.${input.format === 'parquet' ? 'parquet' : input.format}`, input.good);
      await landFile(dir, input.name, input.bad, Date.now() + 60_000); // newer: batch 1, after ok's batch 0 committed
      const query = await start();
      const error = await query.awaitTermination().then(() => undefined, (e: SluiceError) => e);
      expect(isSluiceError(error, input.code as 'FILE_CORRUPT')).toBe(true);
      expect(error!.message).toMatch(input.error);
      expect(error!.message).toContain(join(dir, input.name));
      await writeFile(join(dir, input.name), input.good); // fixed in place
      const restarted = await start();
      await restarted.processAllAvailable();
      await restarted.stop();
      expect(ids(tableToRows(await readFiles(output, { format: 'json', schema: 'id LONG' })))).toEqual([1, 1, 2, 2]);
    });
  }

  it('a logged file removed before its batch ran: FILE_NOT_FOUND, and with ignoreMissingFiles the restart skips it and counts it', async () => {
    const dir = await tempDir();
    const checkpoint = join(await tempDir(), 'ck');
    await landFile(dir, 'a.json', '{"id": 1}\n{"id": 2\n');
    const start = (ignoreMissingFiles: boolean) => fileSource({ format: 'json', path: dir, schema: 'id LONG', mode: 'FAILFAST', fileSettleTime: 0, ignoreMissingFiles })
      .writeTo(memorySink(), { queryName: 'missing_files', checkpointLocation: checkpoint, manager });
    const failing = await start(false);
    await expect(failing.awaitTermination()).rejects.toThrow(/MALFORMED_RECORD/);
    await rm(join(dir, 'a.json')); // removed instead of fixed
    const again = await start(false);
    await expect(again.awaitTermination()).rejects.toThrow(/FILE_NOT_FOUND.*a\.json.*ignoreMissingFiles/);
    const skipping = await start(true);
    await landFile(dir, 'b.json', '{"id": 3}\n');
    await skipping.processAllAvailable();
    await skipping.stop();
    expect(ids(memoryTableRows('missing_files'))).toEqual([3]);
    expect(skipping.recentProgress.find((p) => p.batchId === 0)?.sources[0]?.metrics).toMatchObject({ numFilesMissing: '1' });
  });
});
