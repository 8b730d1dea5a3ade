import { describe, expect, it } from 'vitest';
import { evaluateRows, evaluateValue } from '../../testing/evaluateExpression.ts';
import { XorShiftRandom } from './random.ts';

describe('random and id functions', () => {
  it('rand and randn give Spark\'s documented values for seed 0 (one partition)', () => {
    expect(evaluateValue('rand(0)')).toBe(0.7604953758285915);
    expect(evaluateValue('rand(NULL)')).toBe(0.7604953758285915);
    expect(evaluateValue('randn(0)')).toBe(1.6034991609278433);
  });

  it('rand is the same sequence every batch (replay-safe) and differs per row', () => {
    const rows = Array.from({ length: 5 }, (_, x) => ({ x }));
    const first = evaluateRows('rand(42)', rows, 'x INT');
    expect(evaluateRows('rand(42)', rows, 'x INT')).toEqual(first);
    expect(new Set(first).size).toBe(5);
    for (const x of first as number[]) expect(x >= 0 && x < 1).toBe(true);
    const generator = new XorShiftRandom(42n);
    expect(first).toEqual(Array.from({ length: 5 }, () => generator.nextDouble()));
  });

  it('uuid is a version-4 UUID per row; monotonically_increasing_id counts rows', () => {
    const ids = evaluateRows('uuid()', [{ x: 1 }, { x: 2 }, { x: 3 }], 'x INT') as string[];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(3);
    expect(evaluateRows('monotonically_increasing_id()', [{ x: 1 }, { x: 2 }, { x: 3 }], 'x INT')).toEqual([0n, 1n, 2n]);
    expect(evaluateRows('spark_partition_id()', [{ x: 1 }, { x: 2 }], 'x INT')).toEqual([0, 0]);
  });

  it('assert_true fails the batch with the message', () => {
    expect(evaluateValue('assert_true(1 < 2)')).toBe(null);
    expect(() => evaluateValue("assert_true(1 > 2, 'bad row')")).toThrow(/bad row/);
    expect(() => evaluateValue('assert_true(NULL)')).toThrow(/is not true/);
  });
});
