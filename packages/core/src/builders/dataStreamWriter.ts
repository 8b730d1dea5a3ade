import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Table } from 'apache-arrow';
import type { CheckpointStore } from '../checkpoint/checkpointStore.ts';
import { checkpointPath, FileCheckpointStore } from '../checkpoint/fileCheckpointStore.ts';
import { refuseLegacyEscapedPath } from '../checkpoint/legacyEscapedPath.ts';
import { SluiceError } from '../errors.ts';
import type { FaultInjector } from '../lifecycle/faults.ts';
import { defaultQueryManager, type QueryManager } from '../query/queryManager.ts';
import type { StreamingQuery } from '../query/streamingQuery.ts';
import { sinkFormat } from '../registry/formatRegistry.ts';
import { defaultTrigger, describeTrigger, toTrigger, type Trigger, type TriggerLike } from '../triggers/trigger.ts';
import { describeProvider } from '../query/streamingQuery.ts';
import { OUTPUT_MODES, type BatchContext, type OutputMode, type SinkProvider } from '../types.ts';
import type { StreamFrame } from './streamFrame.ts';
import { isStateStoreOption, parseStateStoreSettings } from '../state/stateSettings.ts';
import { stateStoreProvider } from '../state/providerRegistry.ts';
import { explainPlan, planSteps } from './plan.ts';
import { ENGINE_OPTION_NAMES, parseEngineOptions } from './engineOptions.ts';
import { checkStreamingPlan } from './unsupportedOperations.ts';

/** What `validate()` found: the query as it would run, secrets masked. */
export interface QueryValidation {
  readonly name: string | null;
  /** Each source as `format[option=value, …]`. */
  readonly sources: readonly string[];
  readonly sink: string;
  readonly outputMode: OutputMode;
  /** Spark's spelling, e.g. `ProcessingTime(1000 ms)`. */
  readonly trigger: string;
  /** The checkpoint's location, or null when the query would run on a temporary one. */
  readonly checkpointLocation: string | null;
  /** The plan tree as `explain()` prints it. */
  readonly plan: readonly string[];
}

/** Spark's ForeachWriter: per partition and batch, `open` → `process` each row → `close`. */
export interface ForeachWriter<Row = Record<string, unknown>> {
  /** Return false to skip this partition of this batch (e.g. already written). */
  open?(partitionId: number, epochId: number): boolean | Promise<boolean>;
  process(row: Row): void | Promise<void>;
  close?(error: Error | null): void | Promise<void>;
}

/** Spark's foreachBatch function; the context carries the query id (for idempotent writes keyed on it) and the output mode. */
export type ForeachBatchFunction = (table: Table, batchId: number, context: BatchContext) => void | Promise<void>;

/**
 * Spark's `df.writeStream`: choose a sink and how the query runs, then `start()`.
 *
 * @example
 * const query = await frame.writeStream()
 *   .format('console').outputMode('append')
 *   .option('checkpointLocation', '/tmp/ck')
 *   .trigger(processingTime('10 seconds'))
 *   .queryName('events')
 *   .start();
 */
export class DataStreamWriter {
  private formatName: string | undefined;
  private provider: SinkProvider | undefined;
  private mode: OutputMode | undefined;
  private readonly values: Record<string, unknown> = {};
  private triggerValue: Trigger = defaultTrigger;
  private name: string | null = null;
  private partitionColumns: readonly string[] | undefined;
  private queryManager: QueryManager | undefined;
  private faultInjector: FaultInjector | undefined;

  constructor(private readonly frame: StreamFrame) {}

  format(name: string): this {
    this.formatName = name;
    this.provider = undefined;
    return this;
  }

  /** A sink built by a typed factory (`consoleSink({...})`) instead of `format(name)`. */
  sink(provider: SinkProvider): this {
    this.provider = provider;
    this.formatName = undefined;
    return this;
  }

  outputMode(mode: OutputMode | string): this {
    const found = OUTPUT_MODES.find((m) => m === String(mode).toLowerCase());
    if (!found) throw new SluiceError('INVALID_OPTION', `Unknown output mode '${mode}'. Use one of: ${OUTPUT_MODES.join(', ')}.`);
    this.mode = found;
    return this;
  }

  /** Set an option; keys are case-insensitive, and a later value replaces an earlier one whatever its case (Spark's SPARK-32832). */
  option(key: string, value: unknown): this {
    for (const k of Object.keys(this.values)) if (k.toLowerCase() === key.toLowerCase()) delete this.values[k];
    this.values[key] = value;
    return this;
  }

  options(values: Readonly<Record<string, unknown>>): this {
    for (const [key, value] of Object.entries(values)) this.option(key, value);
    return this;
  }

