/**
 * State that cannot be trusted is refused, never read as empty, and the checkpoint is left
 * byte-identical (issue 18 item 9): a changed aggregation (STATE_SCHEMA_MISMATCH naming what
 * changed), Spark's own state files, an earlier Sluice's JSON snapshots (STATE_FORMAT_UNSUPPORTED
 * naming the file). Partition count and provider are fixed at the first run.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { avg, count, groupBy, isSluiceError, QueryManager, silentLogger, sum, type Aggregate, type StreamFrame } from '@sluice/core';
import { memoryStream } from '@sluice/sources';
import { memorySink, memoryTableRows } from '@sluice/sinks';
import { STATE_PROVIDERS } from './providers.ts';
import { hashDirectory, scratch } from './support.ts';

const manager = new QueryManager({ logger: silentLogger });
let dirs: Awaited<ReturnType<typeof scratch>>;
beforeAll(async () => {
  dirs = await scratch('sluice-state-safety-');
});
afterAll(() => dirs.remove());

const SCHEMA = 'user STRING, amount INT';
let tables = 0;

/** Run `aggregate` over the input once (one batch of `rows`), on `checkpoint`; returns what the sink holds. */
async function runOnce(input: ReturnType<typeof memoryStream>, checkpoint: string, aggregate: (f: StreamFrame) => StreamFrame, rows: Record<string, unknown>[], options: Record<string, unknown> = {}): Promise<Record<string, unknown>[]> {
  const table = `state_safety_${tables++}`;
  const query = await aggregate(input.toFrame()).writeStream().sink(memorySink()).queryName(table).outputMode('complete').options(options).option('checkpointLocation', checkpoint).manager(manager).start();
  try {
    input.addData(rows);
    await query.processAllAvailable();
  } finally {
    await query.stop();
  }
  return memoryTableRows(table);
}

const by = (...aggs: Aggregate[]) => (f: StreamFrame) => f.pipe(groupBy('user').agg(...aggs));

async function refusal(input: ReturnType<typeof memoryStream>, checkpoint: string, aggregate: (f: StreamFrame) => StreamFrame, options: Record<string, unknown> = {}): Promise<unknown> {
  const before = await hashDirectory(checkpoint);
  const error = await runOnce(input, checkpoint, aggregate, [{ user: 'ada', amount: 1 }], options).then(() => undefined, (e: unknown) => e);
  expect(await hashDirectory(checkpoint), 'the checkpoint was not touched').toBe(before);
  return error;
}

