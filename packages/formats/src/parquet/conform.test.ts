import { fc, test } from '@fast-check/vitest';
import { TimestampMicrosecond, TimestampMillisecond, TimestampNanosecond, TimestampSecond, makeData, makeVector } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { conformData } from './conform.ts';

const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));

describe('conformData on timestamps', () => {
  const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

  test.prop([fc.array(int64, { maxLength: 30 })])('rescales nanoseconds to milliseconds exactly, flooring (BigInt beyond 2^53)', (values) => {
    const data = makeData({ type: new TimestampNanosecond(), length: values.length, data: BigInt64Array.from(values) });
    const out = makeVector(conformData(data, new TimestampMillisecond(), () => 't'));
    expect(Array.from(out.data[0]!.values as BigInt64Array)).toEqual(values.map((v) => floorDiv(v, 1_000_000n)));
  });

  test.prop([fc.array(fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }), { maxLength: 30 })])('rescales seconds up to microseconds exactly', (values) => {
    const data = makeData({ type: new TimestampSecond(), length: values.length, data: BigInt64Array.from(values) });
    const out = conformData(data, new TimestampMicrosecond(), () => 't');
    expect(Array.from(out.values as BigInt64Array)).toEqual(values.map((v) => BigInt.asIntN(64, v * 1_000_000n)));
  });
});

describe('conformData on decimals', () => {
  it('widens DECIMAL(p,s) to more integer digits and scale exactly (Spark 4 type widening), refuses narrowing', async () => {
    const { decimalArrowType, decimalVector, unscaledValues } = await import('@sluice/core');
    const data = decimalVector({ precision: 5, scale: 2 }, [12345n, -1n, null]).data[0]!;
    const wide = makeVector(conformData(data, decimalArrowType({ precision: 10, scale: 4 }), () => 'd'));
    expect(String(wide.type)).toBe('Decimal[10e+4]');
    expect(unscaledValues(wide as never)).toEqual({ values: [1234500n, -100n, 0n], valid: Uint8Array.from([1, 1, 0]) });
    expect(() => conformData(data, decimalArrowType({ precision: 5, scale: 1 }), () => 'd')).toThrow(/SCHEMA_MISMATCH.*lose digits/);
    expect(() => conformData(data, decimalArrowType({ precision: 6, scale: 4 }), () => 'd')).toThrow(/SCHEMA_MISMATCH/);
  });
});
