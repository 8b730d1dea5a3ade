/**
 * The state of a Delta table at one version (PROTOCOL.md, "DeltaAction Reconciliation"): the latest
 * protocol and metadata, the live files, the tombstones, the latest version of each application
 * transaction. Immutable: `apply` returns the next version's snapshot.
 */
import type { Schema } from 'apache-arrow';
import { SluiceError } from '@sluice/core';
import type { DeltaAction, AddFile, DomainMetadata, DeltaMetadata, DeltaProtocol, RemoveFile, DeltaTxn } from './actions.ts';
import { deltaToArrowSchema, parseSchemaString, type DeltaStructType } from './deltaSchema.ts';
import { decodeLogPath } from './partitionValues.ts';

/** The mutable maps a replay fills; a DeltaSnapshot owns them once built. */
interface SnapshotState {
  protocol: DeltaProtocol | undefined;
  metadata: DeltaMetadata | undefined;
  files: Map<string, AddFile>;
  tombstones: Map<string, RemoveFile>;
  txns: Map<string, DeltaTxn>;
  domains: Map<string, DomainMetadata>;
}

const fileKey = (path: string): string => decodeLogPath(path);

/** Apply one version's actions to the state. Removes go first: a commit may remove and re-add a path (with a new deletion vector), in any order. */
function applyActions(state: SnapshotState, actions: readonly DeltaAction[]): void {
  for (const action of actions) {
    if (action.kind !== 'remove') continue;
    const key = fileKey(action.remove.path);
    state.files.delete(key);
    state.tombstones.set(key, action.remove);
  }
  for (const action of actions) {
    switch (action.kind) {
      case 'add': {
        const key = fileKey(action.add.path);
        state.files.set(key, action.add);
        state.tombstones.delete(key);
        break;
      }
      case 'protocol':
        state.protocol = action.protocol;
        break;
      case 'metaData':
        state.metadata = action.metaData;
        break;
      case 'txn':
        state.txns.set(action.txn.appId, action.txn);
        break;
      case 'domainMetadata':
        if (action.domainMetadata.removed) state.domains.delete(action.domainMetadata.domain);
        else state.domains.set(action.domainMetadata.domain, action.domainMetadata);
        break;
      default:
        break;
    }
  }
}

export class DeltaSnapshot {
  private deltaSchemaValue: DeltaStructType | undefined;
  private schemaValue: Schema | undefined;

  private constructor(
    /** The table version this snapshot is. */
    readonly version: number,
    private readonly state: SnapshotState & { protocol: DeltaProtocol; metadata: DeltaMetadata },
    /** When the commit of this version was made (ms), if known. */
    readonly timestamp: number | undefined,
  ) {}

  /**
   * Replay a log: a checkpoint's actions (if any) then the commits after it, in order.
   * `where` names the table in errors.
   */
  static replay(version: number, groups: Iterable<readonly DeltaAction[]>, where: string, timestamp?: number): DeltaSnapshot {
    const state: SnapshotState = { protocol: undefined, metadata: undefined, files: new Map(), tombstones: new Map(), txns: new Map(), domains: new Map() };
    for (const actions of groups) applyActions(state, actions);
    return DeltaSnapshot.seal(version, state, where, timestamp);
  }

  private static seal(version: number, state: SnapshotState, where: string, timestamp: number | undefined): DeltaSnapshot {
    if (state.protocol === undefined || state.metadata === undefined) {
      const missing = state.protocol === undefined ? 'protocol' : 'metaData';
      throw new SluiceError('FILE_CORRUPT', `The Delta log of ${where} has no ${missing} action up to version ${version}; it is incomplete or not a Delta table.`, {
        details: { table: where, version },
      });
    }
    return new DeltaSnapshot(version, state as SnapshotState & { protocol: DeltaProtocol; metadata: DeltaMetadata }, timestamp);
  }

  /** The snapshot after commit `version` with `actions`. */
  apply(version: number, actions: readonly DeltaAction[], where: string, timestamp?: number): DeltaSnapshot {
    const state: SnapshotState = {
      protocol: this.state.protocol,
      metadata: this.state.metadata,
      files: new Map(this.state.files),
      tombstones: new Map(this.state.tombstones),
      txns: new Map(this.state.txns),
      domains: new Map(this.state.domains),
    };
    applyActions(state, actions);
    return DeltaSnapshot.seal(version, state, where, timestamp);
  }

  get protocol(): DeltaProtocol {
    return this.state.protocol;
  }

  get metadata(): DeltaMetadata {
    return this.state.metadata;
  }

  /** The table's id (`metaData.id`), Spark's `reservoirId`. */
  get tableId(): string {
    return this.state.metadata.id;
  }

  get partitionColumns(): readonly string[] {
    return this.state.metadata.partitionColumns;
  }

  get configuration(): Readonly<Record<string, string>> {
    return this.state.metadata.configuration;
  }

  /** The schema as Delta records it. */
  get deltaSchema(): DeltaStructType {
    this.deltaSchemaValue ??= parseSchemaString(this.state.metadata.schemaString);
    return this.deltaSchemaValue;
  }

  /** The table's columns (partition columns included, in schema order) in Sluice's Arrow types. */
  get schema(): Schema {
    this.schemaValue ??= deltaToArrowSchema(this.deltaSchema);
    return this.schemaValue;
  }

  /** The live data files, in no particular order. */
  get files(): AddFile[] {
    return [...this.state.files.values()];
  }

  get numFiles(): number {
    return this.state.files.size;
  }

  /** Whether `path` (as a log path) is a live file. */
  hasFile(path: string): boolean {
    return this.state.files.has(fileKey(path));
  }

  /** Files removed and not yet forgotten: vacuum keeps them until their retention ends. */
  get tombstones(): RemoveFile[] {
    return [...this.state.tombstones.values()];
  }

  get txns(): DeltaTxn[] {
    return [...this.state.txns.values()];
  }

  get domainMetadata(): DomainMetadata[] {
    return [...this.state.domains.values()];
  }

  /** The latest version recorded for an application's transactions, -1 when none (Spark's `txnVersion`). */
  txnVersion(appId: string): number {
    return this.state.txns.get(appId)?.version ?? -1;
  }

  /** Total bytes of the live files. */
  get sizeInBytes(): number {
    let total = 0;
    for (const f of this.state.files.values()) total += f.size;
    return total;
  }
}
