import type { Schema } from 'apache-arrow';
import { conf, SluiceError, toSchema, type SchemaLike } from '@sluice/core';
import { defineOptions, opt, type Option } from '@sluice/core/connector';
import { fileFormat, globBase, isGlobPath } from '@sluice/formats/internal';
import { type FileFormatName } from '@sluice/formats';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The formats the file source reads. */
export const FILE_SOURCE_FORMATS = ['parquet', 'json', 'csv', 'text'] as const;
export type FileSourceFormat = (typeof FILE_SOURCE_FORMATS)[number];

const isSchemaLike = (v: unknown): v is SchemaLike => typeof v === 'string' || (typeof v === 'object' && v !== null);

const sourceOptionSpec = {
  path: opt.nonEmptyString().required().describe('directory or glob of the input files (a local path or file: URI)'),
  schema: opt.custom<SchemaLike>('a schema (Spark DDL, { col: type } or an Arrow schema)', isSchemaLike).describe('the rows\' schema (or .schema(...) on the reader)'),
  inferSchema: opt.boolean().describe('infer the schema from the files present at start (default: the setting spark.sql.streaming.schemaInference, false)'),
  maxFilesPerTrigger: opt.positiveInt().describe('new files per batch at most'),
  maxBytesPerTrigger: opt.bytes().describe('bytes of new files per batch at most (always at least one file)'),
  latestFirst: opt.boolean().default(false).describe('process the newest files first'),
  fileNameOnly: opt.boolean().default(false).describe('a file is "seen" by its name alone, not its full path'),
  maxFileAge: opt.duration('ms').default(7 * 24 * 3600 * 1000).describe('ignore files older than the newest seen file by more than this ("7d")'),
  cleanSource: opt.oneOf(['off', 'delete', 'archive'] as const).default('off').describe('what to do with the files of committed batches'),
  sourceArchiveDir: opt.nonEmptyString().describe("where cleanSource 'archive' moves files: /a/b/x goes to <dir>/a/b/x"),
  recursiveFileLookup: opt.boolean().default(false).describe('read files in every subdirectory (no partition columns)'),
  pathGlobFilter: opt.nonEmptyString().describe('only files whose name matches this glob, e.g. "*.json"'),
  fileSettleTime: opt.duration('ms').default(50).describe('a file is read once its size and modification time stayed unchanged this long; 0 reads files as soon as they are listed'),
  ignoreMissingFiles: opt.boolean().default(false).describe('skip (and count) a logged file deleted before it was read, instead of failing with FILE_NOT_FOUND'),
  ignoreCorruptFiles: opt.boolean().default(false).describe('skip (and count) a file that cannot be decoded at all, instead of failing with FILE_CORRUPT'),
  relistInterval: opt.duration('ms').default(10_000).describe('re-list the directory this often, for changes the file watcher misses'),
  waitForPath: opt.boolean().default(false).describe('start even when the input directory does not exist yet, and read it once it appears (default: fail with PATH_NOT_FOUND, as Spark)'),
  modifiedBefore: opt.string().describe('not supported for streaming (as in Spark)'),
  modifiedAfter: opt.string().describe('not supported for streaming (as in Spark)'),
};

/** The file source's options after parsing. */
export interface FileSourceOptions {
  readonly format: FileSourceFormat;
  /** The input as given, resolved to an absolute local path (may be a glob). */
  readonly path: string;
  /** The directory the input path starts at (the path itself, or a glob's fixed prefix). */
  readonly basePath: string;
  readonly userSchema: Schema | undefined;
  readonly inferSchema: boolean;
  readonly maxFilesPerTrigger: number | undefined;
  readonly maxBytesPerTrigger: number | undefined;
  readonly latestFirst: boolean;
  readonly fileNameOnly: boolean;
  /** Infinity when latestFirst with a per-trigger limit (Spark ignores maxFileAge then). */
  readonly maxFileAgeMs: number;
  readonly cleanSource: 'off' | 'delete' | 'archive';
  readonly sourceArchiveDir: string | undefined;
  readonly recursiveFileLookup: boolean;
  readonly pathGlobFilter: string | undefined;
  readonly fileSettleTimeMs: number;
  readonly ignoreMissingFiles: boolean;
  readonly ignoreCorruptFiles: boolean;
  readonly relistIntervalMs: number;
  /** Start on an input directory that does not exist yet instead of failing with PATH_NOT_FOUND. */
  readonly waitForPath: boolean;
  /** The codec's read options (mode, header, sep …), parsed. */
  readonly readOptions: Readonly<Record<string, unknown>>;
}

