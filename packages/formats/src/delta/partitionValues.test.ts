import { fc, test } from '@fast-check/vitest';
import { Bool, DateDay, Float32, Float64, Int32, Int64, TimestampMillisecond, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { escapePartitionValue } from '../files/partitionPath.ts';
import { decodeLogPath, encodeLogPath, parsePartitionValue, partitionDirectory, resolveDataPath, serializePartitionValue } from './partitionValues.ts';

describe('partition values', () => {
  test.prop([fc.oneof(
    fc.tuple(fc.constant(new Int32() as never), fc.integer()),
    fc.tuple(fc.constant(new Int64() as never), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
    fc.tuple(fc.constant(new Float64() as never), fc.double({ noNaN: true }).filter((d) => !Object.is(d, -0))),
    fc.tuple(fc.constant(new Float32() as never), fc.float({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0))),
    fc.tuple(fc.constant(new Bool() as never), fc.boolean()),
    fc.tuple(fc.constant(new Utf8() as never), fc.string({ minLength: 1 })),
    fc.tuple(fc.constant(new DateDay() as never), fc.integer({ min: -700_000, max: 2_900_000 }).map((d) => d * 86_400_000)),
    fc.tuple(fc.constant(new TimestampMillisecond() as never), fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 })),
  )])('a typed value survives the log string', ([type, value]) => {
    const text = serializePartitionValue(value, type);
    expect(text).not.toBeNull();
    expect(parsePartitionValue(text, type, 'c')).toEqual(value);
  });

  it('print numbers as Java does, timestamps as ISO-8601 UTC with microseconds', () => {
    expect(serializePartitionValue(10, new Float64())).toBe('10.0');
    expect(serializePartitionValue(1.5e10, new Float64())).toBe('1.5E10');
    expect(serializePartitionValue(0.0001, new Float64())).toBe('1.0E-4');
    expect(serializePartitionValue(Math.fround(0.1), new Float32())).toBe('0.1');
    expect(serializePartitionValue(Date.UTC(2024, 0, 2, 3, 4, 5, 6), new TimestampMillisecond())).toBe('2024-01-02T03:04:05.006000Z');
    expect(serializePartitionValue('', new Utf8())).toBeNull();
  });

  it('read the forms other writers use', () => {
    expect(parsePartitionValue('2024-01-02 03:04:05', new TimestampMillisecond(), 't')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(parsePartitionValue('2024-01-02 03:04:05.123456', new TimestampMillisecond(), 't')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 123));
    expect(parsePartitionValue('', new Int32(), 'n')).toBeNull();
    expect(() => parsePartitionValue('abc', new Int32(), 'n')).toThrow(expect.objectContaining({ code: 'FILE_CORRUPT' }));
  });

  it('name directories the Hive way', () => {
    expect(escapePartitionValue('A/A')).toBe('A%2FA');
    expect(partitionDirectory(['y', 'k'], { y: '2024', k: null })).toBe('y=2024/k=__HIVE_DEFAULT_PARTITION__');
  });

  test.prop([fc.string({ unit: 'grapheme' })])('log paths are URIs that decode back', (segment) => {
    const path = `x=${escapePartitionValue(segment)}/part-0.parquet`;
    expect(decodeLogPath(encodeLogPath(path))).toBe(path);
    expect(encodeLogPath(path)).toMatch(/^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/);
  });

  it('resolve relative, absolute and file: paths', () => {
    expect(resolveDataPath('/t', 'x=A%252FA/f.parquet')).toBe('/t/x=A%2FA/f.parquet');
    expect(resolveDataPath('/t', '/abs/f.parquet')).toBe('/abs/f.parquet');
    expect(resolveDataPath('/t', 'file:/abs/f.parquet')).toBe('/abs/f.parquet');
    expect(resolveDataPath('/t', 'file:///abs/f.parquet')).toBe('/abs/f.parquet');
    expect(() => resolveDataPath('/t', 's3://bucket/f.parquet')).toThrow(expect.objectContaining({ code: 'DELTA_UNSUPPORTED_FEATURE' }));
  });
});
