/**
 * FileStreamSourceSuite's option scenarios: maxFilesPerTrigger (and its bad values), Trigger.Once
 * and AvailableNow over a checkpoint, latestFirst, maxFileAge, cleanSource delete/archive and the
 * archive directory's rules, modifiedBefore/After — real files, the real file source.
 */
import { expect } from 'vitest';
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { availableNow, filter, isSluiceError, once, processingTime, QueryManager, readStream, silentLogger, tableToRows, type StreamFrame } from '@sluice/core';
import { memoryTableBatches, memoryTableRows } from '@sluice/sinks';
import '@sluice/sources';
import { addTextFileData, tempDirs, writeTextFile } from '../harness/fileData.ts';
import { suite } from '../harness/scenario.ts';
import { advanceManualClock, checkAnswer, checkLastBatch, execute, expectFailure, testStream } from '../harness/streamTest.ts';

const spark = suite('FileStreamSourceSuite');
const keep = filter("contains(value, 'keep')");
const manager = new QueryManager({ logger: silentLogger });
let tables = 0;

/** Spark's createFile(data): `<data>.txt` holding the number, each one second newer than the last. */
function fileMaker(src: string) {
  let lastModified: number | undefined;
  return async (data: number) => {
    const file = join(src, `${data}.txt`);
    await writeFile(file, String(data));
    lastModified = lastModified === undefined ? Math.floor(Date.now() / 1000) : lastModified + 1;
    await utimes(file, lastModified, lastModified);
  };
}

