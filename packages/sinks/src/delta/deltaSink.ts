import type { Table } from 'apache-arrow';
import { SluiceError, type BatchContext, type OutputMode, type SinkProvider } from '@sluice/core';
import { redactOptions, type Sink, type SinkContext } from '@sluice/core/connector';
import { DeltaLog, checkDeltaWritable } from '@sluice/formats/internal';
import { writeDelta, type DeltaFileCompression } from '@sluice/formats';
import { parseDeltaSinkOptions, type DeltaSinkOptions } from './options.ts';

/** `deltaSink({...})`'s options; strings are accepted where the fluent API passes strings. */
export interface DeltaSinkConfig {
  /** The table directory; created (with the first batch's schema) when it is not a table yet. */
  readonly path: string;
  /** Partition columns of a new table. */
  readonly partitionBy?: readonly string[] | string;
  /** Add new columns of a batch to the table (nullable) instead of failing. */
  readonly mergeSchema?: boolean;
  /** Complete mode only: replace the table's schema (and partitioning) with each batch's. */
  readonly overwriteSchema?: boolean;
  readonly userMetadata?: string;
  readonly maxRecordsPerFile?: number;
  /** Bytes or "128m". */
  readonly targetFileSize?: number | string;
  readonly compression?: DeltaFileCompression;
}

const MODES: ReadonlySet<OutputMode> = new Set(['append', 'complete']);

/**
 * Spark's Delta sink: each micro-batch becomes one Delta commit, exactly once. The commit
 * carries a `txn` action (appId = the query id, version = the batch id) atomically with the
 * batch's files, and a batch the table already recorded is skipped — so a batch replayed after a
 * crash is never written twice, wherever the crash hit (even between the Parquet files and the
 * commit: those files are never named by the log, and `vacuum` removes them). Append and
 * complete (the table's rows replaced per batch) output modes; schema enforcement with
 * `mergeSchema` / `overwriteSchema`; other writers may append to the same table concurrently.
 *
 * @example
 * events.writeStream().format('delta').outputMode('append')
 *   .option('checkpointLocation', '/ck/events').start('/data/events');
 * // or, typed:
 * events.writeTo(deltaSink({ path: '/data/events', partitionBy: ['date'] }), { checkpointLocation: '/ck/events' });
 */
export function deltaSink(config: DeltaSinkConfig): SinkProvider {
  return deltaProvider(config as unknown as Readonly<Record<string, unknown>>);
}

/** The provider from raw options (the fluent API's strings included); what `format('delta')` builds. */
export function deltaProvider(raw: Readonly<Record<string, unknown>>, partitionBy?: readonly string[]): SinkProvider {
  const options = parseDeltaSinkOptions(raw, partitionBy);
  return {
    format: 'delta',
    guarantee: 'exactly-once',
    outputModes: MODES,
    options: redactOptions(raw),
    allowsTemporaryCheckpoint: false,
    open: (context) => DeltaSink.open(options, context),
  };
}

class DeltaSink implements Sink {
  readonly guarantee = 'exactly-once' as const;
  readonly outputModes = MODES;
  readonly description: string;
  private lastRows = -1;
  private skipped = 0;
  private version: number | null = null;

  private constructor(
    private readonly options: DeltaSinkOptions,
    private readonly context: SinkContext,
    private readonly log: DeltaLog,
  ) {
    this.description = `DeltaSink[${log.tablePath}]`;
  }

  /** Check at start what can be checked before data arrives: the output mode, options, and an existing table. */
  static async open(options: DeltaSinkOptions, context: SinkContext): Promise<DeltaSink> {
    if (!MODES.has(context.outputMode)) {
      throw new SluiceError('UNSUPPORTED_OUTPUT_MODE', `The delta sink supports output modes append and complete, not '${context.outputMode}' (as Spark's Delta sink).`, {
        details: { format: 'delta', outputMode: context.outputMode },
      });
    }
    if (options.overwriteSchema && context.outputMode !== 'complete') {
      throw new SluiceError('INVALID_OPTION', "Option 'overwriteSchema' of the delta sink only applies in outputMode('complete'), where each batch replaces the table; to add columns in append mode, use mergeSchema.", {
        details: { format: 'delta', option: 'overwriteSchema' },
      });
    }
    const log = new DeltaLog(options.path, { now: () => context.scheduler.now() });
    const snapshot = await log.update();
    if (snapshot !== undefined) {
      checkDeltaWritable(snapshot.protocol, snapshot.metadata, snapshot.deltaSchema, `The Delta table at ${log.tablePath}`);
      const asked = options.partitionBy;
      const replacing = context.outputMode === 'complete' && options.overwriteSchema;
      if (asked !== undefined && asked.length > 0 && !replacing && asked.map((c) => c.toLowerCase()).join('\0') !== snapshot.partitionColumns.map((c) => c.toLowerCase()).join('\0')) {
        throw new SluiceError('INVALID_OPTION', `The Delta table at ${log.tablePath} is partitioned by [${snapshot.partitionColumns.join(', ')}], but the query asks for partitionBy [${asked.join(', ')}]. Drop partitionBy, or write to a new table.`, {
          details: { format: 'delta', option: 'partitionBy' },
        });
      }
    }
    return new DeltaSink(options, context, log);
  }

  async addBatch(batchId: number, table: Table, batch: BatchContext): Promise<void> {
    const complete = batch.outputMode === 'complete';
    const result = await writeDelta(this.log.tablePath, table, {
      log: this.log,
      mode: complete ? 'overwrite' : 'append',
      txnAppId: batch.queryId,
      txnVersion: batchId,
      ...(this.options.partitionBy === undefined ? {} : { partitionBy: this.options.partitionBy }),
      mergeSchema: this.options.mergeSchema,
      overwriteSchema: complete && this.options.overwriteSchema,
      ...(this.options.userMetadata === undefined ? {} : { userMetadata: this.options.userMetadata }),
      maxRecordsPerFile: this.options.maxRecordsPerFile,
      ...(this.options.targetFileSize === undefined ? {} : { targetFileSize: this.options.targetFileSize }),
      compression: this.options.compression,
      fault: (point) => batch.fault(point),
      operation: {
        name: 'STREAMING UPDATE',
        parameters: { outputMode: complete ? 'Complete' : 'Append', queryId: batch.queryId, epochId: String(batchId) },
      },
    });
    if (result.skipped) {
      this.skipped++;
      this.lastRows = 0;
      this.context.log.info(`${this.description}: skipping already complete epoch ${batchId}, in query ${batch.queryId} (the table recorded it).`);
      return;
    }
    this.lastRows = result.numOutputRows;
    this.version = result.version;
  }

  lastBatchOutputRows(): number {
    return this.lastRows;
  }

  metrics(): Record<string, string> {
    return { numSkippedBatches: String(this.skipped), ...(this.version === null ? {} : { tableVersion: String(this.version) }) };
  }

  async close(): Promise<void> {}
}
