import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Schema, Table } from 'apache-arrow';
import { from, interval, merge, Subject, type Observable, type Subscription } from 'rxjs';
import { SluiceError, StreamFrame, type SourceProvider } from '@sluice/core';
import { redactOptions, type ReadLimit, type Source, type SourceContext } from '@sluice/core/connector';
import { inferFileSchema, isGlobPath, listInputFiles, planFileRead, SinkManifest, type DataFile, type FileReadPlan } from '@sluice/formats/internal';
import { DirectoryWatcher } from '../watch/directoryWatcher.ts';
import { cleanFile } from './cleanSource.ts';
import { FileStability } from './fileStability.ts';
import { sampleInput } from './inputSample.ts';
import { FILE_SOURCE_FORMATS, parseFileSourceOptions, type FileSourceFormat, type FileSourceOptions } from './options.ts';
import { localFile, readLoggedFiles, type ReadSettings, type SkippedFiles } from './readLoggedFiles.ts';
import { SeenFiles } from './seenFiles.ts';
import { SeenFilesLog, type SeenFile } from './seenFilesLog.ts';
import { admissionOrder, withinLimit } from './selectFiles.ts';

/** How many settle times processAllAvailable waits for a file that keeps changing before it moves on. */
const MAX_SETTLE_ROUNDS = 20;
const WATCH_DEPTH = 64;

/** The file source's offset: the id of the last batch in its seen-files log (Spark's FileStreamSourceOffset). */
export type FileSourceOffset = { readonly logOffset: number };

/** `fileSource({...})`'s options; the format's own read options (mode, header, sep …) go alongside. */
export interface FileSourceConfig {
  readonly format: FileSourceFormat;
  readonly path: string;
  readonly schema?: Schema | string | Readonly<Record<string, string>>;
  readonly inferSchema?: boolean;
  readonly maxFilesPerTrigger?: number;
  readonly maxBytesPerTrigger?: number | string;
  readonly latestFirst?: boolean;
  readonly fileNameOnly?: boolean;
  readonly maxFileAge?: number | string;
  readonly cleanSource?: 'off' | 'delete' | 'archive';
  readonly sourceArchiveDir?: string;
  readonly recursiveFileLookup?: boolean;
  readonly pathGlobFilter?: string;
  readonly fileSettleTime?: number | string;
  readonly ignoreMissingFiles?: boolean;
  readonly ignoreCorruptFiles?: boolean;
  readonly relistInterval?: number | string;
  /** Start even when the input directory does not exist yet, and read it once it appears (default false: PATH_NOT_FOUND at start, as Spark). */
  readonly waitForPath?: boolean;
  readonly [readOption: string]: unknown;
}

/**
 * Spark's streaming file source: new files landing in a directory (or matching a glob) become
 * batches, oldest first, `maxFilesPerTrigger` / `maxBytesPerTrigger` at a time. chokidar wakes
 * the query when a file lands; a periodic re-list catches what it misses. Admitted files are
 * logged in the checkpoint (`sources/<i>/<logBatch>`, Spark's layout) before the batch runs, so
 * a restart neither skips nor repeats a file. Files must be complete when they appear: publish
 * them by rename, or the source waits until their size and mtime are stable for
 * `fileSettleTime`. A directory written by a file sink is read through its manifest.
 *
 * @example
 * const events = fileSource({ format: 'json', path: '/data/incoming', schema: 'id LONG, name STRING', maxFilesPerTrigger: 10 });
 * // or: readStream().format('json').schema('id LONG, name STRING').option('maxFilesPerTrigger', 10).load('/data/incoming')
 */
export function fileSource(config: FileSourceConfig): StreamFrame {
  const { format, ...options } = config;
  return StreamFrame.fromSource(fileSourceProvider(format, options));
}

