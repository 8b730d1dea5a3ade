import { SluiceError } from '../errors.ts';
import { decimalTypeName, type DecimalSpec } from './decimalType.ts';
import { formatDecimal, formatDecimalJava } from './format.ts';
import { parseExactDecimal } from './parse.ts';
import { pow10, toPrecision } from './rounding.ts';

/**
 * A double as a DECIMAL(p, s) the way Spark casts it: through the double's shortest decimal
 * form (Java's `Double.toString`, which JS's `String(n)` matches), so 0.1 is exactly 0.1, not
 * 0.1000000000000000055…; then rounded HALF_UP. NaN, ±Infinity and values too wide are null
 * (with `ansi`, an error).
 *
 * @example decimalFromNumber(10.05, { precision: 3, scale: 1 }, false) // 101n (10.1)
 */
export function decimalFromNumber(value: number, spec: DecimalSpec, ansi: boolean): bigint | null {
  if (!Number.isFinite(value)) {
    if (ansi) throw new SluiceError('CAST_INVALID_INPUT', `The value ${value} cannot be cast to ${decimalTypeName(spec)}: it is not a finite number. Filter it out, or turn ANSI mode off to get null instead.`);
    return null;
  }
  const exact = parseExactDecimal(String(value))!;
  return checked(toPrecision(exact.unscaled, exact.scale, spec), String(value), spec, ansi);
}

/** An integer (number or bigint) as a DECIMAL(p, s): null (or an ANSI error) when it has too many digits. */
export function decimalFromInteger(value: number | bigint, spec: DecimalSpec, ansi: boolean): bigint | null {
  const integer = typeof value === 'bigint' ? value : BigInt(Math.trunc(value));
  return checked(toPrecision(integer, 0, spec), String(value), spec, ansi);
}

/** A DECIMAL value at another precision and scale (HALF_UP), null (or an ANSI error) on overflow. */
export function decimalToDecimal(unscaled: bigint, from: DecimalSpec, to: DecimalSpec, ansi: boolean): bigint | null {
  const result = toPrecision(unscaled, from.scale, to);
  return result === null ? checked(null, formatDecimal(unscaled, from.scale), to, ansi) : result;
}

function checked(result: bigint | null, text: string, spec: DecimalSpec, ansi: boolean): bigint | null {
  if (result === null && ansi) {
    throw new SluiceError(
      'NUMERIC_VALUE_OUT_OF_RANGE',
      `The value ${text} cannot be represented as ${decimalTypeName(spec)}: it needs more than ${spec.precision} digits. Cast to a wider DECIMAL, or turn ANSI mode off to get null instead.`,
      { details: { value: text, targetType: decimalTypeName(spec) } },
    );
  }
  return result;
}

/**
 * The nearest double (Java's `BigDecimal.doubleValue`: correctly rounded).
 *
 * @example decimalToNumber(1003n, 2) // 10.03
 */
export function decimalToNumber(unscaled: bigint, scale: number): number {
  // JS parses decimal text correctly rounded, which is the rule Java follows too.
  return Number(formatDecimal(unscaled, scale));
}

/**
 * The integer part (truncated toward zero) as a `bitWidth`-bit integer: bigint for 64 bits,
 * number otherwise. Outside ANSI mode a value too big wraps around like Spark's `toLong.toInt`;
 * in ANSI mode it is a `CAST_OVERFLOW` error.
 *
 * @example decimalToInteger(-15n, 1, 32, false) // -1
 */
export function decimalToInteger(unscaled: bigint, scale: number, bitWidth: 8 | 16 | 32 | 64, ansi: boolean): number | bigint {
  const truncated = unscaled / pow10(scale);
  const wrapped = BigInt.asIntN(bitWidth, BigInt.asIntN(64, truncated));
  if (ansi && wrapped !== truncated) {
    throw new SluiceError(
      'CAST_OVERFLOW',
      `The value ${formatDecimal(unscaled, scale)} cannot be cast to a ${bitWidth}-bit integer: it is out of range. Cast to a wider type, or turn ANSI mode off to get a wrapped value.`,
      { details: { value: formatDecimal(unscaled, scale), bitWidth } },
    );
  }
  return bitWidth === 64 ? wrapped : Number(wrapped);
}

/**
 * A decimal cast to a string: plain notation in ANSI mode, Java's `BigDecimal.toString` otherwise
 * (so 0.0000001 becomes `1E-7`, as Spark's non-ANSI cast prints it).
 */
export function decimalToString(unscaled: bigint, scale: number, ansi: boolean): string {
  return ansi ? formatDecimal(unscaled, scale) : formatDecimalJava(unscaled, scale);
}

/** A timestamp (epoch ms) as a DECIMAL: its seconds as a double, then the double rule (Spark's cast). */
export function decimalFromEpochMs(ms: number, spec: DecimalSpec, ansi: boolean): bigint | null {
  return decimalFromNumber(ms / 1000, spec, ansi);
}

/** A DECIMAL of seconds as a timestamp (epoch ms): microseconds truncated, as Spark, then floored to ms. */
export function decimalToEpochMs(unscaled: bigint, scale: number): number {
  const micros = (unscaled * 1_000_000n) / pow10(scale);
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  return Number(ms);
}
