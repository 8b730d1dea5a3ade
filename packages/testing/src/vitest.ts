/**
 * @sluice/testing/vitest: test suites that declare vitest tests themselves (`describe`/`it`), so
 * they need vitest to be running. Kept out of `@sluice/testing`, which works under any runner and
 * in plain scripts.
 *
 * @example
 * // rocksdbProvider.test.ts
 * import { stateStoreProviderSuite } from '@sluice/testing/vitest';
 * stateStoreProviderSuite(rocksdbStateProviderFactory, { runs: 60 });
 *
 * @packageDocumentation
 */
export { stateStoreProviderSuite } from './state/providerSuite.ts';
export type { ProviderSuiteOptions } from './state/providerSuite.ts';
