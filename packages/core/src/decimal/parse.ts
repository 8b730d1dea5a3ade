import { SluiceError } from '../errors.ts';
import { decimalTypeName, MAX_PRECISION, type DecimalSpec } from './decimalType.ts';
import { digitCount, toPrecision } from './rounding.ts';

/** An exact decimal number: `unscaled × 10^-scale` (the scale may be negative, as in `6E+37`). */
export interface ExactDecimal {
  readonly unscaled: bigint;
  readonly scale: number;
}

// Java's BigDecimal(String) grammar: sign, digits with an optional point (at least one digit), exponent.
const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const INT_MAX = 2 ** 31 - 1;

/**
 * Parse a number the way Java's `new BigDecimal(text)` does (what Spark parses decimals with):
 * `12.50` → 1250 scale 2, `-.5`, `1.`, `6E+37` → 6 scale −37. No spaces, no `NaN`/`Infinity`,
 * no underscores; null when the text is not a number.
 *
 * @example parseExactDecimal('1.2e-3') // { unscaled: 12n, scale: 4 }
 */
export function parseExactDecimal(text: string): ExactDecimal | null {
  const m = NUMBER.exec(text);
  if (m === null) return null;
  const integer = m[2]!;
  const fraction = m[3] ?? '';
  if (integer.length === 0 && fraction.length === 0) return null;
  let exponent = 0;
  if (m[4] !== undefined) {
    exponent = Number(m[4]);
    if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > INT_MAX) return null;
  }
  const scale = fraction.length - exponent;
  // Java keeps the scale in an int: beyond it the text is refused.
  if (Math.abs(scale) > INT_MAX) return null;
  const digits = BigInt(integer + fraction);
  return { unscaled: m[1] === '-' ? -digits : digits, scale };
}

/** Digits before the point: Java's `precision − scale` (0.001 has −2, 0 has 1). */
function integerDigits(value: ExactDecimal): number {
  return digitCount(value.unscaled) - value.scale;
}

/**
 * Spark's `CAST(text AS DECIMAL(p, s))`: the text trimmed, parsed as a BigDecimal, rounded HALF_UP
 * to `s`. Not a number, or more digits than `p` allows: null — or, with `ansi`, a
 * `CAST_INVALID_INPUT` / `NUMERIC_VALUE_OUT_OF_RANGE` error.
 *
 * @example castStringToDecimal(' 10.035 ', { precision: 4, scale: 2 }, false) // 1004n (10.04)
 */
export function castStringToDecimal(text: string, spec: DecimalSpec, ansi: boolean): bigint | null {
  const value = parseExactDecimal(javaTrim(text));
  if (value === null) {
    if (ansi) throw invalidInput(text, spec);
    return null;
  }
  // Spark fails fast on more than 38 integer digits before building the number (`6.0E+25569151`).
  const result = integerDigits(value) > MAX_PRECISION ? null : toPrecision(value.unscaled, value.scale, spec);
  if (result === null && ansi) throw outOfRange(text, spec);
  return result;
}

/**
 * A decimal field of a JSON string or CSV cell, as Spark's default (en-US) `decimalParser` reads
 * it: commas are grouping and dropped (`1,000.5`), nothing is trimmed, the value is rounded HALF_UP
 * to the scale. Null when the text is not a number or does not fit — a malformed field.
 *
 * @example decimalFromText('1,234.567', { precision: 6, scale: 2 }) // 123457n
 */
export function decimalFromText(text: string, spec: DecimalSpec): bigint | null {
  const value = parseExactDecimal(text.includes(',') ? text.replaceAll(',', '') : text);
  return value === null ? null : toPrecision(value.unscaled, value.scale, spec);
}

/** Java's `String.trim`: every code unit up to U+0020 off both ends. */
function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 32) start++;
  while (end > start && text.charCodeAt(end - 1) <= 32) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function invalidInput(text: string, spec: DecimalSpec): SluiceError {
  return new SluiceError(
    'CAST_INVALID_INPUT',
    `The value '${text}' cannot be cast to ${decimalTypeName(spec)} because it is not a number. Correct the value, or use try_cast / turn ANSI mode off to get null instead.`,
    { details: { value: text, targetType: decimalTypeName(spec) } },
  );
}

function outOfRange(text: string, spec: DecimalSpec): SluiceError {
  return new SluiceError(
    'NUMERIC_VALUE_OUT_OF_RANGE',
    `The value ${text} cannot be represented as ${decimalTypeName(spec)}: it needs more than ${spec.precision} digits. Cast to a wider DECIMAL, or turn ANSI mode off to get null instead.`,
    { details: { value: text, targetType: decimalTypeName(spec) } },
  );
}
