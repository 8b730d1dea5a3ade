import type { Table } from 'apache-arrow';
import type { BatchContext } from '@sluice/core';
import { writeDelta, type DeltaWriteResult, type WriteDeltaOptions } from '@sluice/formats';

/** Options of `deltaForeachBatch`: `writeDelta`'s, with the transaction taken from the batch. */
export type DeltaForeachBatchOptions = Omit<WriteDeltaOptions, 'txnAppId' | 'txnVersion' | 'log' | 'fault'> & {
  /**
   * Names this write within the query when one foreachBatch writes several tables, or the same
   * table twice: the transaction's appId becomes `<queryId>:<appIdSuffix>`.
   */
  readonly appIdSuffix?: string;
};

/**
 * Write a foreachBatch table to Delta exactly once: the transaction is (the query id, the batch
 * id), Spark's `txnAppId`/`txnVersion` idiom, so a batch replayed after a crash is skipped.
 * Returns the write's result (`skipped` for a replay).
 *
 * @example
 * frame.writeStream().foreachBatch(async (table, batchId, context) => {
 *   await deltaForeachBatch('/data/clean', table, batchId, context);
 *   await deltaForeachBatch('/data/audit', summarize(table), batchId, context, { appIdSuffix: 'audit' });
 * }).option('checkpointLocation', '/ck/q').start();
 */
export function deltaForeachBatch(path: string, table: Table, batchId: number, context: Pick<BatchContext, 'queryId'> & Partial<Pick<BatchContext, 'fault'>>, options: DeltaForeachBatchOptions = {}): Promise<DeltaWriteResult> {
  const { appIdSuffix, ...rest } = options;
  return writeDelta(path, table, {
    ...rest,
    txnAppId: appIdSuffix === undefined ? context.queryId : `${context.queryId}:${appIdSuffix}`,
    txnVersion: batchId,
    ...(context.fault === undefined ? {} : { fault: (point: string) => context.fault!(point) }),
  });
}
