import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { SluiceError } from '@sluice/core';
import { parsePartitionDirectory, type PartitionValues } from './partitionPath.ts';

/** One data file found under an input path. */
export interface DataFile {
  /** Absolute local path. */
  readonly path: string;
  readonly size: number;
  /** Modification time, epoch ms (Spark's file timestamp). */
  readonly modificationTime: number;
  /** Values of the `col=value/` directories between the input root and the file. */
  readonly partition: PartitionValues;
}

export interface ListOptions {
  /** Descend into every directory (no partition columns), not only `col=value/` ones (Spark's recursiveFileLookup). */
  readonly recursiveFileLookup?: boolean;
  /** Only files whose name matches this glob, e.g. `*.json` (Spark's pathGlobFilter). */
  readonly pathGlobFilter?: string;
}

/**
 * Spark's rule for names that are not data: `_x` (metadata, `_SUCCESS`, `_spark_metadata`) unless
 * it is a partition directory, `.x` (hidden and temp files of writers that rename), `x._COPYING_`
 * (`hdfs dfs -put` in progress).
 */
export function isHiddenName(name: string): boolean {
  return (name.startsWith('_') && !name.includes('=')) || name.startsWith('.') || name.endsWith('._COPYING_');
}

const GLOB_CHARS = /[*?[\]{}]/;

/** Whether an input path is a glob pattern rather than a directory or file. */
export function isGlobPath(path: string): boolean {
  return GLOB_CHARS.test(path);
}

/** The directory a glob starts from (`/in/*\/x` → `/in`); a plain path is itself. */
export function globBase(path: string): string {
  const absolute = resolve(path);
  if (!isGlobPath(absolute)) return absolute;
  const segments = absolute.split(sep);
  const first = segments.findIndex((s) => isGlobPath(s));
  return segments.slice(0, first).join(sep) || sep;
}

/**
 * The data files under `path` (a directory, a file, or a glob such as `/in/*\/day=*`), sorted by
 * path. Partition directories (`col=value/`) are descended into and their values recorded;
 * hidden names are skipped. A path that does not exist lists nothing.
 *
 * @example await listDataFiles('/data/incoming', { pathGlobFilter: '*.json' })
 */
export async function listDataFiles(path: string, options: ListOptions = {}): Promise<DataFile[]> {
  const accept = options.pathGlobFilter === undefined ? () => true : picomatch(options.pathGlobFilter, { dot: true });
  const out: DataFile[] = [];
  for (const root of await expandGlob(resolve(path))) {
    const info = await statOrUndefined(root);
    if (info === undefined) continue;
    if (info.isFile()) {
      if (accept(basename(root))) out.push({ path: root, size: info.size, modificationTime: Math.floor(info.mtimeMs), partition: {} });
      continue;
    }
    if (info.isDirectory()) await walk(root, {}, options.recursiveFileLookup === true, accept, out);
  }
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out;
}

async function walk(dir: string, partition: PartitionValues, recursive: boolean, accept: (name: string) => boolean, out: DataFile[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isGone(error)) return; // removed while listing: it has no files now
    throw listError(dir, error);
  }
  await Promise.all(entries.map(async (entry) => {
    if (isHiddenName(entry.name)) return;
    const full = join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    let info;
    if (entry.isSymbolicLink() || isFile) {
      info = await statOrUndefined(full);
      if (info === undefined) return;
      isDir = info.isDirectory();
      isFile = info.isFile();
    }
    if (isDir) {
      if (recursive) return walk(full, partition, true, accept, out);
      const parsed = parsePartitionDirectory(entry.name);
      if (parsed) return walk(full, { ...partition, [parsed.column]: parsed.value }, false, accept, out);
      return;
    }
    if (isFile && info && accept(entry.name)) out.push({ path: full, size: info.size, modificationTime: Math.floor(info.mtimeMs), partition });
  }));
}

/** The existing paths a glob matches, segment by segment; a plain path is itself. */
async function expandGlob(path: string): Promise<string[]> {
  if (!isGlobPath(path)) return [path];
  const segments = path.split(sep);
  let current = [segments[0] === '' ? sep : segments[0]!];
  for (const segment of segments.slice(1)) {
    if (segment === '') continue;
    if (!isGlobPath(segment)) {
      current = current.map((p) => join(p, segment));
      continue;
    }
    const match = picomatch(segment, { dot: false });
    const next: string[] = [];
    for (const dir of current) {
      const names = await readdir(dir).catch((error: unknown) => {
        if (isGone(error)) return [] as string[];
        throw listError(dir, error);
      });
      for (const name of names.sort()) if (!isHiddenName(name) && match(name)) next.push(join(dir, name));
    }
    current = next;
  }
  return current;
}

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    if (isGone(error)) return undefined;
    throw listError(path, error);
  }
}

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function listError(path: string, error: unknown): SluiceError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return new SluiceError('SOURCE_FAILED', `Cannot list ${path}: ${code} (${(error as Error).message}). Check that the path exists and is readable.`, {
    cause: error,
    details: { path, errno: code },
  });
}
