/**
 * A decimal in plain notation with its scale kept (Java's `BigDecimal.toPlainString`): what
 * `show()` prints and what an ANSI-mode cast to string gives.
 *
 * @example formatDecimal(-5n, 3) // '-0.005'
 * @example formatDecimal(1230n, 2) // '12.30'
 */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  let body: string;
  if (scale <= 0) body = scale === 0 || digits === '0' ? digits : digits + '0'.repeat(-scale);
  else if (digits.length > scale) body = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  else body = `0.${'0'.repeat(scale - digits.length)}${digits}`;
  return negative ? `-${body}` : body;
}

/**
 * A decimal as Java's `BigDecimal.toString` writes it: plain unless the exponent is below −6,
 * then scientific (`1E-7`, `0E-10`). Spark writes decimals this way to JSON and CSV, and casts
 * them to strings this way when ANSI mode is off.
 *
 * @example formatDecimalJava(1n, 7) // '1E-7'
 * @example formatDecimalJava(0n, 10) // '0E-10'
 * @example formatDecimalJava(1230n, 2) // '12.30'
 */
export function formatDecimalJava(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  const adjusted = digits.length - 1 - scale;
  if (scale >= 0 && adjusted >= -6) return formatDecimal(unscaled, scale);
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${negative ? '-' : ''}${mantissa}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
}
