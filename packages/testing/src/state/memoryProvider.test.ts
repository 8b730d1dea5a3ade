import { memoryStateProviderFactory } from '@sluice/core/connector';
import { stateStoreProviderSuite } from './providerSuite.ts';

stateStoreProviderSuite(memoryStateProviderFactory, { runs: Number(process.env['STATE_RUNS'] ?? 60) });
