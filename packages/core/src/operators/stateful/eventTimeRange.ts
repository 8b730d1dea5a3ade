import type { RowCodec } from '../../state/codec/rowCodec.ts';
import type { KeyRange } from '../../state/stateStore.ts';

/**
 * The keys of an ordered key space whose leading event-time column is at or below `watermarkMs`
 * (nulls excluded: a row without event time is never late and never evicted). A range scan over
 * it touches only what the watermark closed.
 *
 * @example
 * for await (const chunk of space.scan(upToWatermark(keyCodec, context.watermarkMs))) …
 */
export function upToWatermark(codec: RowCodec, watermarkMs: number): KeyRange {
  return { gte: codec.encodePrefix([Number.NEGATIVE_INFINITY]), lt: codec.encodePrefix([nextUp(watermarkMs)]) };
}

/** The smallest double above x (x finite): `t < nextUp(w)` is `t <= w` for any double t. */
export function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigInt64(0, view.getBigInt64(0) + (x > 0 ? 1n : -1n));
  return view.getFloat64(0);
}

/** Whether a row with event time `t` is late: at or below the watermark it is checked against (never before any watermark exists). */
export function isLate(t: number | null, watermarkMs: number): boolean {
  return t !== null && watermarkMs > 0 && t <= watermarkMs;
}
