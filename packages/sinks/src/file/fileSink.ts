import { randomUUID } from 'node:crypto';
import { mkdir, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Table } from 'apache-arrow';
import { SluiceError, type BatchContext, type OutputMode, type SinkProvider } from '@sluice/core';
import { describeError, nodeFileSystem, writeDurably, type Sink, type SinkContext } from '@sluice/core/connector';
import { SinkManifest, fileFormat, type ManifestEntry } from '@sluice/formats/internal';
import { deleteOrphanFiles } from './orphanFiles.ts';
import { parseFileSinkOptions, type FileSinkFormat, type FileSinkOptions } from './options.ts';
import { partitionTable } from './partitionTable.ts';

const APPEND_ONLY: ReadonlySet<OutputMode> = new Set(['append']);

/** `fileSink({...})`'s options; the format's own write options (compression, header, sep …) go alongside. */
export interface FileSinkConfig {
  readonly format: FileSinkFormat;
  /** Output directory: a local path or a `file:` URI. */
  readonly path: string;
  /** Hive-style `col=value/` directories, in this order. */
  readonly partitionBy?: readonly string[] | string;
  /** Manifest entries of files older than this are dropped at compaction ("7d", ms); default: kept. */
  readonly retention?: number | string;
  /** Every Nth manifest batch is a compaction (default 10). */
  readonly compactInterval?: number;
  /** Rows per data file at most; 0 (default) writes one file per partition per batch. */
  readonly maxRecordsPerFile?: number;
  readonly [writeOption: string]: unknown;
}

/**
 * An exactly-once file sink (Spark's FileStreamSink) writing Parquet, JSON lines, CSV or text.
 * Each batch's files are written whole (hidden temp name, fsync, then published under their
 * name), then listed in `<path>/_spark_metadata/<batchId>` (Spark's FileStreamSinkLog, so Spark
 * reads only committed files too) — published whole-or-nothing, after
 * the files. Readers (`readFiles`, the file source) only see files a manifest batch lists, so a
 * crash mid-write shows nothing; the sink deletes such orphans when it opens. A replayed batch at
 * or below the last recorded id is skipped.
 *
 * @example
 * await events.writeTo(fileSink({ format: 'parquet', path: '/data/out', partitionBy: ['day'] }), { checkpointLocation: '/data/ck' });
 * // or: events.writeStream().format('parquet').partitionBy('day').option('checkpointLocation', '/data/ck').start('/data/out')
 */
export function fileSink(config: FileSinkConfig): SinkProvider {
  const { format, ...options } = config;
  return fileSinkProvider(format, options);
}

/** The provider from raw options (the fluent API's strings included); what `format('parquet')` builds. */
export function fileSinkProvider(format: string, raw: Readonly<Record<string, unknown>>, partitionBy?: readonly string[]): SinkProvider {
  const options = parseFileSinkOptions(format, raw, partitionBy);
  return {
    format: options.format,
    guarantee: 'exactly-once',
    outputModes: APPEND_ONLY,
    options: raw,
    allowsTemporaryCheckpoint: false,
    open: (context) => FileSink.open(options, context),
  };
}

class FileSink implements Sink {
  readonly guarantee = 'exactly-once' as const;
  readonly outputModes = APPEND_ONLY;
  readonly description: string;
  private readonly codec;
  private readonly extension: string;
  private lastRows = -1;
  private lastFiles = 0;
  private skipped = 0;

  private constructor(
    private readonly options: FileSinkOptions,
    private readonly root: string,
    private readonly manifest: SinkManifest,
    private latestBatchId: number | undefined,
    private readonly context: SinkContext,
  ) {
    this.codec = fileFormat(options.format);
    this.description = `FileSink[${root}]`;
    const compression = options.format === 'parquet' ? String(options.writeOptions['compression'] ?? 'snappy') : 'none';
    this.extension = `${compression === 'none' || compression === 'uncompressed' ? '' : `.${compression}`}${this.codec.extension}`;
  }

  /** Create the directory, read the manifest, and delete what a crashed write left behind. */
  static async open(options: FileSinkOptions, context: SinkContext): Promise<FileSink> {
    if (!APPEND_ONLY.has(context.outputMode)) {
      throw new SluiceError('UNSUPPORTED_OUTPUT_MODE', `The file sink only appends (output mode 'append'), got '${context.outputMode}'. Write aggregates in complete mode to a table sink (delta, postgres) instead.`, {
        details: { format: options.format, outputMode: context.outputMode },
      });
    }
    const columns = context.schema?.fields.map((f) => f.name) ?? [];
    if (options.partitionBy.length > 0 && columns.length > 0 && columns.every((c) => options.partitionBy.includes(c))) {
      // Spark's PartitioningUtils rule: the files would hold no column at all.
      throw new SluiceError('INVALID_QUERY', `Cannot use all columns for partition columns (${options.partitionBy.join(', ')}): no column would be left in the files. Partition by fewer columns.`, {
        details: { format: options.format },
      });
    }
    const root = localPath(options.path);
    // An existing log is continued (Spark's, or the _sluice_metadata an earlier Sluice wrote), as
    // Spark's FileStreamSink continues the log it finds: batch ids it records are not written again.
    const manifest = (await SinkManifest.find(root)) ?? new SinkManifest(root);
    try {
      await mkdir(root, { recursive: true });
      const files = await manifest.files();
      const committed = new Set(files.map((f) => f.file));
      const newest = files.reduce<number | undefined>((max, f) => Math.max(max ?? -Infinity, f.entry.modificationTime), undefined);
      const deleted = await deleteOrphanFiles(root, committed, newest);
      if (deleted.length > 0) context.log.info(`FileSink[${root}]: deleted ${deleted.length} file(s) left by an interrupted batch.`);
      return new FileSink(options, root, manifest, await manifest.latestBatchId(), context);
    } catch (error) {
      throw sinkError(root, 'opening', error);
    }
  }

