import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../errors.ts';
import { effectivePolicy, parseWatermarkPolicy, WatermarkTracker } from './watermarks.ts';

const s = (seconds: number) => seconds * 1000;
const batch = (first: number | undefined, second: number | undefined) => [
  { maxEventTimeMs: first === undefined ? undefined : s(first), delayMs: s(10) },
  { maxEventTimeMs: second === undefined ? undefined : s(second), delayMs: s(5) },
];

describe('WatermarkTracker (Spark: EventTimeWatermarkSuite "watermark with 2 streams")', () => {
  it('keeps each input across batches, takes the min, never moves back', () => {
    const tracker = new WatermarkTracker('min', 0);
    // Each step of Spark's test is a batch with the data, then a batch with a dummy 0 on the first input.
    const step = (first: number | undefined, second: number | undefined) => {
      tracker.advance(batch(first, second));
      return tracker.advance(batch(0, undefined));
    };
    expect(step(11, undefined)).toBe(0);
    expect(step(undefined, 6)).toBe(1000);
    expect(step(undefined, 8)).toBe(1000);
    expect(step(21, undefined)).toBe(3000);
    expect(step(undefined, 39)).toBe(11000);
    expect(step(31, undefined)).toBe(21000);
    expect(step(41, undefined)).toBe(31000);
    expect(step(51, undefined)).toBe(34000);
    expect(step(100, 100)).toBe(90000);
  });

  it('restarts with the recovered watermark and empty per-input values', () => {
    const restarted = new WatermarkTracker('min', 185000);
    expect(restarted.advance(batch(0, undefined))).toBe(185000);
    expect(restarted.advance(batch(undefined, 200))).toBe(185000);
    expect(restarted.advance(batch(200, undefined))).toBe(190000);
  });

  it("'max' follows the fastest input", () => {
    const tracker = new WatermarkTracker('max', 0);
    expect(tracker.advance(batch(20, 25))).toBe(20000);
    expect(tracker.advance(batch(150, undefined))).toBe(140000);
  });

  it('validates the policy and honours the checkpoint over the session', () => {
    expect(parseWatermarkPolicy('MAX')).toBe('max');
    for (const bad of ['', 'random', 3]) {
      let error: unknown;
      try {
        parseWatermarkPolicy(bad);
      } catch (e) {
        error = e;
      }
      expect(isSluiceError(error, 'INVALID_OPTION')).toBe(true);
      expect((error as Error).message).toContain("valid values are 'min' and 'max'");
    }
    expect(effectivePolicy('min', null)).toBe('min');
    expect(effectivePolicy('min', { 'spark.sql.streaming.multipleWatermarkPolicy': 'max' })).toBe('max');
    expect(effectivePolicy('max', {})).toBe('min');
  });
});
