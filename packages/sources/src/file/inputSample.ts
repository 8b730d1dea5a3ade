import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { isHiddenName, parsePartitionDirectory, type PartitionValues } from '@sluice/formats';

/** What the input looks like when the query is defined: its partition directories and some files. */
export interface InputSample {
  readonly partitions: PartitionValues[];
  readonly files: { readonly file: string; readonly bytes: Uint8Array }[];
}

const MAX_SAMPLE_FILES = 100;

/**
 * A synchronous look at the input directory when the stream is defined (a stream's schema is
 * known before it starts, as in Spark): the partition values of the files there, and — for
 * `inferSchema` — the bytes of up to 100 of them. A directory that does not exist yet is empty.
 */
export function sampleInput(basePath: string, options: { readonly recursiveFileLookup: boolean; readonly pathGlobFilter: string | undefined; readonly readBytes: boolean }): InputSample {
  const partitions: PartitionValues[] = [];
  const files: { file: string; bytes: Uint8Array }[] = [];
  const accept = options.pathGlobFilter === undefined ? () => true : picomatch(options.pathGlobFilter, { dot: true });
  walk(basePath, {});
  return { partitions, files };

  function walk(dir: string, partition: PartitionValues): void {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (isHiddenName(name) || files.length >= MAX_SAMPLE_FILES) continue;
      const full = join(dir, name);
      let info;
      try {
        info = statSync(full);
      } catch {
        continue;
      }
      if (info.isDirectory()) {
        if (options.recursiveFileLookup) walk(full, partition);
        else {
          const parsed = parsePartitionDirectory(name);
          if (parsed) walk(full, { ...partition, [parsed.column]: parsed.value });
        }
      } else if (info.isFile() && accept(name)) {
        partitions.push(partition);
        if (options.readBytes) files.push({ file: full, bytes: readFileSync(full) });
      }
    }
  }
}
