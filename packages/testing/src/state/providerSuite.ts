import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Field, Int32, Int64, Schema, Utf8 } from 'apache-arrow';
import { isSimulatedCrash, RowCodec, type StateSchema, type StateStoreProvider, type StateStoreProviderFactory, type StateStoreSettings, type WritableStateStore } from '@sluice/core/connector';
import { isSluiceError, memoryCheckpoint, silentLogger, type CheckpointStore } from '@sluice/core';
import { crashingCheckpoint } from './crashingCheckpoint.ts';

/** Options of `stateStoreProviderSuite`. */
export interface ProviderSuiteOptions {
  /** Provider options for a fresh test, e.g. `{ 'rocksdb.localDir': tmp }`. Called once per simulated machine. */
  readonly options?: () => Record<string, string>;
  /** Crash schedules for the crash property (default 60). */
  readonly runs?: number;
}

const SCHEMA: StateSchema = {
  keySpaces: [
    { name: 'kv', key: new Schema([new Field('k', new Int32(), false)]), value: new Schema([new Field('v', new Utf8(), true)]) },
    { name: 'byTime', key: new Schema([new Field('t', new Int64(), false), new Field('id', new Int32(), false)]), value: new Schema([]), ordered: true, internal: true },
  ],
};
const kvKey = new RowCodec(SCHEMA.keySpaces[0]!.key, 'ordered');
const kvValue = new RowCodec(SCHEMA.keySpaces[0]!.value, 'compact');
const timeKey = new RowCodec(SCHEMA.keySpaces[1]!.key, 'ordered');
const EMPTY = new Uint8Array(0);

type Op = { readonly kind: 'put'; readonly k: number; readonly v: string } | { readonly kind: 'delete'; readonly k: number } | { readonly kind: 'time'; readonly t: number; readonly id: number } | { readonly kind: 'evict'; readonly before: number };
type Model = { kv: Map<number, string>; times: Set<string> };

function applyModel(model: Model, ops: readonly Op[]): Model {
  const next: Model = { kv: new Map(model.kv), times: new Set(model.times) };
  for (const op of ops) {
    if (op.kind === 'put') next.kv.set(op.k, op.v);
    else if (op.kind === 'delete') next.kv.delete(op.k);
    else if (op.kind === 'time') next.times.add(`${op.t}:${op.id}`);
    else for (const t of [...next.times]) if (Number(t.split(':')[0]) < op.before) next.times.delete(t);
  }
  return next;
}

async function applyStore(store: WritableStateStore, ops: readonly Op[]): Promise<void> {
  const kv = store.space('kv');
  const byTime = store.space('byTime');
  for (const op of ops) {
    if (op.kind === 'put') kv.put(kvKey.encode([op.k]), kvValue.encode([op.v]));
    else if (op.kind === 'delete') kv.delete(kvKey.encode([op.k]));
    else if (op.kind === 'time') byTime.put(timeKey.encode([BigInt(op.t), op.id]), EMPTY);
    else for await (const chunk of byTime.scan({ lt: timeKey.encodePrefix([BigInt(op.before)]) }, { chunkSize: 2 })) for (const e of chunk) byTime.delete(e.key);
  }
}

/** Everything a store holds, as a model (and the ordered space's keys in scan order). */
async function contents(store: WritableStateStore): Promise<{ model: Model; order: string[] }> {
  const kv = new Map<number, string>();
  for await (const chunk of store.space('kv').scan()) for (const e of chunk) kv.set(kvKey.decode(e.key)[0] as number, kvValue.decode(e.value)[0] as string);
  const order: string[] = [];
  for await (const chunk of store.space('byTime').scan()) for (const e of chunk) {
    const [t, id] = timeKey.decode(e.key) as [bigint, number];
    order.push(`${t}:${id}`);
  }
  return { model: { kv, times: new Set(order) }, order };
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('put' as const), k: fc.integer({ min: 0, max: 12 }), v: fc.string({ maxLength: 6 }) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), k: fc.integer({ min: 0, max: 12 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('time' as const), t: fc.integer({ min: -5, max: 40 }), id: fc.integer({ min: 0, max: 3 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('evict' as const), before: fc.integer({ min: -5, max: 40 }) }), weight: 1 },
);

