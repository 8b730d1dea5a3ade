/**
 * Evicting what the watermark closed costs what it removes, not what the state holds: a
 * windowed aggregation over thousands of open groups evicts a few thousand, and the store sees
 * only those (read, deleted, written to the version's delta); and once the evicted versions pass
 * retention, the checkpoint directory shrinks to the state that is left. Both state stores,
 * each wrapped in a counting provider that records what the operator asks of it.
 */
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, groupBy, QueryManager, silentLogger, window, withWatermark, type StreamingQueryProgress } from '@sluice/core';
import { registerStateStoreProvider, stateStoreProvider, type KeySpace, type StateStoreProviderFactory, type WritableStateStore } from '@sluice/core/connector';
import { memoryStream } from '@sluice/sources';
import { memorySink } from '@sluice/sinks';
import { STATE_PROVIDERS } from './providers.ts';
import { scratch } from './support.ts';

/** What the operator did to the store in one version, per batch. */
interface Touched {
  version: number;
  read: number;
  scanned: number;
  put: number;
  deleted: number;
}
const touched: Touched[] = [];
/** Upkeep the engine started and does not wait for (a snapshot's upload, retention): awaited before the directory is measured. */
const upkeep: Promise<void>[] = [];
const settled = () => Promise.all(upkeep.splice(0));

/** `base`, recording every key the operator reads, scans, puts and deletes, per committed version. */
function counting(base: StateStoreProviderFactory): StateStoreProviderFactory {
  return {
    name: `counting-${base.name}`,
    sparkClassNames: [],
    open: async (context) => {
      const provider = await base.open(context);
      return {
        maintenance: () => {
          const done = provider.maintenance();
          upkeep.push(done.catch(() => undefined));
          return done;
        },
        close: () => provider.close(),
        load: async (version, options) => {
          const store = await provider.load(version, options);
          const t: Touched = { version: version + 1, read: 0, scanned: 0, put: 0, deleted: 0 };
          const wrapped: WritableStateStore = {
            partition: store.partition,
            version: store.version,
            abort: () => store.abort(),
            metrics: () => store.metrics(),
            commit: async () => {
              await store.commit();
              touched.push(t);
            },
            space: (name) => {
              const space = store.space(name);
              const spy: KeySpace = {
                spec: space.spec,
                getMany: (keys) => ((t.read += keys.length), space.getMany(keys)),
                put: (key, value) => ((t.put += 1), space.put(key, value)),
                delete: (key) => ((t.deleted += 1), space.delete(key)),
                scan: async function* (range, scanOptions) {
                  for await (const chunk of space.scan(range, scanOptions)) {
                    t.scanned += chunk.length;
                    yield chunk;
                  }
                },
              };
              return spy;
            },
          };
          return wrapped;
        },
      };
    },
  };
}

const manager = new QueryManager({ logger: silentLogger });
let dirs: Awaited<ReturnType<typeof scratch>>;
beforeAll(async () => {
  dirs = await scratch('sluice-state-eviction-');
});
afterAll(() => dirs.remove());

const USERS = 500;
const WINDOWS = 20;
/** A long user name that does not compress (RocksDB compresses its files), so the state's size on disk is plain to see. */
const user = (u: number) => createHash('sha512').update(String(u)).digest('base64');
/** One row per user in each of the one-second windows [from, to), at second 1000 + w. */
const rows = (from: number, to: number) => Array.from({ length: (to - from) * USERS }, (_, i) => ({ user: user(i % USERS), ts: (1000 + from + Math.floor(i / USERS)) * 1000 + 500 }));

/** Bytes under `path`; a file the store's background maintenance removes while it is walked counts as gone. */
async function du(path: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true }).catch(() => [])) {
    const full = join(path, entry.name);
    total += entry.isDirectory() ? await du(full) : ((await stat(full).catch(() => undefined))?.size ?? 0);
  }
  return total;
}

async function list(path: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path, { withFileTypes: true, recursive: true })) if (entry.isFile()) out.push(`${join(entry.parentPath, entry.name)} ${(await stat(join(entry.parentPath, entry.name))).size}`);
  return out;
}

describe('a windowed aggregation evicts in proportion to what it removes', () => {
  for (const provider of STATE_PROVIDERS) {
    it(`${provider.name}: an eviction touches only the closed groups, and the checkpoint shrinks once they pass retention`, async () => {
      const factory = counting(stateStoreProvider(provider.name));
      registerStateStoreProvider(factory);
      const checkpoint = dirs.path(provider.name);
      const input = memoryStream('user STRING, ts TIMESTAMP');
      const progress: StreamingQueryProgress[] = [];
      const query = await input.toFrame()
        .pipe(withWatermark('ts', '100 seconds'), groupBy(window('ts', '1 second'), 'user').agg(count().alias('n')))
        .writeStream().sink(memorySink()).queryName(`eviction_${provider.name}`).outputMode('append')
        .options({ ...provider.options(), stateStore: factory.name, 'stateStore.minDeltasForSnapshot': 2, minBatchesToRetain: 3 })
        .option('checkpointLocation', checkpoint).manager(manager).start();
      query.progress$.subscribe((p) => progress.push(p));
      /** Add rows, run until idle; what the store was asked in the versions that evicted, and the rows they removed. */
      const step = async (data: Record<string, unknown>[]) => {
        const seen = progress.length;
        touched.length = 0;
        input.addData(data);
        await query.processAllAvailable();
        const ops = progress.slice(seen).map((p) => p.stateOperators[0]!);
        const evicting = touched.filter((t) => t.deleted > 0);
        return {
          total: ops.at(-1)!.numRowsTotal,
          removed: ops.reduce((n, op) => n + op.numRowsRemoved, 0),
          scanned: evicting.reduce((n, t) => n + t.scanned, 0),
          deleted: evicting.reduce((n, t) => n + t.deleted, 0),
          read: evicting.reduce((n, t) => n + t.read, 0),
        };
      };
      const far = (second: number) => [{ user: 'clock', ts: second * 1000 + 500 }];
      const stateDir = join(checkpoint, 'state');
      try {
        // 10,000 open groups (20 windows × 500 users), under a watermark 100 s behind.
        expect((await step(rows(0, WINDOWS))).total).toBe(WINDOWS * USERS);
        for (let i = 0; i < 3; i++) await step(far(1019)); // a snapshot of the full state is taken
        await settled();
        const full = await du(stateDir);

        // The watermark moves to 1005.5 s: 5 windows close (2,500 groups), 15 stay.
        const five = await step(far(1105));
        expect(five.removed).toBe(5 * USERS);
        expect([five.deleted, five.scanned]).toEqual([5 * USERS, 5 * USERS]);
        expect(five.read).toBeLessThanOrEqual(1);
        // To 1015.5 s: 10 more windows (5,000 groups), twice the work for twice the rows.
        const ten = await step(far(1115));
        expect(ten.removed).toBe(10 * USERS);
        expect([ten.deleted, ten.scanned]).toEqual([10 * USERS, 10 * USERS]);

        // Everything closes; the versions that held it pass retention (3) and the snapshot interval (2).
        for (let i = 0; i < 8; i++) await step(far(1300 + 200 * i));
        expect(progress.at(-1)!.stateOperators[0]!.numRowsTotal).toBe(1);
        await settled();
        const left = await du(stateDir);
        if (left >= full / 4) console.log(await list(stateDir));
        expect(left, `state directory: ${full} bytes with 10,000 groups, ${left} bytes at the end`).toBeLessThan(full / 4);
      } finally {
        await query.stop();
      }
    });
  }
});
