/**
 * Optimistic concurrency (Delta's `ConflictChecker`, simplified to what Sluice's writers do):
 * when another writer won the version we tried to commit, decide whether our transaction still
 * holds on top of theirs. Two blind appends never conflict; an overwrite conflicts with a
 * concurrent append; deleting a file someone else deleted (or that we read) conflicts; so do
 * concurrent metadata changes and two commits of one application's transaction.
 */
import { SluiceError } from '@sluice/core';
import type { DeltaAction, DeltaMetadata, DeltaProtocol } from './actions.ts';
import { decodeLogPath } from './partitionValues.ts';

/** What a transaction read and wrote, for deciding conflicts. */
export interface TransactionFootprint {
  /** The transaction depends on the whole table (overwrite): any concurrent data-changing add conflicts. */
  readonly readWholeTable: boolean;
  /** Files the transaction read or rewrites (optimize): a concurrent remove of one conflicts. */
  readonly readDeltaFiles: ReadonlySet<string>;
  /** Files the transaction removes. */
  readonly removedFiles: ReadonlySet<string>;
  /** Application ids of the `txn` actions it commits. */
  readonly appIds: ReadonlySet<string>;
  /** Whether it changes metadata or protocol. */
  readonly changesMetadata: boolean;
}

/** The outcome of checking one winning commit. */
export type ConflictCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly conflict: string; readonly reason: string };

export function footprint(actions: readonly DeltaAction[], readWholeTable: boolean, readDeltaFiles: Iterable<string>): TransactionFootprint {
  const removedFiles = new Set<string>();
  const appIds = new Set<string>();
  let changesMetadata = false;
  for (const a of actions) {
    if (a.kind === 'remove') removedFiles.add(decodeLogPath(a.remove.path));
    else if (a.kind === 'txn') appIds.add(a.txn.appId);
    else if (a.kind === 'metaData' || a.kind === 'protocol') changesMetadata = true;
  }
  return { readWholeTable, readDeltaFiles: new Set([...readDeltaFiles].map(decodeLogPath)), removedFiles, appIds, changesMetadata };
}

/** Whether our transaction (`ours`) may commit after `winner` (the actions of the version we lost). */
export function checkConflict(ours: TransactionFootprint, winner: readonly DeltaAction[], version: number): ConflictCheck {
  for (const a of winner) {
    if (a.kind === 'metaData' || a.kind === 'protocol') {
      return { ok: false, conflict: a.kind === 'protocol' ? 'ProtocolChanged' : 'MetadataChanged', reason: `the table's ${a.kind === 'protocol' ? 'protocol' : 'metadata (schema, partitioning or properties)'} was changed by a concurrent update at version ${version}` };
    }
    if (a.kind === 'txn' && ours.appIds.has(a.txn.appId)) {
      return { ok: false, conflict: 'ConcurrentTransaction', reason: `application '${a.txn.appId}' committed to the table concurrently at version ${version}; two queries (or two runs of one query) are writing with the same id` };
    }
    if (a.kind === 'remove') {
      const path = decodeLogPath(a.remove.path);
      if (ours.removedFiles.has(path)) return { ok: false, conflict: 'ConcurrentDeleteDelete', reason: `file ${a.remove.path} was removed by a concurrent update at version ${version}` };
      if (ours.readDeltaFiles.has(path)) return { ok: false, conflict: 'ConcurrentDeleteRead', reason: `file ${a.remove.path}, which this transaction read, was removed by a concurrent update at version ${version}` };
    }
    if (a.kind === 'add' && a.add.dataChange && ours.readWholeTable) {
      return { ok: false, conflict: 'ConcurrentAppend', reason: `files were added to the table by a concurrent update at version ${version}` };
    }
  }
  return { ok: true };
}

/** Whether a winning commit created the same table we meant to create (then we append to it instead). */
export function createdSameTable(winner: readonly DeltaAction[], metadata: DeltaMetadata, protocol: DeltaProtocol): boolean {
  const theirs = winner.find((a) => a.kind === 'metaData');
  const theirProtocol = winner.find((a) => a.kind === 'protocol');
  if (theirs?.kind !== 'metaData' || theirProtocol?.kind !== 'protocol') return false;
  return theirs.metaData.schemaString === metadata.schemaString
    && theirs.metaData.partitionColumns.join('\0') === metadata.partitionColumns.join('\0')
    && theirProtocol.protocol.minReaderVersion <= protocol.minReaderVersion
    && theirProtocol.protocol.minWriterVersion <= protocol.minWriterVersion
    && theirProtocol.protocol.readerFeatures === undefined && theirProtocol.protocol.writerFeatures === undefined;
}

export function concurrentModification(where: string, check: Extract<ConflictCheck, { ok: false }>, version: number): SluiceError {
  return new SluiceError(
    'DELTA_CONCURRENT_MODIFICATION',
    `${check.conflict}: cannot commit to the Delta table at ${where} because ${check.reason}. Nothing was committed; run the operation again (a streaming query retries the batch when restarted).`,
    { details: { table: where, conflict: check.conflict, version } },
  );
}
