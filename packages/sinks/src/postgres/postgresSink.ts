import type pg from 'pg';
import type { Table } from 'apache-arrow';
import { SluiceError, type BatchContext, type OutputMode, type SinkProvider } from '@sluice/core';
import { describeError, redactOptions, type Sink, type SinkContext } from '@sluice/core/connector';
import { idempotentBatch } from './idempotentBatch.ts';
import { parsePostgresOptions, type PostgresSinkOptions } from './options.ts';
import { withReconnect } from './reconnect.ts';
import { ensureProgressTable } from './progressTable.ts';
import { displayName } from './tableName.ts';
import { TableWriter } from './tableWriter.ts';
import { pgCopyStreams, pgModule } from './pgModules.ts';
import type { WritePlan } from './writePlan.ts';

/** `postgresSink({...})`'s options; strings are accepted where the fluent API passes strings. */
export interface PostgresSinkConfig {
  /** `postgres://user:password@host:5432/db`, or pgjdbc's `jdbc:postgresql://host:5432/db?user=…&password=…`. */
  readonly url: string;
  /** Target table, optionally schema-qualified: `results`, `analytics.results`, `"Mixed Case"`. */
  readonly dbtable: string;
  readonly user?: string;
  /** Never shown: masked in explain/progress and scrubbed from every error and log line. */
  readonly password?: string;
  /** Create the table from the first batch's schema when it does not exist (default false). */
  readonly createTableIfNotExists?: boolean;
  /** `append` (binary COPY; default) or `upsert` (INSERT … ON CONFLICT (keyColumns) DO UPDATE). */
  readonly mode?: 'append' | 'upsert';
  readonly keyColumns?: readonly string[] | string;
  /** Rows encoded per chunk handed to COPY (default 10 000). */
  readonly batchSize?: number;
  /** Where batch ids are recorded; default `sluice_progress` in the target table's schema. */
  readonly progressTable?: string;
  /** How long a batch keeps retrying a lost connection before PG_UNREACHABLE (ms or "60 seconds"; default 60 s). */
  readonly reconnectTimeout?: number | string;
  /** Timeout of one connection attempt (default 10 s). */
  readonly connectTimeout?: number | string;
  /** Connections the sink keeps (default 2). */
  readonly poolSize?: number;
}

/**
 * An exactly-once PostgreSQL sink. Each micro-batch is written in one transaction together with
 * its row in `sluice_progress(query_id, sink_name, batch_id)`; a replayed batch already
 * recorded is skipped. Appends stream through binary COPY; upserts COPY into a staging table
 * and merge with `INSERT … ON CONFLICT DO UPDATE` (the batch's last row per key wins). A lost
 * connection (server restart) retries the whole batch with backoff for `reconnectTimeout`.
 *
 * @example
 * rate.writeStream()
 *   .format('postgres')
 *   .option('url', 'postgres://app@localhost:5432/shop').option('dbtable', 'events')
 *   .option('createTableIfNotExists', true)
 *   .option('checkpointLocation', '/tmp/ckpt').start();
 * // or, typed:
 * postgresSink({ url, dbtable: 'totals', mode: 'upsert', keyColumns: ['user_id'] });
 */
export function postgresSink(config: PostgresSinkConfig): SinkProvider {
  return postgresProvider(config as unknown as Readonly<Record<string, unknown>>);
}

/** The provider from raw options (the fluent API's strings included); what `format('postgres')` builds. */
export function postgresProvider(raw: Readonly<Record<string, unknown>>, partitionBy?: readonly string[]): SinkProvider {
  if (partitionBy && partitionBy.length > 0) {
    throw new SluiceError('INVALID_OPTION', 'The postgres sink does not support partitionBy; partition the table in PostgreSQL instead (CREATE TABLE … PARTITION BY).', {
      details: { format: 'postgres', option: 'partitionBy' },
    });
  }
  const options = parsePostgresOptions(raw);
  const outputModes: ReadonlySet<OutputMode> = new Set<OutputMode>(options.mode === 'upsert' ? ['append', 'update', 'complete'] : ['append']);
  return {
    format: 'postgres',
    guarantee: 'exactly-once',
    outputModes,
    // Shown by explain(): the parsed options are kept privately, only a redacted copy is exposed.
    options: redactOptions(raw),
    allowsTemporaryCheckpoint: false,
    open: (context) => PostgresSink.open(options, outputModes, context),
  };
}

