import type { Data, Decimal } from 'apache-arrow';
import { decimalVector } from '../../decimal/decimalVectors.ts';
import { decimalFromText } from '../../decimal/parse.ts';
import { toPrecision } from '../../decimal/rounding.ts';
import type { DecimalSpec } from '../../decimal/decimalType.ts';
import type { ColumnBuilder, ParseState } from './columnBuilders.ts';
import { JsonNumberText } from './exactJson.ts';

/**
 * A DECIMAL column from JSON values, as Spark's JacksonParser reads them: a JSON number exactly
 * (its digits, not the double `JSON.parse` rounds it to), a string by the en-US decimal parser
 * (grouping commas dropped); both rounded HALF_UP to the scale. A value with too many digits, or
 * a string that is not a number, does not fit (the record is malformed). CSV hands it strings.
 */
export class DecimalBuilder implements ColumnBuilder {
  private values: (bigint | null)[] = [];
  constructor(
    private readonly spec: DecimalSpec,
    private readonly state: ParseState,
  ) {}
  get length(): number {
    return this.values.length;
  }
  append(v: unknown): boolean {
    let unscaled: bigint | null;
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) {
        // JSON.parse may have rounded the digits: the reader parses this record again, exactly.
        this.state.inexact = true;
        this.values.push(0n);
        return true;
      }
      unscaled = toPrecision(BigInt(v), 0, this.spec);
    } else if (typeof v === 'bigint') unscaled = toPrecision(v, 0, this.spec);
    else if (v instanceof JsonNumberText) unscaled = decimalFromText(v.text, this.spec);
    else if (typeof v === 'string') unscaled = decimalFromText(v, this.spec);
    else return false;
    if (unscaled === null) return false;
    this.values.push(unscaled);
    return true;
  }
  appendNull(): void {
    this.values.push(null);
  }
  truncate(length: number): void {
    this.values.length = length;
  }
  finish(): Data<Decimal> {
    return decimalVector(this.spec, this.values).data[0]!;
  }
}
