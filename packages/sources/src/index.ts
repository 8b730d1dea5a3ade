/**
 * @sluice/sources: streaming sources. Importing this package registers each source by name
 * for `readStream().format(name)`.
 */
import { registerSourceFormat } from '@sluice/core/connector';
import { SluiceError } from '@sluice/core';
import { MemoryStream } from './memory/memoryStream.ts';
import { rateProvider } from './rate/rateSource.ts';
import { rateMicroBatchProvider } from './rateMicroBatch/rateMicroBatchSource.ts';
import { deltaSourceProvider } from './delta/deltaSource.ts';
import { FILE_SOURCE_FORMATS, fileSourceProvider } from './file/fileSource.ts';
import { kafkaProvider } from './kafka/kafkaSourceProvider.ts';

export { rateSource } from './rate/rateSource.ts';
export type { RateSourceConfig } from './rate/options.ts';
export { rateMicroBatchSource } from './rateMicroBatch/rateMicroBatchSource.ts';
export type { RateMicroBatchSourceConfig } from './rateMicroBatch/options.ts';
export { MemoryStream, memoryStream } from './memory/memoryStream.ts';
export { deltaSource } from './delta/deltaSource.ts';
export type { DeltaSourceConfig } from './delta/options.ts';
export { fileSource } from './file/fileSource.ts';
export type { FileSourceConfig } from './file/fileSource.ts';
/* Kafka */
export { kafkaSource } from './kafka/kafkaSourceProvider.ts';
export type { KafkaSourceOptions } from './kafka/kafkaSourceProvider.ts';

registerSourceFormat({ name: 'rate', createSource: ({ options }) => rateProvider(options) });
registerSourceFormat({ name: 'rate-micro-batch', createSource: ({ options }) => rateMicroBatchProvider(options) });
registerSourceFormat({
  name: 'memory',
  createSource: ({ options }) => {
    const stream = Object.entries(options).find(([k]) => k.toLowerCase() === 'stream')?.[1];
    if (!(stream instanceof MemoryStream)) {
      throw new SluiceError('MISSING_OPTION', "The memory source reads a MemoryStream: readStream().format('memory').option('stream', memoryStream(schema)).load(), or memoryStream(schema).toFrame().");
    }
    return stream.sourceProvider;
  },
});
registerSourceFormat({ name: 'delta', createSource: ({ options, userSchema }) => deltaSourceProvider(options, userSchema) });
for (const name of FILE_SOURCE_FORMATS) registerSourceFormat({ name, createSource: ({ options, userSchema }) => fileSourceProvider(name, options, userSchema) });
registerSourceFormat({ name: 'kafka', createSource: ({ options, userSchema }) => kafkaProvider(options, userSchema) });