class PostgresSink implements Sink {
  readonly guarantee = 'exactly-once' as const;
  readonly description: string;
  private readonly writer: TableWriter;
  private readonly sinkName: string;
  private lastRows = -1;
  private skipped = 0;
  private closed = false;

  private constructor(
    private readonly options: PostgresSinkOptions,
    readonly outputModes: ReadonlySet<OutputMode>,
    private readonly pool: pg.Pool,
    private readonly context: SinkContext,
    writer: TableWriter,
  ) {
    this.writer = writer;
    this.sinkName = displayName(options.table);
    this.description = `PostgresSink[table=${displayName(options.table)}, server=${options.connection.display}, mode=${options.mode}${options.mode === 'upsert' ? `, keyColumns=${options.keyColumns.join(',')}` : ''}]`;
  }

  /** Connect, check the credentials and the table, create the progress table: errors surface at start. */
  static async open(options: PostgresSinkOptions, outputModes: ReadonlySet<OutputMode>, context: SinkContext): Promise<PostgresSink> {
    if (!outputModes.has(context.outputMode)) {
      throw new SluiceError('UNSUPPORTED_OUTPUT_MODE', `The postgres sink in mode '${options.mode}' does not support output mode '${context.outputMode}'${options.mode === 'append' ? "; for update or complete output use mode 'upsert' with keyColumns" : ''}.`, {
        details: { format: 'postgres', outputMode: context.outputMode },
      });
    }
    pgCopyStreams(); // both optional peers are checked at start, not at the first batch
    const pool = new (pgModule().Pool)({
      application_name: 'sluice',
      ...options.connection.config,
      max: options.poolSize,
      connectionTimeoutMillis: options.connectTimeoutMs,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
    });
    // An idle connection dropped by a server restart is reported here; the pool discards it.
    pool.on('error', (error) => context.log.warn(`PostgreSQL at ${options.connection.display}: idle connection lost (${describeError(error)}).`));
    const writer = new TableWriter({
      table: options.table,
      mode: options.mode,
      keyColumns: options.keyColumns,
      createTableIfNotExists: options.createTableIfNotExists,
      batchSize: options.batchSize,
    });
    try {
      await withReconnect(
        { timeoutMs: options.reconnectTimeoutMs, server: options.connection.display, scheduler: context.scheduler, log: context.log },
        'opening the postgres sink',
        async () => {
          const client = await pool.connect();
          const ignoreLostConnection = () => {};
          client.on('error', ignoreLostConnection);
          let failed = false;
          try {
            await ensureProgressTable(client, options.progressTable);
            await writer.check(client);
          } catch (error) {
            failed = true;
            throw error;
          } finally {
            client.off('error', ignoreLostConnection);
            client.release(failed);
          }
        },
      );
    } catch (error) {
      await pool.end().catch(() => {});
      throw error;
    }
    return new PostgresSink(options, outputModes, pool, context, writer);
  }

  async addBatch(batchId: number, table: Table, batch: BatchContext): Promise<void> {
    if (this.closed) throw new SluiceError('SINK_FAILED', `${this.description} is closed; it cannot write batch ${batchId}.`);
    let plan: WritePlan | undefined;
    try {
      const outcome = await idempotentBatch(
        this.pool,
        { queryId: this.context.queryId, sinkName: this.sinkName, progressTable: this.options.progressTable },
        batchId,
        async (client) => {
          const rows = await this.writer.write(client, plan!, table, batch.signal);
          // The rows are in, the transaction is not committed: a crash here must leave nothing.
          await batch.fault('written-uncommitted');
          return rows;
        },
        {
          reconnectTimeoutMs: this.options.reconnectTimeoutMs,
          scheduler: this.context.scheduler,
          log: this.context.log,
          signal: batch.signal,
          server: this.options.connection.display,
          beforeTransaction: async (client) => {
            plan = await this.writer.prepare(client, table.schema);
          },
        },
      );
      // Committed, but the engine does not know yet: a crash here replays the batch, which is skipped.
      await batch.fault('committed');
      if (outcome.skipped) {
        this.skipped++;
        this.lastRows = 0;
        this.context.log.info(`${this.description}: batch ${batchId} is already committed (recorded batch ${outcome.recordedBatchId}); skipped.`);
      } else {
        this.lastRows = outcome.result;
      }
    } catch (error) {
      // The table may have changed under us; check it again before the next batch.
      this.writer.invalidate();
      throw error;
    }
  }

  lastBatchOutputRows(): number {
    return this.lastRows;
  }

  metrics(): Record<string, string> {
    return { numSkippedBatches: String(this.skipped) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