/** The provider from raw options (the fluent API's strings included); what `format('json').load(path)` builds. */
export function fileSourceProvider(format: string, raw: Readonly<Record<string, unknown>>, userSchema?: Schema): SourceProvider {
  const options = parseFileSourceOptions(format, raw, userSchema);
  if (!options.waitForPath && !isGlobPath(options.path) && !existsSync(options.basePath)) {
    // Spark checks the path when the stream is defined (a glob is not checked); start() checks again.
    throw pathNotFound(options.basePath);
  }
  const sample = sampleInput(options.path, options.basePath, { recursiveFileLookup: options.recursiveFileLookup, pathGlobFilter: options.pathGlobFilter, readBytes: options.inferSchema && options.userSchema === undefined });
  const partitions = options.recursiveFileLookup ? [] : sample.partitions;
  const schema = options.userSchema ?? inferFileSchema(options.format, sample.files, options.readOptions);
  const plan = planFileRead(options.format, options.readOptions, schema, partitions);
  return {
    format: options.format,
    schema: plan.schema,
    options: redactOptions(raw),
    open: async (context) => FileSource.open(options, plan, context),
  };
}

class FileSource implements Source<FileSourceOffset> {
  readonly description: string;
  readonly schema: Schema;
  readonly defaultReadLimit: ReadLimit;
  readonly dataArrived$: Observable<void>;
  private readonly wake = new Subject<void>();
  private readonly stability: FileStability;
  private readonly seen: SeenFiles;
  private dirty = true;
  private waitForSettling = false;
  private listing: DataFile[] = [];
  private fromManifest = false;
  private target: Set<string> | null = null;
  private committedLogOffset = -1;
  private cleanedUpTo = -1;
  private outstanding = { files: 0, bytes: 0 };
  private readonly skipped: SkippedFiles = { missing: 0, corrupt: 0 };
  private readonly readSettings: ReadSettings;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly relistTimer: Subscription;

  private constructor(
    private readonly options: FileSourceOptions,
    private readonly plan: FileReadPlan,
    private readonly context: SourceContext,
    private readonly log: SeenFilesLog,
    private readonly watcher: DirectoryWatcher,
  ) {
    this.description = `FileStreamSource[file:${options.path}]`;
    this.schema = plan.schema;
    this.stability = new FileStability(options.fileSettleTimeMs);
    this.seen = new SeenFiles(options.maxFileAgeMs, options.fileNameOnly);
    this.readSettings = { description: this.description, basePath: options.basePath, discoverPartitions: !isGlobPath(options.path) && !options.recursiveFileLookup, ignoreMissingFiles: options.ignoreMissingFiles, ignoreCorruptFiles: options.ignoreCorruptFiles, log: context.log };
    this.defaultReadLimit = options.maxFilesPerTrigger !== undefined
      ? { kind: 'maxFiles', maxFiles: options.maxFilesPerTrigger }
      : options.maxBytesPerTrigger !== undefined ? { kind: 'maxBytes', maxBytes: options.maxBytesPerTrigger } : { kind: 'all' };
    this.dataArrived$ = merge(this.wake, watcher.changes$);
    watcher.changes$.subscribe(() => (this.dirty = true));
    this.relistTimer = interval(Math.max(1, options.relistIntervalMs), context.scheduler).subscribe(() => {
      this.dirty = true;
      this.wake.next();
    });
    for (const entry of log.entries()) this.seen.add(entry.path, entry.timestamp);
    this.seen.purge();
  }

  static async open(options: FileSourceOptions, plan: FileReadPlan, context: SourceContext): Promise<FileSource> {
    const log = new SeenFilesLog(context.metadata, `sources/${context.sourceIndex}`);
    await log.load();
    if (options.cleanSource !== 'off' && (await SinkManifest.find(options.basePath))) throw cleanSinkOutput(options);
    if (!options.waitForPath && !isGlobPath(options.path) && !(await isDirectory(options.basePath))) {
      // Spark fails here too (PATH_NOT_FOUND; a glob is not checked); waiting is an opt-in, so a typo in the path is not a silent, empty stream.
      throw pathNotFound(options.basePath);
    }
    // The whole tree: files in partition directories (even ones created later), glob matches and a
    // sink's manifest folder all mean new data; a spurious event only costs one listing.
    const watcher = new DirectoryWatcher(options.basePath, context.log, { depth: WATCH_DEPTH });
    await watcher.start();
    return new FileSource(options, plan, context, log, watcher);
  }

  async initialOffset(): Promise<FileSourceOffset> {
    return { logOffset: -1 };
  }

