/** Shared imports of the integration tests (every package registered). */
import '@sluice/sources';
import '@sluice/sinks';
export * from '@sluice/core';
export * from '@sluice/core/connector';
export * from '@sluice/core/internal';
export type InspectionEventLike = { type: string; snapshot?: unknown };
