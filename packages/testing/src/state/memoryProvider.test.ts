import { memoryStateProviderFactory } from '@sluice/core';
import { stateStoreProviderSuite } from './providerSuite.ts';

stateStoreProviderSuite(memoryStateProviderFactory, { runs: Number(process.env['STATE_RUNS'] ?? 60) });
