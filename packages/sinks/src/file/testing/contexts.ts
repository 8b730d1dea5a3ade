import { randomUUID } from 'node:crypto';
import { asyncScheduler } from 'rxjs';
import { SimulatedCrash, silentLogger, type BatchContext, type SinkContext } from '@sluice/core';

export function sinkContext(queryId: string = randomUUID()): SinkContext {
  return { queryId, runId: randomUUID(), queryName: null, outputMode: 'append', scheduler: asyncScheduler, log: silentLogger };
}

/** A batch context whose `fault(point)` crashes on the `crashOn`-th call naming `point` (1-based). */
export function batchContext(batchId: number, context: SinkContext, crash?: { readonly point: string; readonly nth?: number }): BatchContext {
  let calls = 0;
  return {
    batchId,
    queryId: context.queryId,
    runId: context.runId,
    queryName: context.queryName,
    outputMode: context.outputMode,
    batchTimestampMs: 0,
    watermarkMs: 0,
    signal: new AbortController().signal,
    fault: async (point) => {
      if (crash && point === crash.point && ++calls === (crash.nth ?? 1)) throw new SimulatedCrash(`sink:${point}`);
    },
  };
}
