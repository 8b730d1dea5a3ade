/**
 * The seed example of the blog, in TypeScript: a rate source into the noop sink, watched through
 * `status` and `lastProgress` exactly as a Spark user watches `streaming_query.status`.
 *
 *   pnpm tsx examples/rate-to-noop.ts
 */
import { createStreamingQuery, progressToJson } from '@sluice/core';
import '@sluice/sources';
import '@sluice/sinks';

const streamingQuery = await createStreamingQuery({
  sourceFormat: 'rate',
  sourceOptions: { rowsPerSecond: 1 },
  targetFormat: 'noop',
  targetOptions: { checkpointLocation: process.env['CHECKPOINT'] ?? 'file:/tmp/checkpoint' },
  queryName: 'source_rate_sink_noop',
});

console.log(streamingQuery.status);
await new Promise((resolve) => setTimeout(resolve, Number(process.env['SECONDS'] ?? 3) * 1000));
console.log(streamingQuery.status);
console.log(progressToJson(streamingQuery.lastProgress!));
await streamingQuery.stop();
console.log(streamingQuery.status);
