import type { CheckpointStore } from '../checkpoint/checkpointStore.ts';
import { FileCheckpointStore } from '../checkpoint/fileCheckpointStore.ts';
import { describeError } from '../errors.ts';
import { describeField } from './schemaJson.ts';
import { inspectStateDirectory } from './stateMetadata.ts';

/** What one stateful operator keeps in a checkpoint (Spark 3.5's `state-metadata` source, and sizes). */
export interface OperatorStateDescription {
  readonly operatorId: number;
  /** null for state Sluice cannot read (another engine's, or an earlier Sluice's). */
  readonly operatorName: string | null;
  readonly provider: string | null;
  readonly numPartitions: number;
  readonly keySpaces: readonly { readonly name: string; readonly ordered: boolean; readonly key: readonly string[]; readonly value: readonly string[] }[];
  /** The oldest and newest batch whose state can be read (`readState`'s `batchId`); null when none. */
  readonly minBatchId: number | null;
  readonly maxBatchId: number | null;
  /** Files and bytes of the operator's state on disk (every partition, snapshots and deltas). */
  readonly files: number;
  readonly bytes: number;
  /** Why Sluice cannot use this state, when it cannot. */
  readonly problem: string | null;
}

/**
 * Every stateful operator's state in a checkpoint: operator, provider, partitions, key spaces,
 * readable batches and size on disk. Reads only; what the CLI's `checkpoint state` prints.
 *
 * @example
 * for (const op of await describeState('/tmp/ck')) console.log(op.operatorId, op.operatorName, op.bytes);
 */
export async function describeState(checkpoint: string | CheckpointStore): Promise<OperatorStateDescription[]> {
  const store = typeof checkpoint === 'string' ? new FileCheckpointStore(checkpoint) : checkpoint;
  const out: OperatorStateDescription[] = [];
  const operators = (await store.list('state')).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
  for (const operatorId of operators) {
    const { files, bytes, versions } = await walk(store, `state/${operatorId}`);
    let described: Omit<OperatorStateDescription, 'operatorId' | 'files' | 'bytes'>;
    try {
      const found = await inspectStateDirectory(store, operatorId);
      if (found.kind === 'sluice') {
        const m = found.metadata;
        const range = readableRange(versions, m.firstVersion);
        described = {
          operatorName: m.operatorName, provider: m.provider, numPartitions: m.numPartitions,
          keySpaces: m.keySpaces.map((s) => ({ name: s.name, ordered: s.ordered, key: s.key.map(describeField), value: s.value.map(describeField) })),
          minBatchId: range ? range[0] - 1 : null, maxBatchId: range ? range[1] - 1 : null, problem: null,
        };
      } else {
        described = { operatorName: null, provider: null, numPartitions: 0, keySpaces: [], minBatchId: null, maxBatchId: null, problem: found.kind === 'legacy' ? 'written by an earlier version of Sluice (whole JSON snapshots)' : 'empty' };
      }
    } catch (error) {
      described = { operatorName: null, provider: null, numPartitions: 0, keySpaces: [], minBatchId: null, maxBatchId: null, problem: describeError(error) };
    }
    out.push({ operatorId, ...described, files, bytes });
  }
  return out;
}

/**
 * Versions readable from partition 0's files: a version v is readable from a base b ≤ v — a
 * snapshot, or the empty state before `firstVersion` — when every delta from b + 1 to v is there.
 */
function readableRange(versions: { deltas: Set<number>; snapshots: Set<number> }, firstVersion: number): [number, number] | null {
  const all = [...versions.deltas, ...versions.snapshots];
  if (all.length === 0) return null;
  const max = Math.max(...all);
  let min = max;
  for (const base of [...versions.snapshots, firstVersion - 1]) {
    let contiguous = true;
    for (let v = base + 1; v <= max && contiguous; v++) contiguous = versions.deltas.has(v);
    if (contiguous) min = Math.min(min, base);
  }
  return [Math.max(min, 1), max];
}

const FILE = /^(\d+)\.(delta|snapshot|changelog|rocksdb)$/;

async function walk(store: CheckpointStore, dir: string): Promise<{ files: number; bytes: number; versions: { deltas: Set<number>; snapshots: Set<number> } }> {
  let files = 0;
  let bytes = 0;
  const versions = { deltas: new Set<number>(), snapshots: new Set<number>() };
  const visit = async (path: string, depth: number): Promise<void> => {
    for (const name of await store.list(path)) {
      const child = `${path}/${name}`;
      const isDir = depth === 0 ? /^\d+$|^_metadata$/.test(name) : name === 'SSTs' || /^\d+\.files$/.test(name);
      if (isDir) {
        await visit(child, depth + 1);
        continue;
      }
      files++;
      bytes += (await store.size(child)) ?? 0;
      const match = FILE.exec(name);
      if (match && path === `${dir}/0`) (match[2] === 'delta' || match[2] === 'changelog' ? versions.deltas : versions.snapshots).add(Number(match[1]));
    }
  };
  await visit(dir, 0);
  return { files, bytes, versions };
}
