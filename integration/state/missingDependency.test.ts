/** Selecting the RocksDB state store without its package says what to install (this file never imports it). */
import { describe, expect, it } from 'vitest';
import { count, groupBy, isSluiceError, memoryCheckpoint, QueryManager, silentLogger } from '@sluice/core';
import { memoryStream } from '@sluice/sources';
import { memorySink } from '@sluice/sinks';

const manager = new QueryManager({ logger: silentLogger });

describe('state store selection', () => {
  const start = (options: Record<string, unknown>) =>
    memoryStream('user STRING').toFrame().pipe(groupBy('user').agg(count())).writeStream().sink(memorySink()).queryName(`missing_${Object.values(options).join('_').replace(/\W/g, '')}`)
      .outputMode('update').options(options).option('checkpointLocation', memoryCheckpoint()).manager(manager).start().then(() => undefined, (e: unknown) => e);

  it("'rocksdb' without @sluice/state-rocksdb fails with MISSING_DEPENDENCY naming the package", async () => {
    const error = await start({ stateStore: 'rocksdb' });
    expect(isSluiceError(error, 'MISSING_DEPENDENCY')).toBe(true);
    expect(String(error)).toContain('npm install @sluice/state-rocksdb');
    expect((error as { details: { package: string } }).details.package).toBe('@sluice/state-rocksdb');
  });

  it("Spark's conf with the RocksDB provider class fails the same way", async () => {
    const error = await start({ 'spark.sql.streaming.stateStore.providerClass': 'org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider' });
    expect(isSluiceError(error, 'MISSING_DEPENDENCY')).toBe(true);
  });

  it('an unknown provider is an INVALID_OPTION listing the known ones; the HDFS class name means the default', async () => {
    expect(String(await start({ stateStore: 'cassandra' }))).toMatch(/INVALID_OPTION.*Unknown state store provider 'cassandra'. Known: memory, rocksdb/);
    expect(await start({ 'spark.sql.streaming.stateStore.providerClass': 'org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider' })).toBeUndefined();
  });
});
