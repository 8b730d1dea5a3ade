import { SluiceError } from '../errors.ts';
import type { StateStoreSettings } from './stateStore.ts';

/**
 * State partitions of a new checkpoint. Measured with `pnpm bench state` (1,000-key batches,
 * 2 cores): every partition writes its own fsync'd delta per batch, and on this machine one
 * partition was fastest at every state size — the partition split is for parallel work
 * (worker threads, more processes), which only pays with cores and batches to spare.
 * Re-measured 2026-12-05 (10 k keys, in-memory checkpoint so only the CPU counts, loaded
 * machine): CPU per batch 1 partition 8.0–9.0 ms, 4 partitions 7.8–9.7 ms, 8 partitions
 * 8.6–9.5 ms — no gain without threads, while a file checkpoint pays one more delta fsync and
 * file per partition and batch.
 */
export const DEFAULT_STATE_PARTITIONS = 1;

/** Writer options that configure the state store, Sluice's short names first then Spark's. */
const NAMES = {
  provider: ['stateStore', 'spark.sql.streaming.stateStore.providerClass'],
  numPartitions: ['stateStore.partitions', 'spark.sql.shuffle.partitions'],
  minDeltasForSnapshot: ['stateStore.minDeltasForSnapshot', 'spark.sql.streaming.stateStore.minDeltasForSnapshot'],
} as const;
const PROVIDER_OPTION = /^(?:spark\.sql\.streaming\.)?stateStore\.([a-z0-9]+\..+)$/i;

export function isStateStoreOption(key: string): boolean {
  const lower = key.toLowerCase();
  return Object.values(NAMES).some((names) => names.some((n) => n.toLowerCase() === lower)) || PROVIDER_OPTION.test(key);
}

/**
 * The state store settings from a query's writer options (already filtered by
 * `isStateStoreOption`), with Spark's defaults.
 *
 * @example
 * parseStateStoreSettings({ stateStore: 'rocksdb', 'spark.sql.shuffle.partitions': '4' }, 100)
 */
export function parseStateStoreSettings(raw: Readonly<Record<string, unknown>>, minBatchesToRetain: number): StateStoreSettings {
  const find = (names: readonly string[]) => {
    for (const name of names) {
      const entry = Object.entries(raw).find(([k]) => k.toLowerCase() === name.toLowerCase());
      if (entry) return { name: entry[0], value: entry[1] };
    }
    return undefined;
  };
  const positive = (names: readonly string[], fallback: number): number => {
    const found = find(names);
    if (!found) return fallback;
    const n = typeof found.value === 'number' ? found.value : Number(String(found.value).trim());
    if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new SluiceError('INVALID_OPTION', `Option '${found.name}' must be a whole number from 1 to 10000, got ${JSON.stringify(found.value)}.`, { details: { option: found.name } });
    return n;
  };
  const provider = find(NAMES.provider);
  if (provider && (typeof provider.value !== 'string' || provider.value.trim() === '')) {
    throw new SluiceError('INVALID_OPTION', `Option '${provider.name}' must be a state store name ('memory', 'rocksdb') or a Spark provider class name, got ${JSON.stringify(provider.value)}.`, { details: { option: provider.name } });
  }
  const options: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    const match = PROVIDER_OPTION.exec(key);
    if (match && !Object.values(NAMES).some((names) => names.some((n) => n.toLowerCase() === key.toLowerCase()))) options[match[1]!] = String(value);
  }
  return {
    provider: provider ? String(provider.value).trim() : 'memory',
    numPartitions: positive(NAMES.numPartitions, DEFAULT_STATE_PARTITIONS),
    minDeltasForSnapshot: positive(NAMES.minDeltasForSnapshot, 10),
    minBatchesToRetain,
    options,
  };
}
