import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatIsoDateDays, formatIsoTimestampMs, parseIsoDateDays, parseIsoTimestampMs } from './temporal.ts';
import { MAX_MS, MIN_MS } from '../../arbitraries/arbitraries.ts';

describe('ISO-8601 timestamps and dates', () => {
  test.prop([fc.integer({ min: MIN_MS, max: MAX_MS })])('format → parse is the identity, in every shape the fast path reads', (ms) => {
    const iso = formatIsoTimestampMs(ms);
    expect(parseIsoTimestampMs(iso)).toBe(ms);
    expect(parseIsoTimestampMs(iso.replace('T', ' '))).toBe(ms);
    expect(parseIsoTimestampMs(iso.slice(0, -1))).toBe(ms);
    expect(parseIsoTimestampMs(iso.replace(/\.\d{3}Z$/, 'Z'))).toBe(Math.floor(ms / 1000) * 1000);
    expect(parseIsoTimestampMs(iso.replace('Z', '+00:00'))).toBe(ms);
  });

  test.prop([fc.integer({ min: MIN_MS / 86_400_000, max: Math.floor(MAX_MS / 86_400_000) })])('dates: format → parse is the identity', (days) => {
    expect(parseIsoDateDays(formatIsoDateDays(days))).toBe(days);
  });

  it('rejects impossible or foreign text', () => {
    for (const bad of ['2024-02-30T00:00:00Z', '2023-02-29', '2024-13-01T00:00:00Z', '2024-05-01T24:00:00Z', '2024-05-01T10:60:00.000Z', '2024-05-0xT10:00:00Z', 'yesterday', '1714557600']) {
      expect(parseIsoTimestampMs(bad)).toBeUndefined();
    }
    expect(parseIsoDateDays('2024-5-1')).toBeUndefined();
  });

  it('reads offsets and fractions beyond milliseconds', () => {
    expect(parseIsoTimestampMs('2024-05-01T12:00:00+02:00')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(parseIsoTimestampMs('2024-05-01T10:00:00.123456789Z')).toBe(Date.UTC(2024, 4, 1, 10, 0, 0, 123));
    expect(parseIsoTimestampMs('0001-01-01T00:00:00Z')).toBe(MIN_MS);
  });
});
