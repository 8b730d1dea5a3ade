import { createRequire } from 'node:module';
import { requireOptional } from '@sluice/core/connector';

const require = createRequire(import.meta.url);

/**
 * The kafkajs module, loaded when the first Kafka client is created: kafkajs is an optional peer,
 * so an app without a Kafka source or sink never installs or loads it, and one with a Kafka
 * source but no kafkajs gets MISSING_DEPENDENCY naming it. (`require`, not `import`: Node's
 * CommonJS export detection misses kafkajs's `CompressionCodecs`.)
 */
export function kafkajs(): typeof import('kafkajs') {
  return requireOptional(require, { name: 'kafkajs', range: '^2.2.4', usedBy: 'The Kafka source and sink' });
}
