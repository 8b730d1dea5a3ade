import type { StreamingQueryStatus } from '../query/progress.ts';
import type { LifecycleContext, LifecycleStateName } from './queryLifecycle.ts';

/**
 * Spark's status for a lifecycle state. It is derived from the machine state only, never from
 * flags kept elsewhere, so status cannot disagree with what the query is doing.
 */
export function statusOf(state: LifecycleStateName, context: LifecycleContext, sourceDescriptions: readonly string[], error?: unknown): StreamingQueryStatus {
  switch (state) {
    case 'initializing':
      return { message: 'Initializing sources', isDataAvailable: false, isTriggerActive: false };
    case 'waiting':
      // Spark: "Waiting for data to arrive" only while a default trigger polls again after finding
      // nothing; between processingTime triggers, and after a batch, "Waiting for next trigger".
      return context.isDataAvailable || context.trigger.kind === 'processingTime'
        ? { message: 'Waiting for next trigger', isDataAvailable: context.isDataAvailable, isTriggerActive: false }
        : { message: 'Waiting for data to arrive', isDataAvailable: false, isTriggerActive: false };
    case 'gettingOffsets':
      return { message: `Getting offsets from ${sourceDescriptions.join(', ')}`, isDataAvailable: context.isDataAvailable, isTriggerActive: true };
    case 'walCommit':
      return { message: 'Writing offsets to log', isDataAvailable: true, isTriggerActive: true };
    case 'processing':
    case 'committing':
      return { message: 'Processing new data', isDataAvailable: true, isTriggerActive: true };
    case 'stopped':
      return { message: 'Stopped', isDataAvailable: false, isTriggerActive: false };
    case 'failed':
      return { message: `Terminated with exception: ${errorMessage(error ?? context.error)}`, isDataAvailable: false, isTriggerActive: false };
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
