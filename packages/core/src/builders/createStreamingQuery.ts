import type { SchemaLike } from '../arrow/schema.ts';
import type { QueryManager } from '../query/queryManager.ts';
import type { StreamingQuery } from '../query/streamingQuery.ts';
import type { TriggerLike } from '../triggers/trigger.ts';
import type { OutputMode } from '../types.ts';
import { readStream } from './dataStreamReader.ts';
import type { DataStreamWriter } from './dataStreamWriter.ts';
import type { Operator } from './streamFrame.ts';

/** A query as plain configuration, like a job file (the blog's `StreamOptions`). */
export interface StreamOptions {
  readonly sourceFormat: string;
  readonly sourceOptions?: Readonly<Record<string, unknown>>;
  readonly sourceSchema?: SchemaLike;
  /** Applied to the loaded stream, like `DataFrame.transform`. */
  readonly transform?: Operator;
  readonly targetFormat: string;
  /** Sink options, `checkpointLocation` included. */
  readonly targetOptions?: Readonly<Record<string, unknown>>;
  readonly queryName?: string;
  readonly trigger?: TriggerLike;
  readonly outputMode?: OutputMode;
  readonly partitionBy?: readonly string[];
  readonly manager?: QueryManager;
}

/**
 * Build and start a query from configuration.
 *
 * @example
 * const query = await createStreamingQuery({
 *   sourceFormat: 'rate', sourceOptions: { rowsPerSecond: 1 },
 *   targetFormat: 'noop', targetOptions: { checkpointLocation: 'file:/tmp/checkpoint' },
 *   queryName: 'source_rate_sink_noop',
 * });
 */
export function createStreamingQuery(options: StreamOptions): Promise<StreamingQuery> {
  return streamWriter(options).start();
}

/**
 * The writer `createStreamingQuery` would start, not yet started: to `validate()` a query held
 * as configuration (a job file) or adjust it before `start()`.
 *
 * @example
 * const writer = streamWriter({ sourceFormat: 'rate', targetFormat: 'console' });
 * console.log(writer.validate().plan.join('\n'));
 */
export function streamWriter(options: StreamOptions): DataStreamWriter {
  let reader = readStream().format(options.sourceFormat).options(options.sourceOptions ?? {});
  if (options.sourceSchema !== undefined) reader = reader.schema(options.sourceSchema);
  let frame = reader.load();
  if (options.transform) frame = frame.transform(options.transform);
  const writer = frame.writeStream().format(options.targetFormat).options(options.targetOptions ?? {});
  if (options.queryName !== undefined) writer.queryName(options.queryName);
  if (options.trigger !== undefined) writer.trigger(options.trigger);
  if (options.outputMode !== undefined) writer.outputMode(options.outputMode);
  if (options.partitionBy !== undefined) writer.partitionBy(...options.partitionBy);
  if (options.manager !== undefined) writer.manager(options.manager);
  return writer;
}
