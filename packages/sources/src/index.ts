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

/** Spark's rate sources have a fixed schema; a user schema is refused, as Spark refuses it. */
function noUserSchema(format: string, userSchema: unknown): void {
  if (userSchema === undefined) return;
  throw new SluiceError('INVALID_OPTION', `The ${format} source does not support a user-specified schema: its rows are always (timestamp TIMESTAMP, value BIGINT). Remove .schema(...), and select or cast the columns after load().`, { details: { format } });
}
registerSourceFormat({ name: 'rate', createSource: ({ options, userSchema }) => (noUserSchema('rate', userSchema), rateProvider(options)) });
registerSourceFormat({ name: 'rate-micro-batch', createSource: ({ options, userSchema }) => (noUserSchema('rate-micro-batch', userSchema), rateMicroBatchProvider(options)) });
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
