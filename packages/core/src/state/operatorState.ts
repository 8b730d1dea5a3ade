import { RowCodec } from './codec/rowCodec.ts';
import { partitionOf, partitionOfLatin1 } from './keyHash.ts';
import type { KeySpaceSpec, StateSchema, StateStore } from './stateStore.ts';

/** The key and value codecs of one key space. */
export interface KeySpaceCodecs {
  readonly key: RowCodec;
  readonly value: RowCodec;
}

/**
 * One stateful operator's state during one batch: its partitions' stores, opened by the engine
 * at the batch's version, and the codecs of its key spaces. What `OperatorContext.state(step)`
 * returns; see `StateSchema` for the contract and an example.
 */
export class OperatorState {
  constructor(
    readonly operatorId: number,
    readonly schema: StateSchema,
    private readonly stores: readonly StateStore[],
    /** Codecs by key space: the engine passes one map per operator for the whole run (building them costs more than a small batch's keys). */
    private readonly codecsBySpace = new Map<string, KeySpaceCodecs>(),
  ) {}

  get numPartitions(): number {
    return this.stores.length;
  }

  /** The partition a key (or a grouping key's bytes, for entries kept beside it) belongs to. */
  partitionOf(key: Uint8Array): number {
    return partitionOf(key, this.stores.length);
  }

  /** `partitionOf` of a key held as a latin1 string (`RowCodec.encodeLatin1`). */
  partitionOfLatin1(key: string): number {
    return partitionOfLatin1(key, this.stores.length);
  }

  store(partition: number): StateStore {
    const store = this.stores[partition];
    if (!store) throw new RangeError(`Partition ${partition} does not exist (the state has ${this.stores.length})`);
    return store;
  }

  /** Indexes of `keys` grouped by partition, for one batched call per partition. */
  split(keys: readonly Uint8Array[]): Map<number, number[]> {
    const out = new Map<number, number[]>();
    const n = this.stores.length;
    for (let i = 0; i < keys.length; i++) {
      const p = partitionOf(keys[i]!, n);
      let list = out.get(p);
      if (!list) out.set(p, (list = []));
      list.push(i);
    }
    return out;
  }

  codecs(space: string): KeySpaceCodecs {
    let codecs = this.codecsBySpace.get(space);
    if (!codecs) {
      codecs = keySpaceCodecs(specOf(this.schema, space));
      this.codecsBySpace.set(space, codecs);
    }
    return codecs;
  }
}

export function specOf(schema: StateSchema, space: string): KeySpaceSpec {
  const spec = schema.keySpaces.find((s) => s.name === space);
  if (!spec) throw new Error(`No key space '${space}' in this operator's state (it has ${schema.keySpaces.map((s) => s.name).join(', ')})`);
  return spec;
}

export function keySpaceCodecs(spec: KeySpaceSpec): KeySpaceCodecs {
  return { key: new RowCodec(spec.key, 'ordered', `state key of '${spec.name}'`), value: new RowCodec(spec.value, 'compact', `state value of '${spec.name}'`) };
}
