import { SluiceError } from '../errors.ts';
import { parseDuration } from '../options/units.ts';

/**
 * When micro-batches run (Spark's `Trigger`):
 * - `default`: the next batch as soon as the last one ends; with no new data, poll again shortly
 *   (or as soon as a source says data arrived);
 * - `processingTime`: batches start on interval boundaries; an overrunning batch is followed
 *   immediately, without a catch-up burst;
 * - `once`: one batch of everything available (read limits ignored), then stop;
 * - `availableNow`: everything available at start, in batches that respect read limits, then stop.
 */
export type Trigger =
  | { readonly kind: 'default' }
  | { readonly kind: 'processingTime'; readonly intervalMs: number }
  | { readonly kind: 'once' }
  | { readonly kind: 'availableNow' };

export const defaultTrigger: Trigger = Object.freeze({ kind: 'default' });

/**
 * Batches on interval boundaries: `processingTime('10 seconds')`, `processingTime(500)` (ms).
 * @example query.trigger(processingTime('30 seconds'))
 */
export function processingTime(interval: number | string): Trigger {
  const intervalMs = parseDuration(interval, 'ms');
  if (intervalMs === undefined) {
    throw new SluiceError('INVALID_OPTION', `Trigger interval ${JSON.stringify(interval)} is not a duration; use milliseconds or a string such as "10 seconds".`);
  }
  return intervalMs === 0 ? defaultTrigger : { kind: 'processingTime', intervalMs };
}

/**
 * One batch with all available data, then stop (Spark's deprecated `Trigger.Once`).
 *
 * @example
 * await frame.writeTo(noopSink(), { trigger: once() }); // one batch of everything available, then stop
 */
export function once(): Trigger {
  return { kind: 'once' };
}

/**
 * All data available at start, in rate-limited batches, then stop (Spark 3.3's `Trigger.AvailableNow`).
 *
 * @example
 * const query = await frame.writeTo(deltaSink({ path: '/lake/t' }), { trigger: availableNow(), checkpointLocation: '/ck/t' });
 * await query.awaitTermination(); // every file/record present at start, in rate-limited batches
 */
export function availableNow(): Trigger {
  return { kind: 'availableNow' };
}

/** Spark's Python spellings: `{ processingTime: '2 seconds' }`, `{ once: true }`, `{ availableNow: true }`. */
export type TriggerLike = Trigger | { processingTime: number | string } | { once: true } | { availableNow: true };

export function toTrigger(value: TriggerLike): Trigger {
  if ('kind' in value) return value;
  if ('processingTime' in value) return processingTime(value.processingTime);
  if ('once' in value) return once();
  if ('availableNow' in value) return availableNow();
  throw new SluiceError('INVALID_OPTION', `Unknown trigger ${JSON.stringify(value)}; use processingTime(ms), once() or availableNow().`);
}

export function describeTrigger(trigger: Trigger): string {
  switch (trigger.kind) {
    case 'default':
      return 'ProcessingTime(0)';
    case 'processingTime':
      return `ProcessingTime(${trigger.intervalMs} ms)`;
    case 'once':
      return 'Once';
    case 'availableNow':
      return 'AvailableNow';
  }
}

/** Spark's ProcessingTimeExecutor.nextBatchTime: the next interval boundary strictly after `triggerStartMs`. */
export function nextBatchTime(triggerStartMs: number, intervalMs: number): number {
  return Math.floor(triggerStartMs / intervalMs) * intervalMs + intervalMs;
}
