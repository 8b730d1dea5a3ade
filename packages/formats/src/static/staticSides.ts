import type { StaticSide } from '@sluice/core';
import { DeltaLog } from '../delta/deltaLog.ts';
import { readSnapshot } from '../delta/readDelta.ts';
import { deltaScanPlan } from '../delta/scan.ts';
import { listInputFiles, readFiles, type ReadFilesOptions } from '../files/readFiles.ts';

/**
 * A Delta table as the static side of a stream–static join. Its latest version is checked before
 * every micro-batch and the rows are read again when it moved, as Spark re-plans the batch side
 * of the join each micro-batch: a dimension table updated by another job is seen at its newest
 * commit from the next batch on.
 *
 * @example
 * const countries = await staticDelta('/lake/dim_country');
 * orders.pipe(join(countries, 'country_code', 'left_outer'))
 */
export async function staticDelta(path: string): Promise<StaticSide> {
  const log = new DeltaLog(path);
  const first = await log.requireLatest();
  let seen = first.version;
  return {
    kind: 'static',
    schema: deltaScanPlan(first, log.tablePath).schema,
    description: `delta ${log.tablePath}`,
    version: async () => (seen = await log.latestVersion()),
    load: async () => readSnapshot(await log.snapshotAt(seen), log.tablePath),
  };
}

/**
 * The files of a directory (any format `readFiles` reads) as the static side of a stream–static
 * join. The listing (names, sizes, modification times) is checked before every micro-batch and the
 * rows are read again when it changed. The schema is the first read's (or `options.schema`).
 *
 * @example
 * const products = await staticFiles('/data/products', { format: 'parquet' });
 * sales.pipe(join(products, 'product_id'))
 */
export async function staticFiles(path: string, options: ReadFilesOptions): Promise<StaticSide> {
  const first = await readFiles(path, options);
  const fingerprint = async () => {
    const { files } = await listInputFiles(path, { recursiveFileLookup: options.recursiveFileLookup === true || options.recursiveFileLookup === 'true', ...(options.pathGlobFilter !== undefined ? { pathGlobFilter: options.pathGlobFilter } : {}) });
    return files.map((f) => `${f.path}\u0000${f.size}\u0000${f.modificationTime}`).sort().join('\n');
  };
  return {
    kind: 'static',
    schema: first.schema,
    description: `${options.format} ${path}`,
    version: fingerprint,
    load: () => readFiles(path, { ...options, schema: first.schema }),
  };
}