  async latestOffset(start: FileSourceOffset, limit: ReadLimit): Promise<FileSourceOffset | null> {
    const startLogOffset = logOffsetOf(start);
    this.committedLogOffset = Math.max(this.committedLogOffset, startLogOffset);
    // Listing happens when the watcher or the periodic re-list said something changed, and when a
    // settling file is due for its second look (the watcher may miss an append that keeps the
    // mtime); otherwise the cached listing answers, so the engine's polling costs nothing. A file
    // is only admitted by a listing at least fileSettleTime after the one that last saw it change.
    const settleAt = this.stability.nextSettleAt();
    if (this.dirty || (settleAt !== undefined && settleAt <= settleNow())) await this.relist();
    let candidates = this.candidates(settleNow());
    // Files present when the trigger fires belong to it, as in Spark (which lists once): a file
    // still settling is waited for, one settle time at a regular trigger, up to MAX_SETTLE_ROUNDS
    // when processAllAvailable asked (a file that keeps changing is left for a later trigger).
    const rounds = this.waitForSettling ? MAX_SETTLE_ROUNDS : 1;
    this.waitForSettling = false;
    for (let round = 0; this.stability.unsettled(settleNow()) > 0 && round < rounds; round++) {
      await settleWait((this.stability.nextUnsettledAt(settleNow()) ?? settleNow()) - settleNow());
      await this.relist();
      candidates = this.candidates(settleNow());
    }
    const selected = withinLimit(candidates, limit);
    if (selected.length > 0) {
      const entries = selected.map((f) => ({ path: pathToFileURL(f.path).href, timestamp: f.modificationTime }));
      await this.log.append(entries, (e) => this.keepInLog(e));
      for (const [i, f] of selected.entries()) {
        this.seen.add(entries[i]!.path, f.modificationTime);
        this.stability.forget(f.path);
      }
      this.seen.purge();
    }
    const rest = candidates.filter((f) => !selected.includes(f));
    this.outstanding = { files: rest.length + this.stability.waiting, bytes: rest.reduce((n, f) => n + f.size, 0) };
    this.scheduleSettleWake();
    if (this.log.latestBatchId < 0) return null;
    // Nothing new: the start as it was written (Spark 2.1's bare number stays one).
    return this.log.latestBatchId === startLogOffset ? start : { logOffset: this.log.latestBatchId };
  }

  /** processAllAvailable: list again at the next trigger, whatever the watcher said, and wait for files still settling. */
  refresh(): void {
    this.dirty = true;
    this.waitForSettling = true;
  }

  reportLatestOffset(): FileSourceOffset | null {
    return this.log.latestBatchId < 0 ? null : { logOffset: this.log.latestBatchId };
  }

  async prepareForAvailableNow(): Promise<void> {
    await this.relist();
    this.candidates(settleNow());
    if (this.stability.unsettled(settleNow()) > 0) {
      // Files still being written at start: give them one settle time to finish.
      await settleWait(this.options.fileSettleTimeMs);
      await this.relist();
    }
    this.target = new Set(this.candidates(settleNow()).map((f) => this.seen.key(pathToFileURL(f.path).href)));
  }

  read(start: FileSourceOffset, end: FileSourceOffset): Observable<Table> {
    const entries = this.log.range(logOffsetOf(start), logOffsetOf(end));
    return from(readLoggedFiles(entries, this.plan, this.readSettings, this.skipped));
  }

  async commit(end: FileSourceOffset): Promise<void> {
    const upTo = logOffsetOf(end);
    this.committedLogOffset = Math.max(this.committedLogOffset, upTo);
    if (this.options.cleanSource === 'off' || upTo <= this.cleanedUpTo) return;
    for (const entry of this.log.entriesBetween(this.cleanedUpTo, upTo)) {
      await cleanFile(localFile(entry.path), this.options.cleanSource, this.options.sourceArchiveDir, this.context.log);
    }
    this.cleanedUpTo = upTo;
  }

  metrics(): Record<string, string> {
    return {
      numFilesOutstanding: String(this.outstanding.files),
      numBytesOutstanding: String(this.outstanding.bytes),
      numFilesMissing: String(this.skipped.missing),
      numFilesCorrupt: String(this.skipped.corrupt),
    };
  }

