import type { Table } from 'apache-arrow';
import { SluiceError, type JsonValue } from '@sluice/core';
import { parseByteSize } from '@sluice/core/connector';
import { conformTable } from '../parquet/conform.ts';
import type { DeltaAction, DeltaMetadata } from './actions.ts';
import { writeDataFiles, type DeltaFileCompression } from './dataFiles.ts';
import { DeltaLog, newTableActions } from './deltaLog.ts';
import { checkNotNull, planSchema } from './schemaEnforcement.ts';
import { checkDeltaWritable } from './tableFeatures.ts';

/** Spark's save modes for a batch write. */
export type DeltaSaveMode = 'append' | 'overwrite' | 'errorIfExists' | 'ignore';

/** Options of `writeDelta`, named as Spark's Delta writer names them. */
export interface WriteDeltaOptions {
  /** `append` (default), `overwrite` (replace all rows), `errorIfExists`, `ignore`. */
  readonly mode?: DeltaSaveMode;
  /** Partition columns of a new table (an existing table keeps its own). */
  readonly partitionBy?: readonly string[];
  /** Add the batch's new columns to the table (nullable). */
  readonly mergeSchema?: boolean;
  /** With mode `overwrite`: replace the table's schema (and partitioning) with the batch's. */
  readonly overwriteSchema?: boolean;
  /**
   * Idempotent writes (Spark's `txnAppId`/`txnVersion`, both or neither): the write is skipped
   * when the table already recorded a version ≥ `txnVersion` for `txnAppId`, and records it
   * atomically with the data otherwise. From foreachBatch: the query id and the batch id.
   */
  readonly txnAppId?: string;
  readonly txnVersion?: number;
  /** Free text stored in the commit (`commitInfo.userMetadata`). */
  readonly userMetadata?: string;
  /** At most this many rows per data file (0 = no limit). */
  readonly maxRecordsPerFile?: number;
  /** Aim for data files of about this size: bytes or "128m" (default: one file per partition per write). */
  readonly targetFileSize?: number | string;
  /** Parquet compression of the data files (default snappy, as Spark). */
  readonly compression?: DeltaFileCompression;
  /** Table properties of a new table (`delta.appendOnly`, `delta.checkpointInterval` …). */
  readonly configuration?: Readonly<Record<string, string>>;
  /** Reuse a log across writes (sinks keep one, so each write reads only the new commits). */
  readonly log?: DeltaLog;
  /** Crash points for fault-injection tests: `files-written` (data durable, not committed) and `committed`. */
  readonly fault?: (point: string) => Promise<void>;
  /** The commit's `operation` and `operationParameters` (default Spark's `WRITE` with mode and partitionBy). */
  readonly operation?: { readonly name: string; readonly parameters: Readonly<Record<string, JsonValue>> };
}

/** What a write did. */
export interface DeltaWriteResult {
  /** The version committed, or null when nothing was committed (skipped, or nothing to write). */
  readonly version: number | null;
  /** The transaction (txnAppId, txnVersion) was already committed, or mode 'ignore' met an existing table. */
  readonly skipped: boolean;
  readonly numFiles: number;
  readonly numOutputRows: number;
  readonly numOutputBytes: number;
  readonly numRemovedFiles: number;
}

/**
 * Write an Arrow table to a Delta table (created on first write), as one atomic commit.
 * Schema enforcement, partitioning, idempotent transactions and optimistic concurrency as in
 * Spark's Delta writer: two appenders never lose each other's rows.
 *
 * @example
 * await writeDelta('/data/events', table, { partitionBy: ['date'] });
 * // in foreachBatch: exactly-once per (query, batch)
 * .foreachBatch((table, batchId, ctx) => writeDelta('/data/t', table, { txnAppId: ctx.queryId, txnVersion: batchId }))
 */