function errorOf(body: () => unknown): unknown {
  try {
    body();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
}

spark.scenario('max files per trigger', async () => {
  const { src, root } = await tempDirs();
  const createFile = fileMaker(src);
  await createFile(1);
  await createFile(2);
  await createFile(3);
  const table = `file_data_${++tables}`;
  // Files are added while the query is stopped, then it resumes from its checkpoint: a running
  // query's next trigger could list a directory half-way through a group of files, which makes
  // the batch boundaries Spark's test counts depend on timing (Spark's test has that race too).
  const start = () => readStream().option('maxFilesPerTrigger', 2).format('text').load(src)
    .writeStream().format('memory').queryName(table).option('checkpointLocation', join(root, 'checkpoint')).manager(manager).start();
  let q = await start();
  try {
    await q.processAllAvailable();
    const batches = () => memoryTableBatches(table).filter((b) => b.table.numRows > 0);
    const lastBatch = () => tableToRows(batches().at(-1)!.table).map((r) => Number(r['value']));
    const allData = () => memoryTableRows(table).map((r) => Number(r['value'])).sort((a, b) => a - b);
    let lastBatchId = batches().at(-1)!.batchId;
    const checkNumBatchesSinceLastCheck = (n: number) => {
      expect(batches().at(-1)!.batchId).toBe(lastBatchId + n);
      lastBatchId = batches().at(-1)!.batchId;
    };
    const addFiles = async (values: number[]) => {
      await q.stop();
      for (const n of values) await createFile(n);
      q = await start();
      await q.processAllAvailable();
    };
    expect(lastBatch()).toEqual([3]); // (1, 2) in the first batch, 3 in the last
    expect(allData()).toEqual([1, 2, 3]);
    await addFiles([4, 5, 6, 7]);
    checkNumBatchesSinceLastCheck(2);
    expect(lastBatch().sort()).toEqual([6, 7]);
    expect(allData()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await addFiles([8, 9, 10, 11, 12]);
    checkNumBatchesSinceLastCheck(3);
    expect(lastBatch()).toEqual([12]);
    expect(allData()).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  } finally {
    await q.stop();
  }
});

spark.scenario('max files per trigger - incorrect values', async () => {
  const { src } = await tempDirs();
  for (const value of ['not-a-integer', '-1', '0', '10.1']) {
    const error = errorOf(() => readStream().option('maxFilesPerTrigger', value).format('text').load(src));
    expect(isSluiceError(error, 'INVALID_OPTION'), String(error)).toBe(true);
    for (const s of ['maxFilesPerTrigger', value, 'positive integer']) expect(String(error)).toContain(s);
  }
});

spark.scenario('SPARK-18433: Improve DataSource option keys to be more case-insensitive', async () => {
  const { src } = await tempDirs();
  const createFile = fileMaker(src);
  for (const n of [1, 2, 3]) await createFile(n);
  const table = `case_insensitive_${++tables}`;
  const q = await readStream().option('maxfilespertrigger', '1').format('text').load(src).writeStream().format('memory').queryName(table).manager(manager).start();
  try {
    await q.processAllAvailable();
  } finally {
    await q.stop();
  }
  expect(memoryTableBatches(table).filter((b) => b.table.numRows > 0).map((b) => tableToRows(b.table).map((r) => r['value']))).toEqual([['1'], ['2'], ['3']]);
});

spark.scenario('SPARK-36533: Trigger.AvailableNow - multiple queries with checkpoint', async () => {
  const { root, src } = await tempDirs();
  const checkpoint = join(root, 'chk');
  const createFile = fileMaker(src);
  for (const n of [1, 2, 3]) await createFile(n);
  const df = () => readStream().option('maxFilesPerTrigger', 1).format('text').load(src);
  const run = async (trigger: ReturnType<typeof once>, onBatch: (values: string[]) => void) => {
    const q = await df().writeStream().foreachBatch((table) => onBatch(tableToRows(table).map((r) => String(r['value'])))).trigger(trigger).option('checkpointLocation', checkpoint).manager(manager).start();
    await q.awaitTermination();
    if (q.exception) throw q.exception;
  };
  // Once first: every file there in one batch (maxFilesPerTrigger ignored).
  const onceBatches: string[][] = [];
  await run(once(), (v) => onceBatches.push(v));
  expect(onceBatches.filter((b) => b.length > 0).map((b) => b.sort())).toEqual([['1', '2', '3']]);
  // AvailableNow honours maxFilesPerTrigger: one row per batch.
  let index = 3;
  const oneEach = (values: string[]) => {
    if (values.length === 0) return;
    index += 1;
    expect(values).toEqual([String(index)]);
  };
  await createFile(4);
  await createFile(5);
  await run(availableNow(), oneEach);
  expect(index).toBe(5);
  await createFile(6);
  await createFile(7);
  await run(availableNow(), oneEach);
  expect(index).toBe(7);
});

/** Spark's runTwoBatchesAndVerifyResults: maxFilesPerTrigger 1 on a manual clock, one batch per 10 ms trigger. */
async function runTwoBatches(src: string, options: Record<string, unknown>, firstBatch: string, secondBatch: string): Promise<void> {
  const stream: StreamFrame = readStream().format('text').options({ maxFilesPerTrigger: '1', ...options }).load(src);
  await testStream(stream, { trigger: processingTime(10) },
    checkLastBatch(firstBatch),
    advanceManualClock(10),
    checkLastBatch(secondBatch));
}

spark.scenario('FileStreamSource - latestFirst', async () => {
  const { src } = await tempDirs();
  await writeFile(join(src, '1.txt'), '1');
  await writeFile(join(src, '2.txt'), '2');
  const now = Date.now() / 1000;
  await utimes(join(src, '1.txt'), now, now);
  await utimes(join(src, '2.txt'), now + 1, now + 1);
  await runTwoBatches(src, { latestFirst: 'false' }, '1', '2');
  await runTwoBatches(src, { latestFirst: 'true' }, '2', '1');
});

spark.scenario('SPARK-19813: Ignore maxFileAge when maxFilesPerTrigger and latestFirst is used', async () => {
  const { src } = await tempDirs();
  await writeFile(join(src, '1.txt'), '1');
  await writeFile(join(src, '2.txt'), '2');
  const now = Date.now() / 1000;
  await utimes(join(src, '1.txt'), now, now);
  await utimes(join(src, '2.txt'), now + 3600, now + 3600);
  await runTwoBatches(src, { latestFirst: 'true', maxFileAge: '1m' }, '2', '1');
});

const removed = async (dir: string, prefix: string) => !(await readdir(dir)).some((n) => n.startsWith(prefix));

spark.scenario('remove completed files when remove option is enabled', async () => {
  const { src, tmp } = await tempDirs();
  const stream = readStream().format('text').options({ latestFirst: 'false', maxFilesPerTrigger: '1', cleanSource: 'delete' }).load(src).pipe(keep);
  await testStream(stream, {},
    addTextFileData('keep1', src, tmp, 'keep1'),
    checkAnswer('keep1'),
    execute(async () => expect(await removed(src, 'keep1')).toBe(false)),
    addTextFileData('keep2', src, tmp, 'ke ep2 %'),
    checkAnswer('keep1', 'keep2'),
    execute(async () => {
      expect(await removed(src, 'keep1')).toBe(true);
      expect(await removed(src, 'ke ep2 %')).toBe(false);
    }),
    addTextFileData('keep3', src, tmp, 'keep3'),
    checkAnswer('keep1', 'keep2', 'keep3'),
    execute(async () => {
      expect(await removed(src, 'ke ep2 %')).toBe(true);
      expect(await removed(src, 'keep3')).toBe(false);
    }));
});

spark.scenario('move completed files to archive directory when archive option is enabled', async () => {
  const { root, src, tmp } = await tempDirs();
  const archiveDir = join(root, 'archive');
  await mkdir(archiveDir);
  const stream = readStream().format('text').options({ latestFirst: 'false', maxFilesPerTrigger: '1', cleanSource: 'archive', sourceArchiveDir: archiveDir }).load(`${src}/*/*`).pipe(keep);
  const dirForKeep1 = join(src, 'k %1');
  const dirForKeep2 = join(dirForKeep1, 'k 2');
  const dirForKeep3 = join(src, 'k3');
  const moved = (dir: string) => join(archiveDir, dir);
  const isMoved = async (dir: string, prefix: string) => {
    expect(await removed(dir, prefix)).toBe(true);
    expect((await readdir(moved(dir))).some((n) => n.startsWith(prefix))).toBe(true);
  };
  const isNotMoved = async (dir: string, prefix: string) => {
    expect(await removed(dir, prefix)).toBe(false);
    expect((await readdir(moved(dir)).catch(() => [] as string[])).some((n) => n.startsWith(prefix))).toBe(false);
  };
  await testStream(stream, {},
    addTextFileData('keep1', dirForKeep1, tmp, 'keep1'),
    checkAnswer('keep1'),
    execute(() => isNotMoved(dirForKeep1, 'keep1')),
    addTextFileData('keep2', dirForKeep2, tmp, 'keep2 %'),
    checkAnswer('keep1', 'keep2'),
    execute(async () => {
      await isMoved(dirForKeep1, 'keep1');
      await isNotMoved(dirForKeep2, 'keep2 %');
    }),
    addTextFileData('keep3', dirForKeep3, tmp, 'keep3'),
    checkAnswer('keep1', 'keep2', 'keep3'),
    execute(async () => {
      await isMoved(dirForKeep2, 'keep2 %');
      await isNotMoved(dirForKeep3, 'keep3');
    }),
    addTextFileData('keep4', dirForKeep3, tmp, 'keep4'),
    checkAnswer('keep1', 'keep2', 'keep3', 'keep4'),
    execute(async () => {
      await isMoved(dirForKeep3, 'keep3');
      await isNotMoved(dirForKeep3, 'keep4');
    }));
});

for (const cleanOption of ['delete', 'archive']) {
  spark.scenario(`Throw UnsupportedOperationException on configuring ${cleanOption} when source path refers the output dir of FileStreamSink`, async () => {
    const { root, src, tmp } = await tempDirs();
    const archiveDir = join(root, 'archive');
    const options = { latestFirst: 'false', maxFilesPerTrigger: '1', cleanSource: cleanOption, ...(cleanOption === 'archive' ? { sourceArchiveDir: archiveDir } : {}) };
    const stream = readStream().format('text').options(options).load(src).pipe(keep);
    await testStream(stream, {},
      // The sink log appears after the query started: Spark's AddFilesToFileStreamSinkLog.
      execute(async () => {
        const file = await writeTextFile('keep1', src, tmp, 'keep1');
        await mkdir(join(src, '_spark_metadata'));
        const status = { path: pathToFileURL(file).href, size: 5, isDir: false, modificationTime: Date.now(), blockReplication: 1, blockSize: 33554432, action: 'add' };
        await writeFile(join(src, '_spark_metadata', '0'), `v1\n${JSON.stringify(status)}`);
      }),
      expectFailure((error) => expect(error.message).toContain('Clean up source files is not supported')));
  });
}

spark.scenario('SourceFileArchiver - fail when base archive path matches source pattern', async () => {
  const cases = [
    ['/hello*/spar?', '/hello/spark/structured/streaming'],
    ['/hello*/spar?/structured/streaming', '/hello/spark/structured'],
    ['/hello*/spar?/structured/*', '/hello/spark/structured/streaming'],
  ];
  for (const [sourcePattern, archive] of cases) {
    const error = errorOf(() => readStream().format('text').options({ cleanSource: 'archive', sourceArchiveDir: archive }).load(sourcePattern));
    expect(isSluiceError(error, 'INVALID_OPTION'), `${sourcePattern} / ${archive}: ${String(error)}`).toBe(true);
  }
});

spark.scenario('SPARK-31962: file stream source shouldn\'t allow modifiedBefore/modifiedAfter', async () => {
  const { src } = await tempDirs();
  const future = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 19);
  const past = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 19);
  for (const options of [{ modifiedBefore: future }, { modifiedAfter: past }, { modifiedBefore: future, modifiedAfter: past }]) {
    const error = errorOf(() => readStream().format('csv').option('timeZone', 'UTC').schema('a STRING').options(options).load(src));
    expect(String(error)).toContain('is not allowed in file stream source');
  }
});
