/**
 * @sluice/state-rocksdb: a RocksDB state store for state larger than memory. Importing the
 * package registers it; a query selects it with `.option('stateStore', 'rocksdb')` (or Spark's
 * `spark.sql.streaming.stateStore.providerClass` set to RocksDBStateStoreProvider).
 *
 * @example
 * import '@sluice/state-rocksdb';
 * await frame.writeStream().format('console').option('stateStore', 'rocksdb').option('checkpointLocation', '/tmp/ck').start();
 */
import { registerStateStoreProvider } from '@sluice/core';
import { rocksdbStateProviderFactory } from './rocksdbStateProvider.ts';

registerStateStoreProvider(rocksdbStateProviderFactory);

export { rocksdbStateProviderFactory };
