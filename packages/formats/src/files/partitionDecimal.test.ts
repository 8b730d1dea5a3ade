import { Field } from 'apache-arrow';
import { decimalArrowType, decimalVector } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { checkPartitionType, partitionDirectory, partitionValueOf } from './partitionPath.ts';

describe('DECIMAL partition directories (file sink and source)', () => {
  const type = decimalArrowType({ precision: 10, scale: 2 });
  const field = new Field('amount', type, true);

  it('names the directory as Spark casts the value to string, the scale kept', () => {
    const vector = decimalVector({ precision: 10, scale: 2 }, [1230n, -5n, null]);
    expect([0, 1, 2].map((i) => partitionDirectory('amount', vector.get(i), type))).toEqual(['amount=12.30', 'amount=-0.05', 'amount=__HIVE_DEFAULT_PARTITION__']);
    expect(() => checkPartitionType(field)).not.toThrow();
  });

  it('reads a directory value back exactly (rounded HALF_UP to the column scale), and refuses text that is not a number', () => {
    expect(partitionValueOf('12.30', field, 'f')).toBe(1230n);
    expect(partitionValueOf('1.005', field, 'f')).toBe(101n);
    expect(partitionValueOf('1.0E-7', field, 'f')).toBe(0n);
    expect(() => partitionValueOf('abc', field, '/t/amount=abc/part-0.parquet')).toThrow(/SCHEMA_MISMATCH.*amount=abc.*decimal\(10,2\)/);
  });
});