  trigger(trigger: TriggerLike): this {
    this.triggerValue = toTrigger(trigger);
    return this;
  }

  queryName(name: string): this {
    this.name = name;
    return this;
  }

  partitionBy(...columns: string[]): this {
    this.partitionColumns = columns;
    return this;
  }

  /** Call `fn(table, batchId)` for every micro-batch (Spark's foreachBatch; needs `@sluice/sinks`). */
  foreachBatch(fn: ForeachBatchFunction): this {
    if (typeof fn !== 'function') throw new SluiceError('INVALID_OPTION', 'foreachBatch function cannot be null: pass (table, batchId) => { … }.');
    return this.format('foreachBatch').option('function', fn);
  }

  /** Hand every row to a ForeachWriter (Spark's foreach; needs `@sluice/sinks`). */
  foreach<Row = Record<string, unknown>>(writer: ForeachWriter<Row> | ((row: Row) => void | Promise<void>)): this {
    if (writer === null || writer === undefined) throw new SluiceError('INVALID_OPTION', 'foreach writer cannot be null: pass a ForeachWriter ({ open, process, close }) or a (row) => … function.');
    return this.format('foreach').option('writer', writer);
  }

  /** Run the query under this manager instead of the default one. */
  manager(manager: QueryManager): this {
    this.queryManager = manager;
    return this;
  }

  /** Crash points for fault-injection tests (see `@sluice/testing`). */
  faults(injector: FaultInjector): this {
    this.faultInjector = injector;
    return this;
  }

  /**
   * Check the query as `start()` would — sink options parsed, the output mode checked against
   * the plan, engine options read — without locking a checkpoint, opening a source or sink, or
   * running anything (what `sluice validate` does). Throws the `SluiceError` start would throw.
   *
   * @example
   * const plan = frame.writeStream().format('console').validate();
   * console.log(plan.plan.join('\n'));
   */
  validate(path?: string): QueryValidation {
    const prepared = this.prepare(path);
    const location = prepared.checkpointLocation;
    return {
      name: this.name,
      sources: prepared.sources.map((p) => describeProvider(p)),
      sink: describeProvider(prepared.sink),
      outputMode: prepared.outputMode,
      trigger: describeTrigger(this.triggerValue),
      checkpointLocation: typeof location === 'string' ? location : isCheckpointStore(location) ? location.location : null,
      plan: [`WriteToStream ${describeProvider(prepared.sink)}`, ...explainPlan(this.frame.node, (p) => describeProvider(p)).map((line, i) => (i === 0 ? `+- ${line}` : `   ${line}`))],
    };
  }

  /**
   * Start the query. Resolves once it is running: checkpoint locked and read, sources and sink
   * open. Rejects with a SluiceError when it cannot start (bad options, locked or corrupt
   * checkpoint, unreachable source or sink).
   */
  async start(path?: string): Promise<StreamingQuery> {
    const { sink, outputMode, sources, engine, stateStore, checkpointLocation } = this.prepare(path);
    const { store, temporary } = await resolveCheckpoint(checkpointLocation, sink);
    const manager = this.queryManager ?? defaultQueryManager();
    return manager.startQuery({
      plan: this.frame.node,
      sources,
      sink,
      outputMode,
      trigger: this.triggerValue,
      name: this.name,
      checkpoint: store,
      temporaryCheckpoint: temporary,
      minBatchesToRetain: engine.minBatchesToRetain,
      stateStore,
      pollingDelayMs: engine.pollingDelay,
      noDataProgressEventIntervalMs: engine.noDataProgressEventInterval,
      multipleWatermarkPolicy: engine.multipleWatermarkPolicy,
      noDataMicroBatches: engine.noDataMicroBatches,
      ...(this.faultInjector ? { faults: this.faultInjector } : {}),
    });
  }