export async function writeDelta(path: string, table: Table, options: WriteDeltaOptions = {}): Promise<DeltaWriteResult> {
  const mode = options.mode ?? 'append';
  const txn = transactionOf(options);
  const log = options.log ?? new DeltaLog(path);
  const where = log.tablePath;
  const snapshot = await log.update();
  const skipped: DeltaWriteResult = { version: null, skipped: true, numFiles: 0, numOutputRows: 0, numOutputBytes: 0, numRemovedFiles: 0 };
  if (snapshot !== undefined) {
    if (mode === 'errorIfExists') {
      throw new SluiceError('INVALID_QUERY', `The Delta table at ${where} already exists (mode 'errorIfExists'). Use mode 'append' or 'overwrite'.`, { details: { table: where } });
    }
    if (mode === 'ignore') return skipped;
    checkDeltaWritable(snapshot.protocol, snapshot.metadata, snapshot.deltaSchema, `The Delta table at ${where}`);
    if (txn !== undefined && snapshot.txnVersion(txn.appId) >= txn.version) return skipped;
  }
  const overwrite = mode === 'overwrite';
  if (overwrite && snapshot?.configuration['delta.appendOnly'] === 'true') {
    throw new SluiceError('INVALID_QUERY', `The Delta table at ${where} is append-only (delta.appendOnly=true): an overwrite would delete rows. Append instead, or unset the table property.`, {
      details: { table: where },
    });
  }
  const plan = planSchema({
    table: snapshot === undefined ? undefined : { schema: snapshot.deltaSchema, partitionColumns: snapshot.partitionColumns },
    batch: table.schema,
    partitionBy: options.partitionBy,
    mergeSchema: options.mergeSchema ?? false,
    overwriteSchema: options.overwriteSchema ?? false,
    overwrite,
    where,
  });
  checkNotNull(plan.schema, table, where);
  const prepared = conformTable(table, plan.arrowSchema, (column) => `'${column}' of the batch`);
  const now = log.currentTimeMs();
  const written = await writeDataFiles(where, prepared, {
    partitionColumns: plan.partitionColumns,
    maxRecordsPerFile: options.maxRecordsPerFile ?? 0,
    targetFileSize: targetBytes(options.targetFileSize),
    compression: options.compression ?? 'snappy',
    now,
    dataChange: true,
    fs: log.store.fs,
  });
  await options.fault?.('files-written');

  const actions: DeltaAction[] = [];
  const schemaString = JSON.stringify(plan.schema);
  if (snapshot === undefined) {
    const created = newTableActions({ schemaString, partitionColumns: plan.partitionColumns, configuration: options.configuration ?? {} }, now);
    actions.push({ kind: 'protocol', protocol: created.protocol }, { kind: 'metaData', metaData: created.metaData });
  } else if (plan.metadataChanged) {
    const metaData: DeltaMetadata = { ...snapshot.metadata, schemaString, partitionColumns: plan.partitionColumns };
    actions.push({ kind: 'metaData', metaData });
  }
  if (txn !== undefined) actions.push({ kind: 'txn', txn: { appId: txn.appId, version: txn.version, lastUpdated: now } });
  const removed = overwrite && snapshot !== undefined ? snapshot.files : [];
  for (const file of removed) {
    actions.push({
      kind: 'remove',
      remove: {
        path: file.path, deletionTimestamp: now, dataChange: true, extendedFileMetadata: true, partitionValues: file.partitionValues, size: file.size,
        ...(file.deletionVector ? { deletionVector: file.deletionVector } : {}),
      },
    });
  }
  for (const add of written.adds) actions.push({ kind: 'add', add });
  if (actions.length === 0) return { ...skipped, skipped: false };

  const result = await log.commit(snapshot, {
    actions,
    operation: options.operation?.name ?? 'WRITE',
    operationParameters: options.operation?.parameters ?? { mode: overwrite ? 'Overwrite' : 'Append', partitionBy: JSON.stringify(plan.partitionColumns) },
    operationMetrics: {
      numFiles: String(written.adds.length),
      numOutputRows: String(written.numOutputRows),
      numOutputBytes: String(written.numOutputBytes),
      ...(overwrite ? { numRemovedFiles: String(removed.length) } : {}),
    },
    ...(options.userMetadata === undefined ? {} : { userMetadata: options.userMetadata }),
    isBlindAppend: !overwrite && !plan.metadataChanged && snapshot !== undefined,
    readWholeTable: overwrite,
  });
  await options.fault?.('committed');
  return {
    version: result.version,
    skipped: false,
    numFiles: written.adds.length,
    numOutputRows: written.numOutputRows,
    numOutputBytes: written.numOutputBytes,
    numRemovedFiles: removed.length,
  };
}

function transactionOf(options: WriteDeltaOptions): { appId: string; version: number } | undefined {
  const { txnAppId, txnVersion } = options;
  if (txnAppId === undefined && txnVersion === undefined) return undefined;
  if (typeof txnAppId !== 'string' || txnAppId === '' || txnVersion === undefined) {
    throw new SluiceError('INVALID_OPTION', "Options 'txnAppId' and 'txnVersion' go together: give both (e.g. the query id and the batch id in foreachBatch) or neither.", {
      details: { option: txnAppId === undefined ? 'txnAppId' : 'txnVersion' },
    });
  }
  if (!Number.isSafeInteger(txnVersion) || txnVersion < 0) {
    throw new SluiceError('INVALID_OPTION', `Option 'txnVersion' must be a whole number ≥ 0 (a batch id), got ${txnVersion}.`, { details: { option: 'txnVersion' } });
  }
  return { appId: txnAppId, version: txnVersion };
}

function targetBytes(value: number | string | undefined): number {
  if (value === undefined) return 0;
  const bytes = parseByteSize(value);
  if (bytes === undefined || bytes < 0) {
    throw new SluiceError('INVALID_OPTION', `Option 'targetFileSize' must be a size such as 134217728 or "128m", got ${JSON.stringify(value)}.`, { details: { option: 'targetFileSize' } });
  }
  return bytes;
}
