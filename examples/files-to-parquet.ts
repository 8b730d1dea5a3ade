/**
 * A files → Parquet pipeline: JSON files landing in `incoming/` are written as Parquet under
 * `out/`, partitioned by day, exactly once; then `readFiles` shows what landed. Run it twice: the
 * second run only adds the files that arrived since, and a crash in between would change nothing.
 *
 *   pnpm tsx examples/files-to-parquet.ts [workDir]     # default: a temp directory
 */
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Table } from 'apache-arrow';
import { availableNow, col, withColumn } from '@sluice/core';
import { readFiles } from '@sluice/formats';
import { fileSource } from '@sluice/sources';
import { fileSink } from '@sluice/sinks';

/** Run the pipeline once over what is in `<work>/incoming` (Trigger.availableNow), then read `<work>/out` back. */
export async function filesToParquet(work: string): Promise<Table> {
  const orders = fileSource({ format: 'json', path: join(work, 'incoming'), schema: 'id LONG, amount DOUBLE, at TIMESTAMP', mode: 'FAILFAST', maxFilesPerTrigger: 2 })
    .pipe(withColumn('day', col('at').cast('date')));
  const query = await orders.writeTo(fileSink({ format: 'parquet', path: join(work, 'out'), partitionBy: ['day'], compression: 'zstd' }), {
    checkpointLocation: join(work, 'checkpoint'),
    trigger: availableNow(),
  });
  await query.awaitTermination();
  return readFiles(join(work, 'out'), { format: 'parquet' });
}

async function land(dir: string, name: string, rows: readonly Record<string, unknown>[]): Promise<void> {
  await writeFile(join(dir, `.${name}.tmp`), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  await rename(join(dir, `.${name}.tmp`), join(dir, name));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const work = process.argv[2] ?? (await mkdtemp(join(tmpdir(), 'sluice-files-to-parquet-')));
  await mkdir(join(work, 'incoming'), { recursive: true });
  const n = (await readdir(join(work, 'incoming'))).length;
  for (let i = n; i < n + 3; i++) {
    await land(join(work, 'incoming'), `orders-${i}.json`, [
      { id: i * 10 + 1, amount: 9.5, at: `2026-03-0${1 + (i % 2)}T08:00:00Z` },
      { id: i * 10 + 2, amount: 20, at: `2026-03-0${1 + (i % 2)}T09:30:00Z` },
    ]);
  }
  const table = await filesToParquet(work);
  console.log(`${table.numRows} rows in ${join(work, 'out')}: ${table.schema.fields.map((f) => `${f.name} ${f.type}`).join(', ')}`);
  console.log(`partitions: ${(await readdir(join(work, 'out'))).filter((d) => d.startsWith('day=')).sort().join(', ')}`);
  console.log(`committed batches: ${(await readdir(join(work, 'out', '_spark_metadata'))).join(', ')}`);
  if (!process.argv[2]) await rm(work, { recursive: true, force: true });
}
