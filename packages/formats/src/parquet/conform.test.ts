import { fc, test } from '@fast-check/vitest';
import { TimestampMicrosecond, TimestampMillisecond, TimestampNanosecond, TimestampSecond, makeData, makeVector } from 'apache-arrow';
import { describe, expect } from 'vitest';
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
