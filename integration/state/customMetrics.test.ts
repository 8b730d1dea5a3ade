/**
 * Each state store's custom metrics reach `stateOperators[].customMetrics` of the progress under
 * Spark's names: the HDFS-backed store's three for the in-memory store, RocksDBStateStoreProvider's
 * full set for RocksDB — the same keys every batch, as Spark reports them.
 */
import { describe, expect, it } from 'vitest';
import { count, groupBy, QueryManager, silentLogger, type StreamingQueryProgress } from '@sluice/core';
import { memoryStream } from '@sluice/sources';
import { memorySink } from '@sluice/sinks';
import { STATE_PROVIDERS } from './providers.ts';
import { scratch } from './support.ts';

const SPARK_ROCKSDB_METRICS = [
  'rocksdbBytesCopied', 'rocksdbCommitCheckpointLatency', 'rocksdbCommitCompactLatency', 'rocksdbCommitFileSyncLatencyMs', 'rocksdbCommitFlushLatency',
  'rocksdbCommitPauseLatency', 'rocksdbCommitWriteBatchLatency', 'rocksdbFilesCopied', 'rocksdbFilesReused', 'rocksdbGetCount', 'rocksdbGetLatency',
  'rocksdbPutCount', 'rocksdbPutLatency', 'rocksdbReadBlockCacheHitCount', 'rocksdbReadBlockCacheMissCount', 'rocksdbSstFileSize', 'rocksdbTotalBytesRead',
  'rocksdbTotalBytesReadByCompaction', 'rocksdbTotalBytesWritten', 'rocksdbTotalBytesWrittenByCompaction', 'rocksdbTotalCompactionLatencyMs',
  'rocksdbWriterStallLatencyMs', 'rocksdbZipFileBytesUncompressed',
];
const EXPECTED: Record<string, readonly string[]> = {
  memory: ['loadedMapCacheHitCount', 'loadedMapCacheMissCount', 'stateOnCurrentVersionSizeBytes'],
  rocksdb: SPARK_ROCKSDB_METRICS,
};

describe('state store custom metrics in the progress', () => {
  for (const provider of STATE_PROVIDERS) {
    it(`${provider.name}: Spark's metric names, every batch`, async () => {
      const dirs = await scratch(`sluice-custom-metrics-${provider.name}-`);
      const input = memoryStream('user STRING');
      const progress: StreamingQueryProgress[] = [];
      const query = await input.toFrame().pipe(groupBy('user').agg(count().alias('n'))).writeStream().sink(memorySink()).queryName(`custom_metrics_${provider.name}`)
        .outputMode('update').options({ ...provider.options(), 'stateStore.minDeltasForSnapshot': 1 }).option('checkpointLocation', dirs.path('ck'))
        .manager(new QueryManager({ logger: silentLogger })).start();
      query.progress$.subscribe((p) => progress.push(p));
      try {
        for (const users of [['ada', 'bob', 'cy'], ['ada'], ['dee', 'eve'], ['bob']]) {
          input.addData(users.map((user) => ({ user })));
          await query.processAllAvailable();
        }
      } finally {
        await query.stop();
        await dirs.remove();
      }
      const ops = progress.filter((p) => p.numInputRows > 0).map((p) => ({ ...p.stateOperators[0]!, customMetrics: p.stateOperators[0]!.customMetrics ?? {} }));
      expect(ops).toHaveLength(4);
      for (const op of ops) expect(Object.keys(op.customMetrics).sort()).toEqual([...EXPECTED[provider.name]!].sort());
      if (provider.name === 'memory') {
        expect(ops.map((op) => op.customMetrics['loadedMapCacheHitCount'])).toEqual([0, 1, 2, 3]);
        expect(ops.at(-1)!.customMetrics['stateOnCurrentVersionSizeBytes']).toBe(ops.at(-1)!.memoryUsedBytes);
      } else {
        // One get and one put per group the batch touched; after a snapshot, the files it copied.
        expect(ops.map((op) => op.customMetrics['rocksdbPutCount'])).toEqual([3, 1, 2, 1]);
        expect(ops.map((op) => op.customMetrics['rocksdbGetCount'])).toEqual([3, 1, 2, 1]);
        expect(ops.some((op) => op.customMetrics['rocksdbFilesCopied']! > 0 && op.customMetrics['rocksdbBytesCopied']! > 0)).toBe(true);
        expect(ops.at(-1)!.customMetrics['rocksdbTotalBytesWritten']).toBeGreaterThan(0);
      }
    });
  }
});