/**
 * The state store contract as tests, for any provider: versions and replays, abort, key spaces,
 * ordered range and prefix scans, snapshots and retention, and a property test that kills the
 * provider at every possible checkpoint change (commit, snapshot, clean-up) and checks that a
 * restarted one loads exactly the last committed version and carries on.
 *
 * @example
 * stateStoreProviderSuite(rocksdbStateProviderFactory, { options: () => ({ 'rocksdb.localDir': mkdtempSync(...) }) });
 */
export function stateStoreProviderSuite(factory: StateStoreProviderFactory, suite: ProviderSuiteOptions = {}): void {
  const settings = (over: Partial<StateStoreSettings> = {}): StateStoreSettings => ({
    provider: factory.name, numPartitions: 1, minBatchesToRetain: 100, minDeltasForSnapshot: 10, options: suite.options?.() ?? {}, ...over,
  });
  const open = (checkpoint: CheckpointStore, s: StateStoreSettings, queryId = 'query'): Promise<StateStoreProvider> =>
    factory.open({ checkpoint, dir: 'state/0/0', operatorId: 0, partition: 0, schema: SCHEMA, queryId, settings: s, log: silentLogger });
  const run = async (provider: StateStoreProvider, version: number, ops: readonly Op[]) => {
    const store = await provider.load(version);
    await applyStore(store, ops);
    await store.commit();
    await provider.maintenance();
  };
  const read = async (provider: StateStoreProvider, version: number) => {
    const store = await provider.load(version, { readOnly: true });
    try {
      return await contents(store);
    } finally {
      store.abort();
    }
  };

  describe(`state store provider '${factory.name}'`, () => {
    it('commits versions that a restarted provider loads exactly, each one as it was', async () => {
      const checkpoint = memoryCheckpoint();
      const s = settings();
      const first = await open(checkpoint, s);
      await run(first, 0, [{ kind: 'put', k: 1, v: 'a' }, { kind: 'put', k: 2, v: 'b' }]);
      await run(first, 1, [{ kind: 'put', k: 1, v: 'c' }, { kind: 'delete', k: 2 }]);
      expect((await read(first, 2)).model.kv).toEqual(new Map([[1, 'c']]));
      await first.close();
      const second = await open(checkpoint, s);
      expect((await read(second, 1)).model.kv).toEqual(new Map([[1, 'a'], [2, 'b']]));
      expect((await read(second, 2)).model.kv).toEqual(new Map([[1, 'c']]));
      expect((await read(second, 0)).model.kv).toEqual(new Map());
      await second.close();
    });

    it('a replayed version overwrites the abandoned attempt, and abort leaves the version as it was', async () => {
      const checkpoint = memoryCheckpoint();
      const s = settings({ minDeltasForSnapshot: 1 });
      const provider = await open(checkpoint, s);
      await run(provider, 0, [{ kind: 'put', k: 1, v: 'a' }]);
      await run(provider, 1, [{ kind: 'put', k: 1, v: 'first try' }]); // committed as 2, snapshotted, then given up
      const aborted = await provider.load(2);
      await applyStore(aborted, [{ kind: 'put', k: 9, v: 'never' }]);
      aborted.abort();
      expect((await read(provider, 2)).model.kv).toEqual(new Map([[1, 'first try']]));
      await provider.close();
      const again = await open(checkpoint, s);
      await run(again, 1, [{ kind: 'put', k: 1, v: 'second try' }]);
      await again.close();
      const later = await open(checkpoint, s);
      expect((await read(later, 2)).model.kv).toEqual(new Map([[1, 'second try']]));
      expect((await read(later, 1)).model.kv).toEqual(new Map([[1, 'a']]));
      await later.close();
    });

    it('scans an ordered key space by range and prefix, in key order, deleting as it goes', async () => {
      const checkpoint = memoryCheckpoint();
      const provider = await open(checkpoint, settings());
      const times = [5, -3, 12, 5, 0, 40, 7].map((t, id) => ({ kind: 'time' as const, t, id }));
      await run(provider, 0, times);
      const store = await provider.load(1);
      const space = store.space('byTime');
      const seen: string[] = [];
      for await (const chunk of space.scan({ gte: timeKey.encodePrefix([0n]), lt: timeKey.encodePrefix([12n]) }, { chunkSize: 2 })) {
        for (const e of chunk) {
          seen.push((timeKey.decode(e.key) as [bigint, number]).join(':'));
          space.delete(e.key);
        }
      }
      expect(seen).toEqual(['0:4', '5:0', '5:3', '7:6']);
      const prefixed: string[] = [];
      for await (const chunk of space.scan({ prefix: timeKey.encodePrefix([40n]) })) for (const e of chunk) prefixed.push((timeKey.decode(e.key) as [bigint, number]).join(':'));
      expect(prefixed).toEqual(['40:5']);
      await store.commit();
      await provider.close();
      const restarted = await open(checkpoint, settings());
      expect((await read(restarted, 2)).order).toEqual(['-3:1', '12:2', '40:5']);
      await restarted.close();
    });

    it('reports keys, updates and removals; internal spaces are not counted as rows', async () => {
      const provider = await open(memoryCheckpoint(), settings());
      await run(provider, 0, [{ kind: 'put', k: 1, v: 'a' }, { kind: 'put', k: 2, v: 'b' }, { kind: 'time', t: 1, id: 1 }]);
      const store = await provider.load(1);
      await applyStore(store, [{ kind: 'put', k: 1, v: 'z' }, { kind: 'delete', k: 2 }, { kind: 'delete', k: 7 }]);
      await store.commit();
      const m = store.metrics();
      expect([m.numKeys, m.numKeysUpdated, m.numKeysRemoved]).toEqual([1, 1, 1]);
      expect(m.bytesWritten).toBeGreaterThan(0);
      expect(m.memoryUsedBytes).toBeGreaterThan(0);
      await provider.close();
    });

    it('keeps every retained version loadable while old files go: the checkpoint does not grow with versions', async () => {
      const checkpoint = memoryCheckpoint();
      const s = settings({ minDeltasForSnapshot: 3, minBatchesToRetain: 4 });
      const provider = await open(checkpoint, s);
      let model: Model = { kv: new Map(), times: new Set() };
      const models: Model[] = [model];
      const files = () => [...checkpoint.snapshot().keys()].filter((k) => k.startsWith('state/0/0/')).length;
      const counted: number[] = [];
      for (let v = 0; v < 40; v++) {
        const ops: Op[] = [{ kind: 'put', k: v % 7, v: `v${v}` }, { kind: 'time', t: v, id: 0 }, { kind: 'evict', before: v - 5 }];
        await run(provider, v, ops);
        models.push((model = applyModel(model, ops)));
        if (v === 19 || v === 39) counted.push(files());
      }
      await provider.close();
      // Twice the versions, no more files: old deltas and snapshots go once retention passes them.
      expect(counted[1]).toBeLessThanOrEqual(counted[0]! + 3);
      for (let v = 37; v <= 40; v++) {
        const fresh = await open(checkpoint, s, `query-${v}`);
        expect((await read(fresh, v)).model).toEqual(models[v]);
        await fresh.close();
      }
    });

    it('refuses a partition directory holding another engine\'s state file, rather than reading it as empty', async () => {
      const checkpoint = memoryCheckpoint();
      const provider = await open(checkpoint, settings());
      await run(provider, 0, [{ kind: 'put', k: 1, v: 'a' }]);
      await provider.close();
      for (const name of [...checkpoint.snapshot().keys()].filter((k) => k.startsWith('state/0/0/'))) checkpoint.overwriteRaw(name, Buffer.from('LZ4Block\u0000\u0001spark unsafe rows', 'latin1'));
      const restarted = await open(checkpoint, settings(), 'other-query');
      const error = await restarted.load(1).then(() => undefined, (e: unknown) => e);
      expect(isSluiceError(error, 'STATE_FORMAT_UNSUPPORTED')).toBe(true);
      expect(String(error)).toContain('Apache Spark');
      await restarted.close();
    });

    it('a run paused past its lease never replaces or deletes what the run that took over wrote: it stops with CHECKPOINT_LOCKED', async () => {
      const disk = memoryCheckpoint();
      const s = settings();
      const stateFiles = () => new Map([...disk.snapshot()].filter(([k]) => k.startsWith('state/0/0/')).map(([k, v]) => [k, Buffer.from(v).toString('hex')]));
      const commit = (batchId: number) => disk.write(`commits/${batchId}`, 'v1\n{"nextBatchWatermarkMs":0}', { ifAbsent: true });
      // Run A commits batch 0 (version 1), opens version 1 for batch 1 and writes to it — then
      // is paused past its lease. Its state commit comes before offsets/1's put-if-absent would
      // tell it that the checkpoint is no longer its own (the engine overlaps the two).
      const a = await open(disk, s, 'a');
      await run(a, 0, [{ kind: 'put', k: 1, v: 'a' }]);
      await commit(0);
      const paused = await a.load(1);
      await applyStore(paused, [{ kind: 'put', k: 1, v: 'from A' }, { kind: 'put', k: 2, v: 'from A' }]);
      // Run B (another machine) takes the checkpoint over and commits batch 1 as version 2.
      const b = await open(disk, settings(), 'b');
      await run(b, 1, [{ kind: 'put', k: 1, v: 'from B' }]);
      await commit(1);
      await b.close();
      const written = stateFiles();
      // A wakes up and commits: refused, B's version 2 untouched.
      const woke = await paused.commit().then(() => undefined, (e: unknown) => e);
      expect(isSluiceError(woke, 'CHECKPOINT_LOCKED'), String(woke)).toBe(true);
      expect(stateFiles()).toEqual(written);
      await a.close();
      // A provider that loads version 1 for writing now (A again, listing the files) finds
      // version 2 vouched for by commits/1: refused rather than deleted as an abandoned attempt.
      const late = await open(disk, settings(), 'late');
      const refused = await late.load(1).then((store) => store.abort(), (e: unknown) => e);
      expect(isSluiceError(refused, 'CHECKPOINT_LOCKED'), String(refused)).toBe(true);
      await late.close();
      expect(stateFiles()).toEqual(written);
      const reader = await open(disk, settings(), 'reader');
      expect((await read(reader, 2)).model.kv).toEqual(new Map([[1, 'from B']]));
      await reader.close();
    });

    it('loses nothing when killed at any checkpoint change of a commit, a snapshot or a clean-up', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(opArb, { maxLength: 6 }), { minLength: 1, maxLength: 9 }), fc.integer({ min: 1, max: 40 }), fc.boolean(), async (batches, crashAt, sameMachine) => {
          const disk = memoryCheckpoint();
          const s = settings({ minDeltasForSnapshot: 2, minBatchesToRetain: 3 });
          const models: Model[] = [{ kv: new Map(), times: new Set() }];
          for (const [b, ops] of batches.entries()) models[b + 1] = applyModel(models[b]!, ops);
          // First life: dies at its crashAt-th change.
          let committed = 0;
          const dying = await open(crashingCheckpoint(disk, crashAt), s);
          try {
            for (const [b, ops] of batches.entries()) {
              await run(dying, b, ops);
              committed = b + 1;
            }
          } catch (error) {
            if (!isSimulatedCrash(error)) throw error;
          }
          await dying.close().catch(() => undefined);
          // Second life, on the same machine (its local files kept) or another one: replays from the last commit.
          const life = await open(disk, sameMachine ? s : settings({ minDeltasForSnapshot: 2, minBatchesToRetain: 3 }), sameMachine ? 'query' : 'moved');
          expect((await read(life, committed)).model).toEqual(models[committed]);
          for (let b = committed; b < batches.length; b++) await run(life, b, batches[b]!);
          const final = await read(life, batches.length);
          expect(final.model).toEqual(models[batches.length]);
          expect(final.order).toEqual([...final.order].sort((x, y) => Number(x.split(':')[0]) - Number(y.split(':')[0]) || Number(x.split(':')[1]) - Number(y.split(':')[1])));
          await life.close();
        }),
        { numRuns: suite.runs ?? 60 },
      );
    }, 120_000);
  });
}