  async stop(): Promise<void> {
    this.relistTimer.unsubscribe();
    clearTimeout(this.settleTimer);
    await this.watcher.stop();
    this.wake.complete();
  }

  /** List the input (through a sink manifest when there is one). */
  private async relist(): Promise<void> {
    this.dirty = false;
    const listed = await listInputFiles(this.options.path, {
      recursiveFileLookup: this.options.recursiveFileLookup,
      ...(this.options.pathGlobFilter === undefined ? {} : { pathGlobFilter: this.options.pathGlobFilter }),
    });
    // A file sink may start writing into the input after the query started: Spark refuses then too.
    if (listed.fromManifest && this.options.cleanSource !== 'off') throw cleanSinkOutput(this.options);
    this.listing = listed.files;
    this.fromManifest = listed.fromManifest;
    this.stability.retainOnly(new Set(listed.files.map((f) => f.path)));
    await this.watcher.start(); // a no-op once watching; picks up an input directory created after the query started
  }

  /** Listed files not yet seen, young enough, settled, and (availableNow) present at start, in admission order. */
  private candidates(now: number): DataFile[] {
    const out: DataFile[] = [];
    for (const file of this.listing) {
      const uri = pathToFileURL(file.path).href;
      if (!this.seen.isNew(uri, file.modificationTime)) continue;
      if (this.target !== null && !this.target.has(this.seen.key(uri))) continue;
      if (!this.fromManifest && !this.stability.check(file.path, file.size, file.modificationTime, now)) continue;
      out.push(file);
    }
    return admissionOrder(out, this.options.latestFirst);
  }

  /**
   * A compaction keeps an entry unless it is too old to be listed again, its batch can never be
   * replayed, and cleanSource (if on) is done with it.
   */
  private keepInLog(entry: SeenFile): boolean {
    const cleaned = this.options.cleanSource === 'off' || entry.batchId <= this.cleanedUpTo;
    return entry.timestamp >= this.seen.threshold || entry.batchId > this.committedLogOffset || !cleaned;
  }

  /** Wake the query when the earliest unsettled file may have settled. */
  private scheduleSettleWake(): void {
    const at = this.stability.nextSettleAt();
    clearTimeout(this.settleTimer);
    if (at === undefined) return;
    this.settleTimer = setTimeout(() => this.wake.next(), Math.max(0, at - settleNow()));
  }
}

/**
 * Settling is timed by the wall clock, never the query's scheduler: files are written by other
 * processes in real time, whatever clock the query's triggers run on (a test's virtual clock
 * included, which would otherwise wait for a file that can never settle on it).
 */
function settleNow(): number {
  return Date.now();
}

function settleWait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/**
 * The log offset of a file source offset: `{"logOffset":N}`, or Spark 2.1's bare number `N`
 * (FileStreamSourceOffset read either form; a checkpoint Spark 2.1 wrote holds the number).
 */
function logOffsetOf(offset: FileSourceOffset | number): number {
  if (typeof offset === 'number' && Number.isSafeInteger(offset)) return offset;
  if (typeof offset === 'object' && offset !== null && Number.isSafeInteger(offset.logOffset)) return offset.logOffset;
  throw new SluiceError('CHECKPOINT_CORRUPT', `A file source offset must be {"logOffset":N} (or Spark 2.1's bare N), got ${JSON.stringify(offset)}. The checkpoint belongs to another kind of source; use a new checkpointLocation.`);
}

export { FILE_SOURCE_FORMATS };

function cleanSinkOutput(options: FileSourceOptions): SluiceError {
  return new SluiceError('INVALID_OPTION', `Clean up source files is not supported when reading from the output directory of FileStreamSink: cleanSource '${options.cleanSource}' on ${options.basePath} would leave its manifest listing missing files. Read it with cleanSource 'off'.`, {
    details: { option: 'cleanSource' },
  });
}

function pathNotFound(path: string): SluiceError {
  return new SluiceError('PATH_NOT_FOUND', `Path does not exist: ${path}. Create the input directory before starting the query, fix the path, or set the option waitForPath to true to start now and read the directory once it appears.`, {
    details: { path },
  });
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isDirectory(), () => false);
}
