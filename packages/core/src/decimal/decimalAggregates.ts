import { SluiceError } from '../errors.ts';
import { avgResultType, decimalTypeName, sumResultType, type DecimalSpec } from './decimalType.ts';
import { divideHalfUp, fitsPrecision, pow10, toPrecision } from './rounding.ts';

/**
 * The running state of `sum`/`avg` over a DECIMAL column: the exact sum of the unscaled values
 * (at the input's scale; 0 once it overflowed), how many there were, and whether the sum ever
 * outgrew its type. The sum always fits DECIMAL(p+10, s), so a Decimal128 state column holds it.
 */
export interface DecimalSumState {
  readonly sum: bigint;
  readonly count: number;
  /** Spark keeps the buffer in DECIMAL(p+10, s): once the running sum does not fit, it is null for good. */
  readonly overflow: boolean;
}

/**
 * Fold one unscaled value into the state (null state = no value yet).
 *
 * @example decimalSumAdd(decimalSumAdd(null, 150n, { precision: 5, scale: 2 }), 25n, { precision: 5, scale: 2 }) // sum 175n, count 2
 */
export function decimalSumAdd(state: DecimalSumState | null, unscaled: bigint, input: DecimalSpec): DecimalSumState {
  const count = (state?.count ?? 0) + 1;
  if (state?.overflow) return { sum: 0n, count, overflow: true };
  const sum = (state?.sum ?? 0n) + unscaled;
  // Once the sum does not fit, its digits no longer matter: keep 0 so the state stays within 128 bits.
  return fitsPrecision(sum, sumResultType(input).precision) ? { sum, count, overflow: false } : { sum: 0n, count, overflow: true };
}

/** Two partial states of the same input type as one (partitions, batches). */
export function decimalSumMerge(a: DecimalSumState | null, b: DecimalSumState | null, input: DecimalSpec): DecimalSumState | null {
  if (a === null) return b;
  if (b === null) return a;
  const sum = a.sum + b.sum;
  const overflow = a.overflow || b.overflow || !fitsPrecision(sum, sumResultType(input).precision);
  return { sum: overflow ? 0n : sum, count: a.count + b.count, overflow };
}

/**
 * `sum` as DECIMAL(p+10, s): null for no values, null on overflow (an error in ANSI mode).
 *
 * @example decimalSumResult({ sum: 175n, count: 2, overflow: false }, { precision: 5, scale: 2 }, false) // 175n (1.75)
 */
export function decimalSumResult(state: DecimalSumState | null, input: DecimalSpec, ansi: boolean): bigint | null {
  if (state === null) return null;
  if (state.overflow) return overflowed('sum', sumResultType(input), ansi);
  return state.sum;
}

/**
 * `avg` as DECIMAL(p+4, s+4), computed as Spark does: the sum divided by the count to 38
 * decimal places (HALF_UP), then rounded HALF_UP to the result scale. Null for no values or
 * when the sum overflowed (an error in ANSI mode).
 *
 * @example decimalAvgResult({ sum: 100n, count: 3, overflow: false }, { precision: 5, scale: 2 }, false) // 3333333n (0.333333)
 */
export function decimalAvgResult(state: DecimalSumState | null, input: DecimalSpec, ansi: boolean): bigint | null {
  if (state === null || state.count === 0) return null;
  const type = avgResultType(input);
  if (state.overflow) return overflowed('avg', type, ansi);
  const at38 = divideHalfUp(state.sum * pow10(38 - input.scale), BigInt(state.count));
  const result = toPrecision(at38, 38, type);
  return result === null ? overflowed('avg', type, ansi) : result;
}

function overflowed(fn: string, type: DecimalSpec, ansi: boolean): null {
  if (ansi) {
    throw new SluiceError('NUMERIC_VALUE_OUT_OF_RANGE', `The ${fn} does not fit ${decimalTypeName(type)}. Cast the input to a narrower scale or a smaller type, or turn ANSI mode off to get null instead.`);
  }
  return null;
}
