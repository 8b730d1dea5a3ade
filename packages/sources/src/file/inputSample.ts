import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import picomatch from 'picomatch';
import { isHiddenName, parsePartitionDirectory, type PartitionValues } from '@sluice/formats/internal';

/** What the input looks like when the query is defined: its partition directories and some files. */
export interface InputSample {
  readonly partitions: PartitionValues[];
  readonly files: { readonly file: string; readonly bytes: Uint8Array }[];
}

/** Enough files to see the partition columns and infer a schema, without walking a huge tree synchronously. */
const MAX_SAMPLE_FILES = 100;

/**
 * A synchronous look at the input directory when the stream is defined (a stream's schema is
 * known before it starts, as in Spark): the partition values of the files there, and — for
 * `inferSchema` — the bytes of up to 100 of them. A directory that does not exist yet is empty.
 * With a glob path, directories are walked from the glob's fixed prefix and files outside the glob
 * are left out.
 */
export function sampleInput(path: string, basePath: string, options: { readonly recursiveFileLookup: boolean; readonly pathGlobFilter: string | undefined; readonly readBytes: boolean }): InputSample {
  const partitions: PartitionValues[] = [];
  const files: { file: string; bytes: Uint8Array }[] = [];
  const acceptName = options.pathGlobFilter === undefined ? () => true : picomatch(options.pathGlobFilter, { dot: true });
  // With a glob path, a file counts when it or one of its directories matches the glob (as the listing does).
  const glob = path === basePath ? undefined : picomatch(path);
  const underGlob = (file: string) => glob === undefined || file.split(sep).some((_, i, parts) => i > 0 && glob(parts.slice(0, i + 1).join(sep)));
  const accept = (name: string, full: string) => acceptName(name) && underGlob(full);
  // Above the glob's depth every directory may match it; below, the usual rules apply.
  const globDepth = glob === undefined ? 0 : path.split(sep).length - basePath.split(sep).length;
  walk(basePath, {}, 0);
  return { partitions, files };

  function walk(dir: string, partition: PartitionValues, depth: number): void {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (isHiddenName(name) || partitions.length >= MAX_SAMPLE_FILES) continue;
      const full = join(dir, name);
      let info;
      try {
        info = statSync(full);
      } catch {
        continue;
      }
      if (info.isDirectory()) {
        const parsed = options.recursiveFileLookup ? undefined : parsePartitionDirectory(name);
        if (parsed) walk(full, { ...partition, [parsed.column]: parsed.value }, depth + 1);
        else if (options.recursiveFileLookup || depth < globDepth) walk(full, partition, depth + 1);
      } else if (info.isFile() && accept(name, full)) {
        partitions.push(partition);
        if (options.readBytes) files.push({ file: full, bytes: readFileSync(full) });
      }
    }
  }
}
