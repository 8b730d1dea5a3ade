/** Shared imports of the integration tests (every package registered). */
import '@sluice/sources';
import '@sluice/sinks';
export * from '@sluice/core';
export type InspectionEventLike = { type: string; snapshot?: unknown };
