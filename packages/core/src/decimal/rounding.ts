import type { DecimalSpec } from './decimalType.ts';

const POWERS: bigint[] = [1n];

/** 10^n as a bigint (cached: rescaling asks for the same few powers all the time). */
export function pow10(n: number): bigint {
  if (n < POWERS.length) return POWERS[n]!;
  if (n > 400) return 10n ** BigInt(n);
  for (let k = POWERS.length; k <= n; k++) POWERS.push(POWERS[k - 1]! * 10n);
  return POWERS[n]!;
}

/** Decimal digits in |value| (0 has one digit, as in Java's `BigDecimal.precision`). */
export function digitCount(value: bigint): number {
  const abs = value < 0n ? -value : value;
  if (abs < 10n) return 1;
  // toString is the fastest exact digit count for bigints of any size.
  return abs.toString().length;
}

/** |unscaled| < 10^precision: the value has no more digits than the type holds. */
export function fitsPrecision(unscaled: bigint, precision: number): boolean {
  const limit = pow10(precision);
  return unscaled < limit && unscaled > -limit;
}

/** `numerator / denominator` rounded HALF_UP (ties away from zero), as Java's `RoundingMode.HALF_UP`. */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  if (remainder === 0n) return quotient;
  const twice = (remainder < 0n ? -remainder : remainder) * 2n;
  const absDenominator = denominator < 0n ? -denominator : denominator;
  if (twice < absDenominator) return quotient;
  return (numerator < 0n) !== (denominator < 0n) ? quotient - 1n : quotient + 1n;
}

/**
 * The unscaled value at another scale, rounding HALF_UP when digits are dropped (Java's
 * `setScale(scale, HALF_UP)`): 1.25 (125, scale 2) at scale 1 is 1.3 (13).
 */
export function rescale(unscaled: bigint, fromScale: number, toScale: number): bigint {
  if (toScale === fromScale) return unscaled;
  if (toScale > fromScale) return unscaled * pow10(toScale - fromScale);
  const dropped = fromScale - toScale;
  // Dropping more digits than the value has leaves less than half a unit: zero. This also keeps
  // a string like "1e-999999999" from asking for a billion-digit power of ten.
  if (dropped > digitCount(unscaled)) return 0n;
  return divideHalfUp(unscaled, pow10(dropped));
}

/**
 * Spark's `Decimal.toPrecision(p, s, HALF_UP)`: the value rescaled to `spec.scale`, or null when
 * it then needs more than `spec.precision` digits.
 *
 * @example toPrecision(1003n, 1, { precision: 3, scale: 0 }) // 100n (100.3 → 100)
 */
export function toPrecision(unscaled: bigint, fromScale: number, spec: DecimalSpec): bigint | null {
  if (unscaled === 0n) return 0n;
  // More integer digits than the type allows overflows whatever the rounding; checking first
  // keeps `1e999999999` from building a billion-digit number.
  if (digitCount(unscaled) - fromScale > spec.precision - spec.scale) return null;
  const value = rescale(unscaled, fromScale, spec.scale);
  return fitsPrecision(value, spec.precision) ? value : null;
}
