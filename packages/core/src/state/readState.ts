import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Field, Int32, Schema, Struct, type Table } from 'apache-arrow';
import { tableFromRows } from '../arrow/tables.ts';
import type { CheckpointStore } from '../checkpoint/checkpointStore.ts';
import { FileCheckpointStore } from '../checkpoint/fileCheckpointStore.ts';
import { SluiceError } from '../errors.ts';
import { silentLogger } from '../logger.ts';
import { keySpaceCodecs } from './operatorState.ts';
import { stateStoreProvider } from './providerRegistry.ts';
import { schemaFromJson } from './schemaJson.ts';
import { inspectStateDirectory, type OperatorStateMetadata } from './stateMetadata.ts';
import type { KeySpaceSpec, StateSchema } from './stateStore.ts';

/** Which state `readState` reads: operator, batch, partition and key space (Spark's `statestore` source options). */
export interface ReadStateOptions {
  /** The stateful operator (default 0: the first in the plan). */
  readonly operatorId?: number;
  /** The state after this batch (default: the last committed batch), as Spark's `batchId` option. */
  readonly batchId?: number;
  /** Only this partition (default: all). */
  readonly partition?: number;
  /** The key space (default: the operator's first, e.g. `default`). */
  readonly keySpace?: string;
}

/**
 * A stateful operator's state as an Arrow table, as Spark 3.5's `statestore` data source reads
 * it: `key` and `value` structs and `partition_id`. Reads the checkpoint without changing it
 * (a RocksDB state is rebuilt in a temporary directory), at any retained batch.
 *
 * @example
 * const table = await readState('/tmp/ck', { operatorId: 0 });
 * for (const row of tableToRows(table)) console.log(row.key, row.value);
 */
export async function readState(checkpoint: string | CheckpointStore, options: ReadStateOptions = {}): Promise<Table> {
  const store = typeof checkpoint === 'string' ? new FileCheckpointStore(checkpoint) : checkpoint;
  const operatorId = options.operatorId ?? 0;
  const metadata = await sluiceMetadata(store, operatorId);
  const spec = metadata.keySpaces.find((s) => s.name === (options.keySpace ?? metadata.keySpaces[0]!.name));
  if (!spec) throw new SluiceError('INVALID_OPTION', `Operator ${operatorId} has no key space '${options.keySpace}' (it has ${metadata.keySpaces.map((s) => s.name).join(', ')}).`, { details: { option: 'keySpace' } });
  const schema: StateSchema = { keySpaces: metadata.keySpaces.map((s): KeySpaceSpec => ({ name: s.name, key: schemaFromJson(s.key), value: schemaFromJson(s.value), ordered: s.ordered, internal: s.internal })) };
  const space = schema.keySpaces.find((s) => s.name === spec.name)!;
  const batchId = options.batchId ?? (await lastCommittedBatch(store));
  const version = batchId === undefined ? 0 : batchId + 1;
  const codecs = keySpaceCodecs(space);
  const out = new Schema([new Field('key', new Struct(space.key.fields), false), new Field('value', new Struct(space.value.fields), false), new Field('partition_id', new Int32(), false)]);
  const rows: Record<string, unknown>[] = [];
  const partitions = options.partition === undefined ? Array.from({ length: metadata.numPartitions }, (_, p) => p) : [options.partition];
  const localDir = await mkdtemp(join(tmpdir(), 'sluice-read-state-'));
  try {
    const factory = stateStoreProvider(metadata.provider);
    for (const partition of partitions) {
      if (partition < 0 || partition >= metadata.numPartitions) throw new SluiceError('INVALID_OPTION', `Operator ${operatorId} has partitions 0 to ${metadata.numPartitions - 1}, not ${partition}.`, { details: { option: 'partition' } });
      const provider = await factory.open({
        checkpoint: store, dir: `state/${operatorId}/${partition}`, operatorId, partition, schema, queryId: `read-${randomUUID()}`, log: silentLogger,
        settings: { provider: metadata.provider, numPartitions: metadata.numPartitions, minBatchesToRetain: Number.MAX_SAFE_INTEGER, minDeltasForSnapshot: Number.MAX_SAFE_INTEGER, options: { 'rocksdb.localDir': localDir } },
      });
      try {
        const state = await provider.load(version, { readOnly: true });
        for await (const chunk of state.space(space.name).scan()) {
          for (const e of chunk) rows.push({ key: asRecord(space.key, codecs.key.decode(e.key)), value: asRecord(space.value, codecs.value.decode(e.value)), partition_id: partition });
        }
        state.abort();
      } finally {
        await provider.close();
      }
    }
  } finally {
    await rm(localDir, { recursive: true, force: true });
  }
  return tableFromRows(out, rows);
}

function asRecord(schema: Schema, values: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  schema.fields.forEach((f, i) => (out[f.name] = values[i]));
  return out;
}

async function sluiceMetadata(store: CheckpointStore, operatorId: number): Promise<OperatorStateMetadata> {
  const found = await inspectStateDirectory(store, operatorId);
  if (found.kind === 'sluice') return found.metadata;
  if (found.kind === 'legacy') throw new SluiceError('STATE_FORMAT_UNSUPPORTED', `The state of operator ${operatorId} in ${store.location} was written by an earlier version of Sluice (whole JSON snapshots), which this version does not read.`, { details: { operatorId } });
  throw new SluiceError('INVALID_OPTION', `Checkpoint ${store.location} has no state for operator ${operatorId}.`, { details: { option: 'operatorId' } });
}

/** The last batch with a commit, or undefined before the first. */
export async function lastCommittedBatch(store: CheckpointStore): Promise<number | undefined> {
  const ids = (await store.list('commits')).filter((n) => /^\d+$/.test(n)).map(Number);
  return ids.length ? Math.max(...ids) : undefined;
}
