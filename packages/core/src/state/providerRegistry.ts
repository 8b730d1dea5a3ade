import { SluiceError } from '../errors.ts';
import { memoryStateProviderFactory } from './memory/memoryStateProvider.ts';
import type { StateStoreProviderFactory } from './stateStore.ts';

const factories = new Map<string, StateStoreProviderFactory>([['memory', memoryStateProviderFactory]]);

/** Providers that live in their own package, so that selecting one without it says what to install. */
const KNOWN_PACKAGES: Record<string, { readonly pkg: string; readonly sparkClassNames: readonly string[] }> = {
  rocksdb: {
    pkg: '@sluice/state-rocksdb',
    sparkClassNames: ['org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider', 'com.databricks.sql.streaming.state.RocksDBStateStoreProvider'],
  },
};

/**
 * Make a state store provider selectable by name (and by its Spark class names). Provider
 * packages call this when imported: `import '@sluice/state-rocksdb'`.
 *
 * @example
 * registerStateStoreProvider({ name: 'mine', sparkClassNames: [], open: async (ctx) => new MyProvider(ctx) });
 * frame.writeStream().option('stateStore', 'mine')
 */
export function registerStateStoreProvider(factory: StateStoreProviderFactory): void {
  factories.set(factory.name.toLowerCase(), factory);
}

/** The provider a query asked for: a name (`memory`, `rocksdb`) or a Spark provider class name. */
export function stateStoreProvider(nameOrClass: string): StateStoreProviderFactory {
  const wanted = nameOrClass.trim();
  const lower = wanted.toLowerCase();
  const direct = factories.get(lower);
  if (direct) return direct;
  for (const factory of factories.values()) if (factory.sparkClassNames.includes(wanted)) return factory;
  for (const [name, known] of Object.entries(KNOWN_PACKAGES)) {
    if (lower === name || known.sparkClassNames.includes(wanted)) {
      throw new SluiceError(
        'MISSING_DEPENDENCY',
        `The ${name} state store is in the package ${known.pkg}, which is not installed or not imported. Install it (npm install ${known.pkg}) and import it once before starting the query (import '${known.pkg}'), or use the default in-memory state store.`,
        { details: { package: known.pkg, provider: wanted } },
      );
    }
  }
  throw new SluiceError(
    'INVALID_OPTION',
    `Unknown state store provider '${wanted}'. Known: ${[...new Set([...factories.keys(), ...Object.keys(KNOWN_PACKAGES)])].join(', ')} (or Spark's class names of HDFSBackedStateStoreProvider / RocksDBStateStoreProvider).`,
    { details: { option: 'stateStore' } },
  );
}
