import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Table } from 'apache-arrow';
import { conf, SluiceError, toSchema, type SchemaLike } from '@sluice/core';
import { concatTables, defineOptions, opt, type Option } from '@sluice/core/connector';
import { fileFormat, type FileFormatName } from '../fileFormats.ts';
import { inferFileSchema, planFileRead, readDataFile } from './fileRead.ts';
import { isGlobPath, listDataFiles, type DataFile } from './listDataFiles.ts';
import { parsePartitionDirectory, type PartitionValues } from './partitionPath.ts';
import { SinkManifest } from './sinkManifest.ts';

/** `readFiles` options: the format, an optional schema, listing options, and the format's read options. */
export interface ReadFilesOptions {
  readonly format: FileFormatName | string;
  /** Spark DDL, `{ col: 'type' }` or an Arrow schema; inferred from the files when absent. */
  readonly schema?: SchemaLike;
  readonly recursiveFileLookup?: boolean | string;
  readonly pathGlobFilter?: string;
  /** The format's own read options (mode, header, sep, multiLine …). */
  readonly [readOption: string]: unknown;
}

/**
 * Read a directory of files into one Arrow table, as `spark.read.format(f).load(path)`: to check
 * what a query wrote. A directory written by Sluice's (or Spark's) file sink is read through its
 * manifest, so only files of committed batches count; partition directories (`col=value/`) become
 * columns at the end. Without a schema it is inferred (JSON and CSV values, Parquet footers).
 *
 * @example
 * const table = await readFiles('/data/out', { format: 'parquet' });
 * const events = await readFiles('/data/in', { format: 'json', schema: 'id LONG, name STRING', mode: 'FAILFAST' });
 */
export async function readFiles(path: string, options: ReadFilesOptions): Promise<Table> {
  const { format, schema, recursiveFileLookup, pathGlobFilter, ...rest } = options;
  const codec = fileFormat(String(format));
  const own = defineOptions(`${codec.name} files`, {
    ...codec.readOptionSpec,
    recursiveFileLookup: opt.boolean().default(false),
    pathGlobFilter: opt.nonEmptyString(),
  } as unknown as Record<string, Option<unknown, unknown>>);
  const parsed = own.parse({ ...rest, recursiveFileLookup, pathGlobFilter }).options as Record<string, unknown>;
  const { recursiveFileLookup: recursive, pathGlobFilter: glob, ...readOptions } = parsed;
  const files = await committedFiles(path, { recursiveFileLookup: recursive === true, ...(typeof glob === 'string' ? { pathGlobFilter: glob } : {}) });
  const contents = await Promise.all(files.map(async (f) => ({ file: f, bytes: await readBytes(f.path) })));
  const fullSchema = schema !== undefined ? toSchema(schema) : inferFileSchema(codec.name, contents.map((c) => ({ bytes: c.bytes, file: c.file.path })), readOptions);
  const plan = planFileRead(codec.name, readOptions, fullSchema, files.map((f) => f.partition));
  return concatTables(plan.schema, contents.map((c) => readDataFile(plan, c.bytes, c.file.path, c.file.partition)));
}

/**
 * The data files of an input path: through the sink manifest when the directory has one (only
 * committed files, in commit order), else by listing (sorted by path). Exported for the file source, which reads the same way.
 */
export async function committedFiles(path: string, options: { readonly recursiveFileLookup?: boolean; readonly pathGlobFilter?: string } = {}): Promise<DataFile[]> {
  return (await listInputFiles(path, options)).files;
}

/** `committedFiles`, telling whether they came from a sink manifest (files there are complete by construction). */
export async function listInputFiles(path: string, options: { readonly recursiveFileLookup?: boolean; readonly pathGlobFilter?: string } = {}): Promise<{ files: DataFile[]; fromManifest: boolean }> {
  // Spark's spark.sql.streaming.fileStreamSink.ignoreMetadata: a plain directory listing.
  const ignoreMetadata = conf.get('spark.sql.streaming.fileStreamSink.ignoreMetadata').toLowerCase() === 'true';
  const manifest = isGlobPath(path) || ignoreMetadata ? undefined : await SinkManifest.find(resolve(path));
  if (manifest === undefined) return { files: await listDataFiles(path, options), fromManifest: false };
  const out: DataFile[] = [];
  for (const { file, entry } of await manifest.files()) {
    out.push({ path: file, size: entry.size, modificationTime: entry.modificationTime, partition: partitionOf(manifest.root, file) });
  }
  // Manifest order is commit order (batch by batch), so readers see rows in the order they were written.
  return { files: out, fromManifest: true };
}

/** Partition values from the `col=value` directories between `root` and `file`. */
export function partitionOf(root: string, file: string): PartitionValues {
  const rel = relative(root, dirname(file));
  if (rel === '' || rel.startsWith('..')) return {};
  const values: Record<string, string | null> = {};
  for (const part of rel.split(sep)) {
    const parsed = parsePartitionDirectory(part);
    if (parsed) values[parsed.column] = parsed.value;
  }
  return values;
}

/** A file's bytes; a missing file is `FILE_NOT_FOUND` naming it. */
export async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new SluiceError('FILE_NOT_FOUND', `File ${path} was listed (or is in the sink manifest) but no longer exists. If it was deleted on purpose, read again; a manifest entry without its file means the output directory was changed by hand.`, {
        details: { file: path },
      });
    }
    throw new SluiceError('SOURCE_FAILED', `Cannot read ${path}: ${code} (${(error as Error).message}).`, { cause: error, details: { file: path } });
  }
}
