/** The core names the marble harness uses, in one place. */
export { tableToRows } from '@sluice/core';
export type { BatchContext, SinkProvider } from '@sluice/core';
export type { Sink } from '@sluice/core/connector';
export type { SchedulerLike } from 'rxjs';
