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
