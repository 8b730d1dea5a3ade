import type { CopyBuffer } from './copyBuffer.ts';

const NUMERIC_POS = 0x0000;
const NUMERIC_NEG = 0x4000;

/**
 * An integer in PostgreSQL's binary `numeric` form (length prefix included): base-10000 digits,
 * most significant first, `weight` = index of the first digit's power of 10000, trailing zero
 * digits dropped, display scale 0.
 *
 * @example 12345678 → ndigits 2, weight 1, digits [1234, 5678]
 */
export function encodeIntegerNumeric(out: CopyBuffer, value: number | bigint): void {
  const negative = value < 0;
  let rest = (negative ? -BigInt(value) : BigInt(value)).toString();
  const digits: number[] = [];
  while (rest.length > 0) {
    digits.unshift(Number(rest.slice(-4)));
    rest = rest.slice(0, -4);
  }
  const weight = digits.length - 1;
  while (digits.length > 0 && digits[digits.length - 1] === 0) digits.pop();
  out.int32(8 + 2 * digits.length);
  out.int16(digits.length);
  out.int16(digits.length === 0 ? 0 : weight);
  out.int16(negative ? NUMERIC_NEG : NUMERIC_POS);
  out.int16(0);
  for (const d of digits) out.int16(d);
}

/**
 * A DECIMAL value (unscaled × 10^-scale) in PostgreSQL's binary `numeric` form: base-10000
 * digits aligned on the decimal point (the fraction padded to whole groups), leading and trailing
 * zero groups dropped with `weight` adjusted, display scale = the column's scale, so `12.30`
 * arrives as 12.30 and a `numeric(p,s)` column checks and rounds it as PostgreSQL always does.
 *
 * @example 12.30 (1230n, scale 2) → ndigits 2, weight 0, dscale 2, digits [12, 3000]
 */
export function encodeDecimalNumeric(out: CopyBuffer, unscaled: bigint, scale: number): void {
  const negative = unscaled < 0n;
  let text = (negative ? -unscaled : unscaled).toString();
  const fractionPad = (4 - (scale % 4)) % 4;
  text += '0'.repeat(fractionPad);
  const fractionGroups = (scale + fractionPad) / 4;
  text = '0'.repeat((4 - (text.length % 4)) % 4) + text;
  const digits: number[] = [];
  for (let k = 0; k < text.length; k += 4) digits.push(Number(text.slice(k, k + 4)));
  let weight = digits.length - fractionGroups - 1;
  let first = 0;
  while (first < digits.length && digits[first] === 0) {
    first++;
    weight--;
  }
  let last = digits.length;
  while (last > first && digits[last - 1] === 0) last--;
  const kept = digits.slice(first, last);
  out.int32(8 + 2 * kept.length);
  out.int16(kept.length);
  out.int16(kept.length === 0 ? 0 : weight);
  out.int16(negative && kept.length > 0 ? NUMERIC_NEG : NUMERIC_POS);
  out.int16(scale);
  for (const d of kept) out.int16(d);
}