describe('state that cannot be trusted is refused, and the checkpoint left as it was', () => {
  for (const provider of STATE_PROVIDERS) {
    it(`${provider.name}: a restart with a changed aggregation fails with STATE_SCHEMA_MISMATCH naming the change`, async () => {
      const checkpoint = dirs.path('changed');
      const input = memoryStream(SCHEMA);
      await runOnce(input, checkpoint, by(sum('amount').alias('total')), [{ user: 'ada', amount: 5 }], provider.options());
      const toAvg = await refusal(input, checkpoint, by(avg('amount').alias('total')), provider.options());
      expect(isSluiceError(toAvg, 'STATE_SCHEMA_MISMATCH')).toBe(true);
      expect(String(toAvg)).toMatch(/value columns were \(sum: bigint\), now \(avg\.sum: double, avg\.count: bigint\)/);
      // Same type (bigint), another function: Spark would accept it and count wrong; Sluice refuses.
      const toCount = await refusal(input, checkpoint, by(count().alias('total')), provider.options());
      expect(String(toCount)).toMatch(/STATE_SCHEMA_MISMATCH.*value column 1 was sum: bigint, now count: bigint/);
      const byOther = await refusal(input, checkpoint, (f) => f.pipe(groupBy('amount').agg(sum('amount').alias('total'))), provider.options());
      expect(String(byOther)).toMatch(/STATE_SCHEMA_MISMATCH.*key column 1 was user: string, now amount: int/);
      // The unchanged query still runs on it.
      expect(await runOnce(input, checkpoint, by(sum('amount').alias('total')), [{ user: 'ada', amount: 2 }], provider.options())).toEqual([{ user: 'ada', total: 7n }]);
    });
  }

  it('Spark 2.1 state (state/0/<p>/1.delta, LZ4 UnsafeRows, no metadata) is refused with STATE_FORMAT_UNSUPPORTED naming the file', async () => {
    const checkpoint = dirs.path('spark21');
    const input = memoryStream(SCHEMA);
    await runOnce(input, checkpoint, by(count().alias('n')), [{ user: 'ada', amount: 1 }]);
    // What Spark 2.1's HDFS-backed store leaves: a delta per partition, LZ4-framed.
    await rm(join(checkpoint, 'state/0'), { recursive: true });
    for (const p of [0, 1, 2]) {
      await mkdir(join(checkpoint, `state/0/${p}`), { recursive: true });
      await writeFile(join(checkpoint, `state/0/${p}/1.delta`), Buffer.concat([Buffer.from('LZ4Block', 'latin1'), Buffer.from([0x26, 0x11, 0, 0, 0, 0x0b, 0, 0, 0])]));
    }
    const error = await refusal(input, checkpoint, by(count().alias('n')));
    expect(isSluiceError(error, 'STATE_FORMAT_UNSUPPORTED')).toBe(true);
    expect(String(error)).toContain('state/0/0/1.delta was written by Apache Spark');
    expect((error as { details: { file: string } }).details.file).toMatch(/state\/0\/0\/1\.delta$/);
  });

  it('Spark 3.5 operator metadata (state/0/_metadata/metadata) is refused too', async () => {
    const checkpoint = dirs.path('spark35');
    const input = memoryStream(SCHEMA);
    await runOnce(input, checkpoint, by(count().alias('n')), [{ user: 'ada', amount: 1 }]);
    await rm(join(checkpoint, 'state/0'), { recursive: true });
    await mkdir(join(checkpoint, 'state/0/_metadata'), { recursive: true });
    await writeFile(join(checkpoint, 'state/0/_metadata/metadata'), 'v1\n{"operatorInfo":{"operatorId":0,"operatorName":"stateStoreSave"},"stateStoreInfo":[{"storeName":"default","numColsPrefixKey":0,"numPartitions":5}]}');
    const error = await refusal(input, checkpoint, by(count().alias('n')));
    expect(String(error)).toMatch(/STATE_FORMAT_UNSUPPORTED.*Apache Spark.*_metadata\/metadata/);
  });

  it('state of an earlier Sluice (whole JSON snapshots) is refused with what to do', async () => {
    const checkpoint = dirs.path('legacy');
    const input = memoryStream(SCHEMA);
    await runOnce(input, checkpoint, by(count().alias('n')), [{ user: 'ada', amount: 1 }]);
    await rm(join(checkpoint, 'state/0'), { recursive: true });
    await mkdir(join(checkpoint, 'state/0/0'), { recursive: true });
    await writeFile(join(checkpoint, 'state/0/0/1.snapshot'), 'v1\n[["[\\"ada\\"]",{"key":["ada"],"acc":[1],"eventEnd":null}]]');
    const error = await refusal(input, checkpoint, by(count().alias('n')));
    expect(String(error)).toMatch(/STATE_FORMAT_UNSUPPORTED.*earlier version of Sluice/);
  });

  it('a stateful operator added to a query that already ran is refused, not started from nothing', async () => {
    const checkpoint = dirs.path('added');
    const input = memoryStream(SCHEMA);
    const table = `state_safety_${tables++}`;
    const plain = await input.toFrame().writeStream().sink(memorySink()).queryName(table).option('checkpointLocation', checkpoint).manager(manager).start();
    input.addData([{ user: 'ada', amount: 1 }]);
    await plain.processAllAvailable();
    await plain.stop();
    const error = await refusal(input, checkpoint, by(count().alias('n')));
    expect(String(error)).toMatch(/STATE_SCHEMA_MISMATCH.*no state for operator 0/);
  });

  it('the partition count and the provider are fixed at the first run', async () => {
    const checkpoint = dirs.path('fixed');
    const input = memoryStream(SCHEMA);
    const users = ['ada', 'bob', 'cy', 'dee', 'eve', 'fay'];
    await runOnce(input, checkpoint, by(count().alias('n')), users.map((user) => ({ user, amount: 1 })), { 'spark.sql.shuffle.partitions': 3 });
    expect((await readdir(join(checkpoint, 'state/0'))).sort()).toEqual(['0', '1', '2', '_metadata']);
    const again = await runOnce(input, checkpoint, by(count().alias('n')), users.map((user) => ({ user, amount: 1 })), { 'spark.sql.shuffle.partitions': 5, stateStore: 'rocksdb' });
    expect(again.map((r) => [r['user'], r['n']]).sort()).toEqual(users.map((u) => [u, 2n]));
    expect((await readdir(join(checkpoint, 'state/0'))).sort()).toEqual(['0', '1', '2', '_metadata']);
    expect((await readdir(join(checkpoint, 'state/0/1'))).some((f) => f.endsWith('.delta'))).toBe(true);
  });
});
