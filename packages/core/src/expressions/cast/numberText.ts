/**
 * Numbers as Spark (the JVM) writes and reads them: `Double.toString` / `Float.toString`
 * (`1.0`, `1.0E10`, `1.0E-4`), `UTF8String.toLong` for integers (trimmed, a fraction truncated),
 * `Double.parseDouble` plus Spark's `inf`/`nan` spellings for floating point.
 */

/** Java's `Double.toString`: plain between 1e-3 and 1e7, else `d.dddE±n`; always a fractional digit. */
export function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  return formatShortest(value, value.toExponential());
}

/** Java's `Float.toString` for a float32 value: the shortest digits that read back as the same float. */
export function formatFloat(value: number): string {
  if (!Number.isFinite(value) || value === 0) return formatDouble(value);
  let digits = value.toExponential();
  for (let p = 1; p <= 9; p++) {
    const candidate = value.toExponential(p - 1);
    if (Math.fround(Number(candidate)) === value) {
      digits = candidate;
      break;
    }
  }
  return formatShortest(value, digits);
}

function formatShortest(value: number, exponential: string): string {
  const [mantissa, exp] = exponential.split('e') as [string, string];
  const exponent = Number(exp);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e7) {
    if (exponent >= 0) {
      const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
      const fraction = digits.slice(exponent + 1);
      return `${sign}${whole}.${fraction || '0'}`;
    }
    return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || '0'}E${exponent}`;
}

/**
 * Spark's string → integral parse (`UTF8String.toLong`): whitespace trimmed, optional sign,
 * digits, and an optional `.digits` fraction that is dropped. Null for anything else or overflow
 * of [min, max].
 */
export function parseIntegral(text: string, min: number, max: number): number | null {
  const s = trimAll(text);
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (!match || s === '' || s === '+' || s === '-' || (match[2] === '' && match[3] === undefined)) return null;
  const value = Number(`${match[1]}${match[2] || '0'}`);
  if (!Number.isFinite(value) || value < min || value > max) return null;
  return value === 0 ? 0 : value;
}

/** As {@link parseIntegral} for 64-bit values, exactly. */
export function parseBigint(text: string): bigint | null {
  const s = trimAll(text);
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (!match || s === '' || s === '+' || s === '-' || (match[2] === '' && match[3] === undefined)) return null;
  const value = BigInt(`${match[1] === '-' ? '-' : ''}${match[2] || '0'}`);
  return value < -(2n ** 63n) || value >= 2n ** 63n ? null : value;
}

/**
 * Spark's string → double: Java's `Double.parseDouble` (trimmed, `1e5`, `.5`, `5.`, `1d`/`1f`
 * suffixes, `NaN`, `Infinity`) and Spark's `inf`, `+inf`, `-infinity`, `nan` in any case. Null
 * when it is not a number.
 */
export function parseDouble(text: string): number | null {
  const s = trimAll(text);
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?$/.test(s)) return Number(s.replace(/[fFdD]$/, ''));
  if (/^[+-]?Infinity$/.test(s) || s === 'NaN') return Number(s);
  const lower = s.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (lower === 'nan') return NaN;
  return null;
}

/** `UTF8String.trimAll`: every character up to and including the space, at both ends. */
export function trimAll(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 32) start++;
  while (end > start && text.charCodeAt(end - 1) <= 32) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}
