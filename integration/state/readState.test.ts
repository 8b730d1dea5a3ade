/** Reading state without a running query: readState (Spark's `statestore` source) and describeState (its `state-metadata`). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, describeState, groupBy, QueryManager, readState, silentLogger, sum, tableToRows } from '@sluice/core';
import { memoryStream } from '@sluice/sources';
import { memorySink } from '@sluice/sinks';
import { STATE_PROVIDERS } from './providers.ts';
import { hashDirectory, scratch } from './support.ts';

const manager = new QueryManager({ logger: silentLogger });
let dirs: Awaited<ReturnType<typeof scratch>>;
beforeAll(async () => {
  dirs = await scratch('sluice-read-state-');
});
afterAll(() => dirs.remove());

describe('reading a checkpoint\'s state', () => {
  for (const provider of STATE_PROVIDERS) {
    it(`${provider.name}: readState gives any retained batch's keys and values as an Arrow table, and changes nothing`, async () => {
      const checkpoint = dirs.path(provider.name);
      const input = memoryStream('user STRING, amount INT');
      const query = await input.toFrame().pipe(groupBy('user').agg(count().alias('n'), sum('amount').alias('total'))).writeStream().sink(memorySink()).queryName(`read_state_${provider.name}`)
        .outputMode('update').options({ ...provider.options(), 'spark.sql.shuffle.partitions': 2, 'stateStore.minDeltasForSnapshot': 2 }).option('checkpointLocation', checkpoint).manager(manager).start();
      for (const rows of [[{ user: 'ada', amount: 1 }, { user: 'bob', amount: 2 }], [{ user: 'ada', amount: 3 }], [{ user: 'cy', amount: 4 }]]) {
        input.addData(rows);
        await query.processAllAvailable();
      }
      await query.stop();
      const before = await hashDirectory(checkpoint);

      const latest = await readState(checkpoint);
      expect(latest.schema.fields.map((f) => f.name)).toEqual(['key', 'value', 'partition_id']);
      const sorted = (rows: Record<string, unknown>[]) => rows.map((r) => [(r['key'] as { user: string }).user, (r['value'] as { count: bigint }).count, (r['value'] as { sum: bigint }).sum]).sort();
      expect(sorted(tableToRows(latest))).toEqual([['ada', 2n, 4n], ['bob', 1n, 2n], ['cy', 1n, 4n]]);
      expect(sorted(tableToRows(await readState(checkpoint, { batchId: 0 })))).toEqual([['ada', 1n, 1n], ['bob', 1n, 2n]]);
      const perPartition = await Promise.all([0, 1].map(async (partition) => tableToRows(await readState(checkpoint, { partition }))));
      expect(perPartition.flat().length).toBe(3);
      expect(perPartition.every((rows, p) => rows.every((r) => r['partition_id'] === p))).toBe(true);

      const [operator] = await describeState(checkpoint);
      expect(operator).toMatchObject({ operatorId: 0, operatorName: 'stateStoreSave', provider: provider.name, numPartitions: 2, minBatchId: 0, maxBatchId: 2, problem: null });
      expect(operator!.keySpaces).toEqual([{ name: 'default', ordered: false, key: ['user: string'], value: ['count: bigint', 'sum: bigint'] }]);
      expect(operator!.bytes).toBeGreaterThan(0);
      expect(await hashDirectory(checkpoint)).toBe(before);
    });
  }
});
