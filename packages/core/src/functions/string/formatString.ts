import { Utf8 } from 'apache-arrow';
import { SluiceError } from '../../errors.ts';
import { STRING } from '../../expressions/types.ts';
import type { Column } from '../../operators/column.ts';
import { argAs } from '../arguments.ts';
import { callColumn, colArg, litArg } from '../build.ts';
import type { ScalarFunctionDefinition } from '../registry.ts';
import { rowFunction } from '../rowFunction.ts';
import { formatDouble } from '../../expressions/cast/numberText.ts';

/**
 * Java's `String.format` for the conversions SQL uses: `%s %d %f %e %g %x %X %o %c %b %% %n`,
 * with argument indexes (`%2$s`), flags (`-` `0` `+` space `,` `(` `#`), width and precision.
 */
export function javaFormat(format: string, args: readonly unknown[]): string {
  let next = 0;
  return format.replace(/%(\d+\$)?([-#+ 0,(]*)(\d+)?(\.\d+)?([a-zA-Z%])/g, (whole, index: string | undefined, flags: string, width: string | undefined, precision: string | undefined, conversion: string) => {
    if (conversion === '%') return pad('%', flags, width);
    if (conversion === 'n') return '\n';
    const position = index ? Number(index.slice(0, -1)) - 1 : next++;
    if (position >= args.length) throw new SluiceError('INVALID_QUERY', `format_string: '${whole}' needs argument ${position + 1}, but only ${args.length} were given.`);
    const value = args[position];
    const p = precision ? Number(precision.slice(1)) : undefined;
    let text: string;
    switch (conversion) {
      case 's':
      case 'S':
        text = value === null ? 'null' : typeof value === 'number' && !Number.isInteger(value) ? formatDouble(value) : String(value);
        if (p !== undefined) text = text.slice(0, p);
        if (conversion === 'S') text = text.toUpperCase();
        break;
      case 'b':
      case 'B':
        text = value === null ? 'false' : typeof value === 'boolean' ? String(value) : 'true';
        if (conversion === 'B') text = text.toUpperCase();
        break;
      case 'd':
        if (value === null) text = 'null';
        else {
          if (typeof value !== 'bigint' && !(typeof value === 'number' && Number.isInteger(value))) throw mismatch(whole, value);
          text = signed(BigInt(value as number | bigint), flags, (v) => (flags.includes(',') ? groupThousands(v.toString()) : v.toString()));
        }
        break;
      case 'x':
      case 'X':
      case 'o': {
        if (value === null) { text = 'null'; break; }
        if (typeof value !== 'bigint' && !(typeof value === 'number' && Number.isInteger(value))) throw mismatch(whole, value);
        const bits = typeof value === 'bigint' ? 64 : 32;
        const unsigned = BigInt.asUintN(bits, BigInt(value as number | bigint));
        text = unsigned.toString(conversion === 'o' ? 8 : 16);
        if (flags.includes('#')) text = (conversion === 'o' ? '0' : '0x') + text;
        if (conversion === 'X') text = text.toUpperCase();
        break;
      }
      case 'f':
      case 'e':
      case 'E':
      case 'g':
      case 'G': {
        if (value === null) { text = 'null'; break; }
        if (typeof value !== 'number' && typeof value !== 'bigint') throw mismatch(whole, value);
        const x = Number(value);
        if (!Number.isFinite(x)) { text = Number.isNaN(x) ? 'NaN' : x > 0 ? (flags.includes('+') ? '+Infinity' : 'Infinity') : '-Infinity'; break; }
        const digits = p ?? 6;
        const body = (v: bigint | number): string => {
          const abs = Math.abs(Number(v));
          if (conversion === 'f') return flags.includes(',') ? groupThousands(abs.toFixed(digits)) : abs.toFixed(digits);
          if (conversion === 'g' || conversion === 'G') {
            const g = abs !== 0 && (abs < 1e-4 || abs >= 10 ** Math.max(digits, 1)) ? javaExponent(abs, Math.max(digits, 1) - 1) : abs.toFixed(Math.max(0, Math.max(digits, 1) - 1 - (abs === 0 ? 0 : Math.floor(Math.log10(abs)))));
            return conversion === 'G' ? g.toUpperCase() : g;
          }
          const e = javaExponent(abs, digits);
          return conversion === 'E' ? e.toUpperCase() : e;
        };
        text = signedNumber(x, flags, body);
        break;
      }
      case 'c':
        text = value === null ? 'null' : typeof value === 'number' ? String.fromCodePoint(value) : String(value).slice(0, 1);
        break;
      default:
        throw new SluiceError('INVALID_QUERY', `format_string: unknown conversion '${whole}'.`);
    }
    return pad(text, flags, width);
  });
}

function mismatch(spec: string, value: unknown): SluiceError {
  return new SluiceError('TYPE_MISMATCH', `format_string: '${spec}' cannot format ${typeof value} ${String(value)}.`);
}

/** 1.234560e+01, as Java writes it (two exponent digits at least). */
function javaExponent(abs: number, digits: number): string {
  const [mantissa, exp] = abs.toExponential(digits).split('e') as [string, string];
  const n = Number(exp);
  return `${mantissa}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
}

function signed(v: bigint, flags: string, body: (v: bigint) => string): string {
  const negative = v < 0n;
  const text = body(negative ? -v : v);
  if (negative) return flags.includes('(') ? `(${text})` : `-${text}`;
  return flags.includes('+') ? `+${text}` : flags.includes(' ') ? ` ${text}` : text;
}

function signedNumber(x: number, flags: string, body: (v: number) => string): string {
  const negative = x < 0 || Object.is(x, -0);
  const text = body(x);
  if (negative) return flags.includes('(') ? `(${text})` : `-${text}`;
  return flags.includes('+') ? `+${text}` : flags.includes(' ') ? ` ${text}` : text;
}

function groupThousands(text: string): string {
  const [whole, fraction] = text.split('.') as [string, string | undefined];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

function pad(text: string, flags: string, width: string | undefined): string {
  const w = width ? Number(width) : 0;
  if (text.length >= w) return text;
  if (flags.includes('-')) return text.padEnd(w);
  if (flags.includes('0') && /^[+\- (]?\d/.test(text)) {
    const sign = /^[+\- (]/.test(text) ? text[0]! : '';
    return sign + text.slice(sign.length).padStart(w - sign.length, '0');
  }
  return text.padStart(w);
}

export const formatStringFunction: ScalarFunctionDefinition = {
  name: 'format_string',
  aliases: ['printf'],
  family: 'string',
  arity: [1, Infinity],
  doc: {
    usage: 'format_string(format, args...)',
    description: 'A string formatted like Java\'s String.format (`%s`, `%d`, `%5.2f`, `%2$s` …).',
    examples: [{ sql: 'format_string("Hello World %d %s", 100, "days")', result: 'Hello World 100 days' }, { sql: "format_string('%05.1f|%-4s|', 3.14159D, 'ab')", result: '003.1|ab  |' }],
  },
  bind: (call) => {
    const args = [argAs(call, 0, STRING()), ...call.args.slice(1)];
    return rowFunction(call.outputName, new Utf8(), args, (fmt, ...rest) => (fmt === null ? null : javaFormat(fmt as string, rest.slice(0, args.length - 1))), { nullSafe: true });
  },
};

/**
 * Spark's `format_string(format, args...)`: A string formatted like Java's String.format (`%s`, `%d`, `%5.2f`, `%2$s` …).
 *
 * @example
 * withColumn('label', formatString('%s: %d', col('name'), col('count')))
 * // in SQL: format_string("Hello World %d %s", 100, "days") → 'Hello World 100 days'
 */
export function formatString(format: string, ...columns: readonly (Column | string)[]): Column {
  return callColumn('format_string', litArg(format), ...columns.map(colArg));
}
