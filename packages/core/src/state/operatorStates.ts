import type { CheckpointStore } from '../checkpoint/checkpointStore.ts';
import { SluiceError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { OperatorState, type KeySpaceCodecs } from './operatorState.ts';
import { stateStoreProvider } from './providerRegistry.ts';
import { checkStateSchema, inspectStateDirectory, keySpacesToJson, metadataPath, writeMetadata, type OperatorStateMetadata } from './stateMetadata.ts';
import type { StateSchema, StateStoreMetrics, StateStoreProvider, StateStoreSettings, WritableStateStore } from './stateStore.ts';

/** A stateful operator of the plan, as the state needs it. */
export interface StatefulOperatorSpec {
  readonly operatorId: number;
  readonly operatorName: string;
  readonly schema: StateSchema;
}

/** One operator's store metrics after a commit, summed over its partitions. */
export interface OperatorStateMetrics extends StateStoreMetrics {
  readonly numPartitions: number;
  readonly commitTimeMs: number;
}

interface Opened {
  readonly spec: StatefulOperatorSpec;
  readonly metadata: OperatorStateMetadata;
  readonly providers: StateStoreProvider[];
  readonly codecs: Map<string, KeySpaceCodecs>;
}

/**
 * The state of every stateful operator of one query run: checks the checkpoint's state against
 * the query at the first batch (refusing foreign or changed state), opens a provider per
 * partition, and per batch loads version `batchId` of every partition, then commits them all
 * as `batchId + 1` (in parallel: each writes its own file) and starts their upkeep.
 */
export class OperatorStates {
  private opened: Opened[] | null = null;
  private stores: WritableStateStore[][] | null = null;
  private committing: Promise<void> = Promise.resolve();

  constructor(
    private readonly checkpoint: CheckpointStore,
    private readonly operators: readonly StatefulOperatorSpec[],
    private readonly settings: StateStoreSettings,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  /**
   * Check every operator's state against the query and open its partitions' providers; the
   * query's first batch will be `firstBatchId`. Refuses state it cannot use, changing nothing.
   */
  async open(queryId: string, firstBatchId: number): Promise<void> {
    this.opened ??= await this.openAll(firstBatchId, queryId);
  }

  /** Every operator's state at version `batchId`, by operator id. */
  async begin(batchId: number, queryId: string): Promise<OperatorState[]> {
    this.opened ??= await this.openAll(batchId, queryId);
    if (this.stores) this.abort();
    const open = await Promise.all(this.opened.map((o) => Promise.all(o.providers.map((p) => p.load(batchId)))));
    this.stores = open;
    return this.opened.map((o, i) => new OperatorState(o.spec.operatorId, o.spec.schema, open[i]!, o.codecs));
  }

  /** Commit every partition of every operator as version `batchId + 1`; their upkeep then runs in the background. */
  commit(): Promise<OperatorStateMetrics[]> {
    const committing = this.commitAll();
    this.committing = committing.then(noop, noop);
    return committing;
  }

  private async commitAll(): Promise<OperatorStateMetrics[]> {
    const open = this.stores;
    if (!open || !this.opened) return [];
    this.stores = null;
    const started = this.now();
    try {
      await Promise.all(open.flat().map((store) => store.commit()));
    } catch (error) {
      for (const store of open.flat()) store.abort();
      throw error;
    }
    const commitTimeMs = this.now() - started;
    for (const o of this.opened) for (const p of o.providers) void p.maintenance();
    return open.map((stores) => sumMetrics(stores.map((s) => s.metrics()), commitTimeMs));
  }

  abort(): void {
    for (const store of this.stores?.flat() ?? []) store.abort();
    this.stores = null;
  }

  async close(): Promise<void> {
    this.abort();
    // A commit still writing (the batch failed elsewhere meanwhile) ends before the providers close.
    await this.committing;
    const opened = this.opened ?? [];
    this.opened = null;
    await Promise.all(opened.flatMap((o) => o.providers.map((p) => p.close())));
  }

  private async openAll(batchId: number, queryId: string): Promise<Opened[]> {
    const out: Opened[] = [];
    try {
      for (const spec of this.operators) {
        const metadata = await this.prepare(spec, batchId);
        const factory = stateStoreProvider(metadata.provider);
        const providers: StateStoreProvider[] = [];
        out.push({ spec, metadata, providers, codecs: new Map() });
        for (let partition = 0; partition < metadata.numPartitions; partition++) {
          providers.push(
            await factory.open({
              checkpoint: this.checkpoint,
              dir: `state/${spec.operatorId}/${partition}`,
              operatorId: spec.operatorId,
              partition,
              schema: spec.schema,
              queryId,
              settings: { ...this.settings, provider: metadata.provider, numPartitions: metadata.numPartitions },
              log: this.log,
            }),
          );
        }
      }
    } catch (error) {
      await Promise.all(out.flatMap((o) => o.providers.map((p) => p.close().catch(() => undefined))));
      throw error;
    }
    return out;
  }

  /** The operator's recorded state metadata, checked against the query; written at its first batch. */
  private async prepare(spec: StatefulOperatorSpec, batchId: number): Promise<OperatorStateMetadata> {
    const file = `${this.checkpoint.location.replace(/\/$/, '')}/${metadataPath(spec.operatorId)}`;
    const found = await inspectStateDirectory(this.checkpoint, spec.operatorId);
    if (found.kind === 'sluice') {
      checkStateSchema(found.metadata, spec.operatorName, spec.schema, file);
      const wanted = stateStoreProvider(this.settings.provider).name;
      if (wanted !== found.metadata.provider) this.log.warn(`Operator ${spec.operatorId} keeps its state in the ${found.metadata.provider} state store, as recorded at its first run (${file}); the requested '${this.settings.provider}' applies to new checkpoints only.`);
      return found.metadata;
    }
    if (found.kind === 'legacy') {
      throw new SluiceError(
        'STATE_FORMAT_UNSUPPORTED',
        `The state of operator ${spec.operatorId} in ${this.checkpoint.location} was written by an earlier version of Sluice (whole JSON snapshots, state/${spec.operatorId}/0/<version>.snapshot), which this version does not read. Finish the query with the Sluice version that wrote it, or start it with a new checkpointLocation.`,
        { details: { file: `${this.checkpoint.location.replace(/\/$/, '')}/state/${spec.operatorId}/0` } },
      );
    }
    if (batchId > 0) {
      throw new SluiceError(
        'STATE_SCHEMA_MISMATCH',
        `The checkpoint ${this.checkpoint.location} has no state for operator ${spec.operatorId} (${spec.operatorName}), but the query already ran ${batchId} batches with it: the query's stateful operators changed since the checkpoint was written. Restore the query as it was, or start it with a new checkpointLocation.`,
        { details: { operatorId: spec.operatorId } },
      );
    }
    const metadata: OperatorStateMetadata = {
      format: 1,
      operatorId: spec.operatorId,
      operatorName: spec.operatorName,
      provider: stateStoreProvider(this.settings.provider).name,
      numPartitions: this.settings.numPartitions,
      firstVersion: 1,
      keySpaces: keySpacesToJson(spec.schema),
    };
    await writeMetadata(this.checkpoint, metadata);
    return metadata;
  }
}

function sumMetrics(all: readonly StateStoreMetrics[], commitTimeMs: number): OperatorStateMetrics {
  const custom: Record<string, number> = {};
  for (const m of all) for (const [k, v] of Object.entries(m.custom)) custom[k] = (custom[k] ?? 0) + v;
  const sum = (f: (m: StateStoreMetrics) => number) => all.reduce((n, m) => n + f(m), 0);
  return {
    numKeys: sum((m) => m.numKeys),
    numKeysUpdated: sum((m) => m.numKeysUpdated),
    numKeysRemoved: sum((m) => m.numKeysRemoved),
    memoryUsedBytes: sum((m) => m.memoryUsedBytes),
    bytesWritten: sum((m) => m.bytesWritten),
    custom,
    numPartitions: all.length,
    commitTimeMs,
  };
}

function noop(): void {}
