/** The core names the marble harness uses, in one place. */
export { tableToRows } from '@sluice/core';
export type { BatchContext, Sink, SinkProvider } from '@sluice/core';
export type { SchedulerLike } from 'rxjs';
