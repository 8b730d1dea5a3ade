import { SluiceError } from '@sluice/core';
import { concatTables, parseByteSize } from '@sluice/core/connector';
import type { DeltaAction, AddFile } from './actions.ts';
import { writeDataFiles, type DeltaFileCompression } from './dataFiles.ts';
import { DeltaLog } from './deltaLog.ts';
import { readDeltaFiles, sortDeltaFiles } from './readDelta.ts';
import { deltaScanPlan } from './scan.ts';
import { checkDeltaWritable } from './tableFeatures.ts';

/** Options of `optimize`: the target and minimum file sizes, and the compression of the files it writes. */
export interface OptimizeOptions {
  /** Size the compacted files aim for: bytes or "256m" (default 1g, Delta's `optimize.maxFileSize`). */
  readonly targetFileSize?: number | string;
  /** Files at least this big are left alone (default: the target size). */
  readonly minFileSize?: number | string;
  readonly compression?: DeltaFileCompression;
}

/** What `optimize` did: files removed and added, and the commit's version. */
export interface OptimizeResult {
  /** The OPTIMIZE commit, or null when there was nothing to compact. */
  readonly version: number | null;
  readonly numFilesRemoved: number;
  readonly numFilesAdded: number;
  readonly numBytesRemoved: number;
  readonly numBytesAdded: number;
}

const GIB = 1024 ** 3;

/**
 * Compact small files (Delta's `OPTIMIZE`, bin-packing): within each partition, files smaller
 * than `minFileSize` are packed into bins of up to `targetFileSize` bytes, and each bin of two or
 * more files is rewritten as one file. One commit replaces them, with `dataChange: false` on
 * every action — the rows are the same, so streaming readers of the table skip the commit.
 * Small files are what frequent streaming commits leave behind.
 *
 * @example
 * const { numFilesRemoved, numFilesAdded } = await optimize('/data/events', { targetFileSize: '256m' });
 */
export async function optimize(path: string, options: OptimizeOptions = {}): Promise<OptimizeResult> {
  const target = bytesOption(options.targetFileSize, GIB, 'targetFileSize');
  const minimum = bytesOption(options.minFileSize, target, 'minFileSize');
  const log = new DeltaLog(path);
  const snapshot = await log.requireLatest();
  checkDeltaWritable(snapshot.protocol, snapshot.metadata, snapshot.deltaSchema, `The Delta table at ${log.tablePath}`);
  const byPartition = new Map<string, AddFile[]>();
  for (const file of sortDeltaFiles(snapshot.files)) {
    if (file.size >= minimum) continue;
    const key = JSON.stringify(snapshot.partitionColumns.map((c) => file.partitionValues[c] ?? null));
    byPartition.set(key, [...(byPartition.get(key) ?? []), file]);
  }
  const bins: AddFile[][] = [];
  for (const files of byPartition.values()) {
    let bin: AddFile[] = [];
    let size = 0;
    for (const file of files) {
      if (bin.length > 0 && size + file.size > target) {
        bins.push(bin);
        bin = [];
        size = 0;
      }
      bin.push(file);
      size += file.size;
    }
    bins.push(bin);
  }
  const compacted = bins.filter((b) => b.length > 1);
  const nothing: OptimizeResult = { version: null, numFilesRemoved: 0, numFilesAdded: 0, numBytesRemoved: 0, numBytesAdded: 0 };
  if (compacted.length === 0) return nothing;

  const plan = deltaScanPlan(snapshot, log.tablePath);
  const now = log.currentTimeMs();
  const actions: DeltaAction[] = [];
  let added = 0;
  let bytesAdded = 0;
  let bytesRemoved = 0;
  for (const bin of compacted) {
    const rows = concatTables(plan.schema, await readDeltaFiles(plan, bin));
    const written = await writeDataFiles(log.tablePath, rows, {
      partitionColumns: snapshot.partitionColumns, maxRecordsPerFile: 0, targetFileSize: 0,
      compression: options.compression ?? 'snappy', now, dataChange: false, fs: log.store.fs,
    });
    for (const file of bin) {
      bytesRemoved += file.size;
      actions.push({
        kind: 'remove',
        remove: {
          path: file.path, deletionTimestamp: now, dataChange: false, extendedFileMetadata: true, partitionValues: file.partitionValues, size: file.size,
          ...(file.deletionVector ? { deletionVector: file.deletionVector } : {}),
        },
      });
    }
    for (const add of written.adds) {
      added++;
      bytesAdded += add.size;
      // The partition strings as the table has them (another writer may have spelled a value differently).
      actions.push({ kind: 'add', add: { ...add, partitionValues: bin[0]!.partitionValues } });
    }
  }
  const removed = compacted.flat();
  const result = await log.commit(snapshot, {
    actions,
    operation: 'OPTIMIZE',
    operationParameters: { predicate: '[]', zOrderBy: '[]' },
    operationMetrics: {
      numRemovedFiles: String(removed.length), numAddedFiles: String(added), numRemovedBytes: String(bytesRemoved), numAddedBytes: String(bytesAdded),
    },
    isBlindAppend: false,
    readDeltaFiles: removed.map((f) => f.path),
  });
  return { version: result.version, numFilesRemoved: removed.length, numFilesAdded: added, numBytesRemoved: bytesRemoved, numBytesAdded: bytesAdded };
}

function bytesOption(value: number | string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const bytes = parseByteSize(value);
  if (bytes === undefined) throw new SluiceError('INVALID_OPTION', `Option '${name}' must be a size such as 268435456 or "256m", got ${JSON.stringify(value)}.`, { details: { option: name } });
  return bytes;
}
