import type { ReadLimit } from '@sluice/core/connector';
import type { DataFile } from '@sluice/formats/internal';

/** Admission order: oldest first (newest with `latestFirst`), ties by path, so replays and restarts agree. */
export function admissionOrder(files: DataFile[], latestFirst: boolean): DataFile[] {
  const order = latestFirst ? -1 : 1;
  return files.sort((a, b) => order * (a.modificationTime - b.modificationTime) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The head of `candidates` a read limit admits: maxFiles files, or files up to maxBytes (always at least one). */
export function withinLimit(candidates: readonly DataFile[], limit: ReadLimit): DataFile[] {
  const maxFiles = limitOf(limit, 'maxFiles');
  const maxBytes = limitOf(limit, 'maxBytes');
  if (maxFiles !== undefined) return candidates.slice(0, maxFiles);
  if (maxBytes !== undefined) {
    let bytes = 0;
    let n = 0;
    // Always at least one file, even one larger than the limit (Spark's rule): a big file never blocks the stream.
    while (n < candidates.length && (n === 0 || bytes + candidates[n]!.size <= maxBytes)) bytes += candidates[n++]!.size;
    return candidates.slice(0, n);
  }
  return candidates.slice();
}

function limitOf(limit: ReadLimit, kind: 'maxFiles' | 'maxBytes'): number | undefined {
  if (limit.kind === 'maxFiles' && kind === 'maxFiles') return limit.maxFiles;
  if (limit.kind === 'maxBytes' && kind === 'maxBytes') return limit.maxBytes;
  if (limit.kind === 'composite') {
    const values = limit.limits.map((l) => limitOf(l, kind)).filter((v): v is number => v !== undefined);
    return values.length === 0 ? undefined : Math.min(...values);
  }
  return undefined;
}
