import { asyncScheduler } from 'rxjs';
import { silentLogger, type BatchContext, type OutputMode, type Sink, type SinkProvider } from '@sluice/core';

/**
 * Drive a sink directly, as Spark's sink suites do (`sink.addBatch(id, rows)` without a query):
 * the contexts the engine would hand it.
 */
export async function openSink(provider: SinkProvider, outputMode: OutputMode = 'append', queryName: string | null = null, queryId = 'conformance-query'): Promise<Sink> {
  return provider.open({ queryId, runId: 'conformance-run', queryName, outputMode, scheduler: asyncScheduler, log: silentLogger });
}

export function batchContext(batchId: number, outputMode: OutputMode = 'append', queryId = 'conformance-query'): BatchContext {
  return {
    batchId,
    queryId,
    runId: 'conformance-run',
    queryName: null,
    outputMode,
    batchTimestampMs: 0,
    watermarkMs: 0,
    signal: new AbortController().signal,
    fault: async () => {},
  };
}