  /** Everything start() decides before touching the checkpoint: options parsed, modes checked. */
  private prepare(path: string | undefined) {
    const { checkpointLocation, ...rest } = this.values;
    const engineRaw = Object.fromEntries(Object.entries(rest).filter(([k]) => ENGINE_OPTION_NAMES.has(k.toLowerCase())));
    const stateRaw = Object.fromEntries(Object.entries(rest).filter(([k]) => isStateStoreOption(k)));
    const sinkOptions = Object.fromEntries(Object.entries(rest).filter(([k]) => !ENGINE_OPTION_NAMES.has(k.toLowerCase()) && !isStateStoreOption(k)));
    if (path !== undefined) {
      if (Object.keys(sinkOptions).some((k) => k.toLowerCase() === 'path')) {
        // Spark's SPARK-32516 rule: two paths are a mistake, not an override.
        throw new SluiceError('INVALID_OPTION', "There is a 'path' option set and start() is called with a path parameter. Either remove the path option, or call start() without the parameter.", { details: { option: 'path' } });
      }
      sinkOptions['path'] = path;
    }
    const engine = parseEngineOptions(engineRaw);
    const stateStore = parseStateStoreSettings(stateRaw, engine.minBatchesToRetain);
    // A provider that is not installed fails here, at start, not at the first batch.
    if (planSteps(this.frame.node).some((s) => s.stateful)) stateStoreProvider(stateStore.provider);

    const sink = this.provider ?? this.sinkFromFormat(sinkOptions);
    const outputMode = this.mode ?? 'append';
    if (!sink.outputModes.has(outputMode)) {
      throw new SluiceError(
        'UNSUPPORTED_OUTPUT_MODE',
        `The ${sink.format} sink does not support output mode '${outputMode}'; it supports: ${[...sink.outputModes].join(', ')}.`,
      );
    }
    checkStreamingPlan(this.frame.node, outputMode, { checkCorrectness: engine.statefulOperatorCheckCorrectness });
    const sources = this.frame.sources;
    if (sources.length === 0) throw new SluiceError('INVALID_QUERY', 'The stream has no source.');
    return { sink, outputMode, sources, engine, stateStore, checkpointLocation };
  }

  private sinkFromFormat(options: Record<string, unknown>): SinkProvider {
    // Spark's default sink format (spark.sql.sources.default) is parquet: start(path) alone writes Parquet files.
    const formatName = this.formatName ?? (Object.keys(options).some((k) => k.toLowerCase() === 'path') ? 'parquet' : undefined);
    if (formatName === undefined) {
      throw new SluiceError('INVALID_QUERY', "writeStream() needs a sink: .format('console') or .sink(consoleSink()), or start(path) to write Parquet files (Spark's default format).");
    }
    // Spark's assertNotPartitioned: these sinks hand rows to code or memory, never to directories.
    const unpartitioned = ['memory', 'foreach', 'foreachbatch'].find((name) => name === formatName.toLowerCase());
    if (unpartitioned && this.partitionColumns?.length) {
      throw new SluiceError('INVALID_QUERY', `'${formatName}' does not support partitioning: remove partitionBy(${this.partitionColumns.join(', ')}), or partition inside the sink.`);
    }
    const partitionBy = this.partitionColumns === undefined ? undefined : partitionColumnsOf(this.partitionColumns, this.frame.schema.fields.map((f) => f.name));
    return sinkFormat(formatName).createSink({ options, ...(partitionBy ? { partitionBy } : {}) });
  }
}

/**
 * `partitionBy`'s names resolved against the stream's columns as Spark resolves them when the
 * query starts: an exact match, else the one column equal but for case; a name matching none is
 * refused.
 */
function partitionColumnsOf(names: readonly string[], columns: readonly string[]): string[] {
  return names.map((name) => {
    if (columns.includes(name)) return name;
    const matches = columns.filter((c) => c.toLowerCase() === name.toLowerCase());
    if (matches.length === 1) return matches[0]!;
    throw new SluiceError('UNKNOWN_COLUMN', `Partition column \`${name}\` not found in schema [${columns.join(', ')}]: partitionBy names one of the stream's columns.`, { details: { column: name } });
  });
}

async function resolveCheckpoint(location: unknown, sink: SinkProvider): Promise<{ store: CheckpointStore; temporary: boolean }> {
  if (isCheckpointStore(location)) return { store: location, temporary: false };
  if (typeof location === 'string' && location.trim() !== '') {
    // Spark 2.4 wrote a checkpoint whose path has spaces, % or # at a thrice-escaped twin (SPARK-26824).
    await refuseLegacyEscapedPath(checkpointPath(location), 3, 'checkpoint');
    return { store: new FileCheckpointStore(location), temporary: false };
  }
  if (location !== undefined) throw new SluiceError('INVALID_OPTION', `Option 'checkpointLocation' must be a path, a file: URI or a checkpoint store, got ${JSON.stringify(location)}.`);
  if (!sink.allowsTemporaryCheckpoint) {
    throw new SluiceError(
      'MISSING_OPTION',
      `The ${sink.format} sink needs a checkpoint: set .option('checkpointLocation', '/path/to/checkpoint'). The checkpoint is what makes restarts exactly-once.`,
      { details: { option: 'checkpointLocation' } },
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'sluice-temporary-checkpoint-'));
  return { store: new FileCheckpointStore(dir), temporary: true };
}

function isCheckpointStore(value: unknown): value is CheckpointStore {
  return typeof value === 'object' && value !== null && typeof (value as CheckpointStore).lock === 'function' && typeof (value as CheckpointStore).write === 'function';
}
