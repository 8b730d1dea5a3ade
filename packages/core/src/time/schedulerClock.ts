import type { SchedulerLike, Subscription } from 'rxjs';

/**
 * XState's `clock` backed by an RxJS scheduler: the lifecycle's `after` delays run on the same
 * timer queue as triggers, so a virtual-time scheduler drives the whole engine.
 */
export function schedulerClock(scheduler: SchedulerLike): { setTimeout: (fn: (...args: unknown[]) => void, ms: number) => Subscription; clearTimeout: (handle: Subscription) => void } {
  return {
    setTimeout: (fn, ms) => scheduler.schedule(() => fn(), ms),
    clearTimeout: (handle) => handle.unsubscribe(),
  };
}
