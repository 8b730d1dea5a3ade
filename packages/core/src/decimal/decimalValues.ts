import { SluiceError } from '../errors.ts';
import { decimalTypeName, type DecimalSpec } from './decimalType.ts';
import { decimalFromNumber } from './convert.ts';
import { formatDecimal } from './format.ts';
import { parseExactDecimal } from './parse.ts';
import { toPrecision } from './rounding.ts';

/*
 * How JS values meet a DECIMAL column. Inside the engine a decimal cell is its unscaled bigint
 * (the scale lives on the type, as in Arrow). At the edges users hand in and get back strings,
 * which keep every digit: a row view shows DECIMAL(10,2) 12.3 as '12.30'.
 */

/**
 * The unscaled value of `value` in a column of `spec`: a string (`'12.30'`, `'1e3'`), a number
 * (through its shortest decimal form), a bigint (taken as the *unscaled* value, as Arrow stores
 * it), or Arrow's own 128-bit words. Rounded HALF_UP to the scale; a value that is not a number
 * or does not fit is a `TYPE_MISMATCH` error, because a silently dropped amount is worse.
 *
 * @example unscaledFromValue('12.3', { precision: 10, scale: 2 }) // 1230n
 */
export function unscaledFromValue(value: unknown, spec: DecimalSpec): bigint {
  if (typeof value === 'bigint') return value;
  let result: bigint | null = null;
  if (typeof value === 'string') {
    const exact = parseExactDecimal(value.trim());
    result = exact === null ? null : toPrecision(exact.unscaled, exact.scale, spec);
  } else if (typeof value === 'number') {
    result = decimalFromNumber(value, spec, false);
  } else if (value instanceof Uint32Array) {
    result = wordsToBigInt(value);
  }
  if (result === null) {
    throw new SluiceError('TYPE_MISMATCH', `${describe(value)} is not a value of ${decimalTypeName(spec)}: give a number or a numeric string with at most ${spec.precision - spec.scale} digits before the point.`);
  }
  return result;
}

/** The value of a decimal cell for users: plain text with the scale kept (`'12.30'`). */
export function decimalCellText(unscaled: bigint, spec: DecimalSpec): string {
  return formatDecimal(unscaled, spec.scale);
}

/** Arrow's getter result (little-endian words, two's complement) as a bigint. */
export function wordsToBigInt(words: Uint32Array): bigint {
  let value = 0n;
  for (let k = words.length - 1; k >= 0; k--) value = (value << 32n) | BigInt(words[k]!);
  return BigInt.asIntN(words.length * 32, value);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number') return String(value);
  return value === null || value === undefined ? String(value) : typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}