  async addBatch(batchId: number, table: Table, batch: BatchContext): Promise<void> {
    if (this.latestBatchId !== undefined && batchId <= this.latestBatchId) {
      this.context.log.info(`${this.description}: skipping already committed batch ${batchId}.`);
      this.skipped++;
      this.lastRows = 0;
      this.lastFiles = 0;
      return;
    }
    const written: string[] = [];
    try {
      const entries: ManifestEntry[] = [];
      for (const group of partitionTable(table, this.options.partitionBy)) {
        const dir = group.directory === '' ? this.root : join(this.root, group.directory);
        if (group.directory !== '') await mkdir(dir, { recursive: true });
        for (const [index, part] of this.split(group.table).entries()) {
          batch.signal.throwIfAborted();
          const file = join(dir, `part-${String(entries.length).padStart(5, '0')}-${randomUUID()}.c${String(index).padStart(3, '0')}${this.extension}`);
          const options = this.options.writeOptions as never;
          const bytes = this.codec.writeAsync === undefined ? this.codec.write(part, options) : await this.codec.writeAsync(part, options);
          await writeDurably(nodeFileSystem, file, bytes, true);
          written.push(file);
          const info = await stat(file);
          entries.push(SinkManifest.entryFor(file, info.size, Math.floor(info.mtimeMs)));
          await batch.fault('file-written');
        }
      }
      await batch.fault('files-written');
      const recorded = await this.manifest.commit(batchId, entries, {
        compactInterval: this.options.compactInterval,
        nowMs: this.context.scheduler.now(),
        ...(this.options.retentionMs === undefined ? {} : { retentionMs: this.options.retentionMs }),
      });
      if (!recorded) {
        // Another writer recorded this batch first: ours are orphans, and the batch is done.
        await Promise.all(written.map((f) => unlink(f).catch(() => undefined)));
        this.skipped++;
        this.context.log.warn(`${this.description}: batch ${batchId} was recorded by another writer meanwhile; its files were kept, ours removed. Is a second query writing to this directory?`);
      }
      this.latestBatchId = batchId;
      this.lastRows = recorded ? table.numRows : 0;
      this.lastFiles = recorded ? entries.length : 0;
      await batch.fault('manifest-written');
    } catch (error) {
      if (error instanceof Error && error.name === 'SimulatedCrash') throw error;
      // Best effort: the files are orphans either way and the next open removes any left.
      await Promise.all(written.map((f) => unlink(f).catch(() => undefined)));
      throw sinkError(this.root, `writing batch ${batchId}`, error);
    }
  }

  /** The rows of one directory as data files of at most maxRecordsPerFile rows. */
  private split(table: Table): Table[] {
    const max = this.options.maxRecordsPerFile;
    if (table.numRows === 0) return [];
    if (max === 0 || table.numRows <= max) return [table];
    const parts: Table[] = [];
    for (let offset = 0; offset < table.numRows; offset += max) parts.push(table.slice(offset, offset + max));
    return parts;
  }

  lastBatchOutputRows(): number {
    return this.lastRows;
  }

  metrics(): Record<string, string> {
    return { numFilesWritten: String(this.lastFiles), numSkippedBatches: String(this.skipped) };
  }

  async close(): Promise<void> {}
}

function localPath(path: string): string {
  if (/^file:/i.test(path)) return fileURLToPath(/^file:\/\//i.test(path) ? path : `file://${path.slice(5)}`);
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(path)) {
    throw new SluiceError('INVALID_OPTION', `The file sink writes local directories; '${path}' uses a scheme it cannot write. Use a local path or a file: URI.`, { details: { option: 'path' } });
  }
  return resolve(path);
}

function sinkError(root: string, action: string, error: unknown): unknown {
  if (error instanceof SluiceError || (error instanceof Error && error.name === 'SimulatedCrash')) return error;
  const code = (error as NodeJS.ErrnoException).code;
  return new SluiceError('SINK_FAILED', `FileSink[${root}] failed while ${action}: ${describeError(error)}.${code === 'ENOSPC' ? ' The disk is full; free space and restart the query.' : code === 'EACCES' ? ' Check the permissions of the output directory.' : ''}`, {
    cause: error,
    details: { path: root, ...(code ? { errno: code } : {}) },
  });
}
