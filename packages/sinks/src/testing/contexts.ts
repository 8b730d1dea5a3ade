/** Test support for sinks (not exported): the contexts the engine would hand a sink, to drive one directly. */
import { randomUUID } from 'node:crypto';
import { asyncScheduler } from 'rxjs';
import { SimulatedCrash, type SinkContext } from '@sluice/core/connector';
import { silentLogger, type BatchContext, type Logger, type OutputMode } from '@sluice/core';

export function sinkContext(queryId: string = randomUUID(), outputMode: OutputMode = 'append', log: Logger = silentLogger): SinkContext {
  return { queryId, runId: randomUUID(), queryName: null, outputMode, scheduler: asyncScheduler, log };
}

export interface BatchOptions {
  readonly signal?: AbortSignal;
  /** Make `fault(point)` crash on its `nth` call naming `point` (1-based). */
  readonly crash?: { readonly point: string; readonly nth?: number };
}

/** A batch context; its `fault(point)` crashes where `options.crash` says. */
export function batchContext(batchId: number, context: SinkContext, options: BatchOptions = {}): BatchContext {
  let calls = 0;
  return {
    batchId,
    queryId: context.queryId,
    runId: context.runId,
    queryName: context.queryName,
    outputMode: context.outputMode,
    batchTimestampMs: 0,
    watermarkMs: 0,
    signal: options.signal ?? new AbortController().signal,
    fault: async (point) => {
      if (options.crash && point === options.crash.point && ++calls === (options.crash.nth ?? 1)) throw new SimulatedCrash(`sink:${point}`);
    },
  };
}
