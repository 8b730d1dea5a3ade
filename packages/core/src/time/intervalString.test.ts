import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../errors.ts';
import { fromIntervalString, isNegativeInterval, toMs } from './intervalString.ts';

const S = 1_000_000;

describe('fromIntervalString (what Spark\'s withWatermark accepts)', () => {
  const spellings: [string, number, number, number][] = [
    ['10 seconds', 0, 0, 10 * S],
    ['10 second', 0, 0, 10 * S],
    ['1 minute', 0, 0, 60 * S],
    ['2 MINUTES', 0, 0, 120 * S],
    ['1 hour', 0, 0, 3600 * S],
    ['1 day', 0, 1, 0],
    ['3 days', 0, 3, 0],
    ['2 weeks', 0, 14, 0],
    ['1 month', 1, 0, 0],
    ['5 months', 5, 0, 0],
    ['1 year', 12, 0, 0],
    ['2 years 5 months', 29, 0, 0],
    ['1 day 2 hours', 0, 1, 2 * 3600 * S],
    ['1 hour 30 minutes 15 seconds', 0, 0, 5415 * S],
    ['500 milliseconds', 0, 0, 500_000],
    ['250 microseconds', 0, 0, 250],
    ['1.5 seconds', 0, 0, 1.5 * S],
    ['interval 10 seconds', 0, 0, 10 * S],
    ['INTERVAL 1 DAY 2 HOURS', 0, 1, 2 * 3600 * S],
    ["interval '1 2:3:4' day to second", 0, 1, (2 * 3600 + 3 * 60 + 4) * S],
    ["interval '1 2:3:4.5' day to second", 0, 1, (2 * 3600 + 3 * 60 + 4.5) * S],
    ["interval '1-2' year to month", 14, 0, 0],
    ["interval '2:30' hour to minute", 0, 0, 150 * 60 * S],
    ["interval '1 10' day to hour", 0, 1, 10 * 3600 * S],
    ["interval '10' second", 0, 0, 10 * S],
    ["INTERVAL '1 day 2 hours'", 0, 1, 2 * 3600 * S],
  ];
  it.each(spellings)('%s', (text, months, days, micros) => {
    expect(fromIntervalString(text)).toEqual({ months, days, micros });
  });

  it('keeps signs per unit and counts a month as 31 days for a delay', () => {
    expect(fromIntervalString('1 year -13 months')).toEqual({ months: -1, days: 0, micros: 0 });
    expect(isNegativeInterval(fromIntervalString('1 year -13 months'))).toBe(true);
    expect(isNegativeInterval(fromIntervalString('1 month -40 days'))).toBe(true);
    expect(isNegativeInterval(fromIntervalString('1 month -30 days'))).toBe(false);
    expect(isNegativeInterval(fromIntervalString("interval '-10' second"))).toBe(true);
    expect(toMs(fromIntervalString('2 years 5 months'))).toBe(29 * 31 * 86_400_000);
  });

  it("reads a multi-unit literal whose values are each quoted, as Spark's SQL parser does", () => {
    expect(fromIntervalString("\tinterval '1' day '2' hours '3' minutes '4' seconds")).toEqual(fromIntervalString('1 day 2 hours 3 minutes 4 seconds'));
    expect(fromIntervalString("interval '1' year '2' month")).toEqual({ months: 14, days: 0, micros: 0 });
  });

  it('refuses what is not an interval, naming the text', () => {
    for (const bad of ['', 'ten seconds', '10 fortnights', '10', "interval '1 25:00:00' day to second", "'1-2' day to second", "'1 2' fortnight"]) {
      let error: unknown;
      try {
        fromIntervalString(bad);
      } catch (e) {
        error = e;
      }
      expect(isSluiceError(error, 'INVALID_OPTION'), bad).toBe(true);
      expect((error as Error).message).toContain(JSON.stringify(bad));
    }
  });
});