/** Parse the source's options and the format's read options once, at the edge, with Spark's checks. */
export function parseFileSourceOptions(format: string, raw: Readonly<Record<string, unknown>>, userSchema?: Schema): FileSourceOptions {
  const name = format.toLowerCase() as FileFormatName;
  if (!(FILE_SOURCE_FORMATS as readonly string[]).includes(name)) {
    throw new SluiceError('UNKNOWN_FORMAT', `The file source reads ${FILE_SOURCE_FORMATS.join(', ')}; got '${format}'.`, { details: { format } });
  }
  const codec = fileFormat(name);
  const spec = defineOptions(name, { ...codec.readOptionSpec, ...sourceOptionSpec } as unknown as Record<string, Option<unknown, unknown>>);
  const { format: _format, ...rest } = raw as Record<string, unknown>;
  const o = spec.parse(rest).options as Record<string, unknown>;
  const {
    path, schema, inferSchema, maxFilesPerTrigger, maxBytesPerTrigger, latestFirst, fileNameOnly, maxFileAge, cleanSource, sourceArchiveDir,
    recursiveFileLookup, pathGlobFilter, fileSettleTime, ignoreMissingFiles, ignoreCorruptFiles, relistInterval, waitForPath, modifiedBefore, modifiedAfter, ...readOptions
  } = o;
  const invalid = (option: string, message: string) => new SluiceError('INVALID_OPTION', message, { details: { format: name, option } });
  if (modifiedBefore !== undefined || modifiedAfter !== undefined) {
    const option = modifiedBefore !== undefined ? 'modifiedBefore' : 'modifiedAfter';
    throw invalid(option, `Option '${option}' is not allowed in file stream source (as in Spark; only in batch reads); use maxFileAge, or move old files out of the input path.`);
  }
  if (maxFilesPerTrigger !== undefined && maxBytesPerTrigger !== undefined) {
    throw invalid('maxBytesPerTrigger', "Options 'maxFilesPerTrigger' and 'maxBytesPerTrigger' cannot both be set; choose one limit per batch.");
  }
  const absolute = localPath(path as string);
  const basePath = globBase(absolute);
  const archive = sourceArchiveDir === undefined ? undefined : localPath(sourceArchiveDir as string);
  if (cleanSource === 'archive' && archive === undefined) {
    throw new SluiceError('MISSING_OPTION', "cleanSource 'archive' needs option 'sourceArchiveDir': the directory completed files are moved to.", { details: { format: name, option: 'sourceArchiveDir' } });
  }
  if (archive !== undefined && cleanSource !== 'archive') {
    throw invalid('sourceArchiveDir', "Option 'sourceArchiveDir' only applies with cleanSource: 'archive'.");
  }
  if (archive !== undefined) checkArchiveDir(absolute, basePath, archive);
  const explicit = schema === undefined ? userSchema : toSchema(schema as SchemaLike);
  // Spark's session setting decides when the option is not given.
  const infer = (inferSchema as boolean | undefined) ?? conf.get('spark.sql.streaming.schemaInference').toLowerCase() === 'true';
  if (explicit === undefined && !infer && name !== 'text') {
    throw new SluiceError('MISSING_OPTION', `Schema must be specified when creating a streaming source from ${name} files: .schema('id LONG, name STRING') on the reader or the schema option; or set inferSchema: true to infer it from the files present at start.`, {
      details: { format: name, option: 'schema' },
    });
  }
  const limited = maxFilesPerTrigger !== undefined || maxBytesPerTrigger !== undefined;
  return {
    format: name as FileSourceFormat,
    path: absolute,
    basePath,
    userSchema: explicit,
    inferSchema: infer,
    maxFilesPerTrigger: maxFilesPerTrigger as number | undefined,
    maxBytesPerTrigger: maxBytesPerTrigger as number | undefined,
    latestFirst: latestFirst as boolean,
    fileNameOnly: fileNameOnly as boolean,
    maxFileAgeMs: latestFirst && limited ? Infinity : (maxFileAge as number),
    cleanSource: cleanSource as FileSourceOptions['cleanSource'],
    sourceArchiveDir: archive,
    recursiveFileLookup: recursiveFileLookup as boolean,
    pathGlobFilter: pathGlobFilter as string | undefined,
    fileSettleTimeMs: fileSettleTime as number,
    ignoreMissingFiles: ignoreMissingFiles as boolean,
    ignoreCorruptFiles: ignoreCorruptFiles as boolean,
    relistIntervalMs: relistInterval as number,
    waitForPath: waitForPath as boolean,
    readOptions,
  };
}

/**
 * Spark's rule: archived files must never be listed again, so the archive directory may not lie
 * where the source path (or its glob) would find it.
 */
function checkArchiveDir(path: string, basePath: string, archive: string): void {
  const inside = (parent: string, child: string) => {
    const rel = relative(parent, child);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  // Archived files keep their full path under the archive directory, so only an archive inside
  // the input's directory could be listed again.
  const clash = inside(isGlobPath(path) ? basePath : path, archive);
  if (clash) {
    throw new SluiceError('INVALID_OPTION', `sourceArchiveDir ${archive} overlaps the source path ${path}: archived files would be read again. Choose a directory outside the input path.`, {
      details: { option: 'sourceArchiveDir' },
    });
  }
}

function localPath(path: string): string {
  if (/^file:/i.test(path)) return fileURLToPath(/^file:\/\//i.test(path) ? path : `file://${path.slice(5)}`);
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(path)) {
    throw new SluiceError('INVALID_OPTION', `The file source reads local files; '${path}' uses a scheme it cannot read. Use a local path or a file: URI.`, { details: { option: 'path' } });
  }
  return resolve(path);
}
